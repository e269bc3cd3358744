package attribution

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/hallmark-dev/hallmark/provenance"
)

// HTMLData is what the HTML report shows.
type HTMLData struct {
	Report  *Report
	ByDir   []provenance.Row
	ByModel []provenance.Row
	Periods []provenance.Row // quarters
	Title   string
	// DirTitle and ModelTitle rename the two breakdowns (a package report
	// shows packages and modules there, and no tags or quarters).
	DirTitle, ModelTitle string
}

// WriteHTML writes one self-contained HTML file (inline CSS and SVG, no
// script, nothing fetched) with the report's charts: the AI share at each
// release tag over time, and the lines by directory, model, evidence and
// quarter.
func WriteHTML(w io.Writer, d *HTMLData) error {
	return page.Execute(w, d)
}

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"pct":         func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
	"short":       func(s string) string { return s[:min(12, len(s))] },
	"tagChart":    tagChart,
	"barChart":    barChart,
	"periodChart": periodChart,
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:24px 40px}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#b8c0d0}
main{padding:24px 40px;display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:20px}
.card{background:#fff;border-radius:10px;padding:18px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card h2{margin:0 0 12px;font-size:16px}
.kpis{display:flex;gap:28px;flex-wrap:wrap}.kpi b{display:block;font-size:28px}.kpi span{color:#667}
.legend span{display:inline-block;margin-right:14px;font-size:13px}.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
svg text{font:12px system-ui,sans-serif;fill:#333}.muted{color:#778;font-size:13px}
</style></head><body>
<header><h1>{{.Title}}</h1><p>{{.Report.Rev}} ({{short .Report.Commit}}){{if .Report.Since}}, lines added since {{short .Report.Since}}{{end}}</p></header>
<main>
<section class="card" style="grid-column:1/-1"><h2>Who wrote the code</h2><div class="kpis">
<div class="kpi"><b>{{pct .Report.Lines.AIShare}}</b><span>written by models (ai + mixed)</span></div>
<div class="kpi"><b>{{.Report.Lines.Total}}</b><span>lines in {{.Report.Files}} files</span></div>
<div class="kpi"><b>{{.Report.Lines.AI}}</b><span>ai</span></div>
<div class="kpi"><b>{{.Report.Lines.Mixed}}</b><span>mixed</span></div>
<div class="kpi"><b>{{.Report.Lines.Human}}</b><span>human</span></div>
<div class="kpi"><b>{{.Report.Lines.Unknown}}</b><span>unknown</span></div>
</div>{{if .Report.BinaryFilesSkipped}}<p class="muted">{{.Report.BinaryFilesSkipped}} binary files are not counted as lines.</p>{{end}}
<p class="legend"><span><i class="sw" style="background:#d9534f"></i>ai</span><span><i class="sw" style="background:#f0ad4e"></i>mixed</span><span><i class="sw" style="background:#5b8def"></i>human</span><span><i class="sw" style="background:#aab"></i>unknown</span></p></section>
{{if not .DirTitle}}<section class="card" style="grid-column:1/-1"><h2>AI share at each release tag</h2>{{tagChart .Report.Tags}}</section>{{end}}
<section class="card"><h2>{{or .DirTitle "By directory"}}</h2>{{barChart .ByDir 14}}</section>
<section class="card"><h2>{{or .ModelTitle "By model"}}</h2>{{barChart .ByModel 10}}</section>
<section class="card"><h2>By evidence</h2>{{barChart .Report.Evidence 4}}<p class="muted">signed: a record whose signature verifies; untrusted: signed, key not trusted; unsigned: a record without a signature; inferred: commit conventions; none: no sign of a model.</p></section>
{{if not .DirTitle}}<section class="card"><h2>Lines added and merged per quarter</h2>{{periodChart .Periods}}</section>{{end}}
</main></body></html>
`))

var classColors = []struct {
	name  string
	color string
}{{"ai", "#d9534f"}, {"mixed", "#f0ad4e"}, {"human", "#5b8def"}, {"unknown", "#aab"}}

func esc(s string) string { return template.HTMLEscapeString(s) }

// barChart draws stacked horizontal bars, one row a key.
func barChart(rows []provenance.Row, limit int) template.HTML {
	if len(rows) == 0 {
		return `<p class="muted">No lines.</p>`
	}
	rows = rows[:min(limit, len(rows))]
	maxN := 1
	for _, r := range rows {
		maxN = max(maxN, r.Lines.Total())
	}
	const labelW, barW, rowH = 200, 260, 26
	var b strings.Builder
	fmt.Fprintf(&b, `<svg width="%d" height="%d" role="img">`, labelW+barW+90, len(rows)*rowH+6)
	for i, r := range rows {
		y := i*rowH + 4
		label := r.Key
		if len(label) > 30 {
			label = "…" + label[len(label)-29:]
		}
		fmt.Fprintf(&b, `<text x="0" y="%d">%s</text>`, y+15, esc(label))
		x := float64(labelW)
		for _, cc := range classColors {
			n := map[string]int{"ai": r.Lines.AI, "mixed": r.Lines.Mixed, "human": r.Lines.Human, "unknown": r.Lines.Unknown}[cc.name]
			w := float64(barW) * float64(n) / float64(maxN)
			if w > 0 {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="18" fill="%s"><title>%s: %d %s lines</title></rect>`, x, y+2, w, cc.color, esc(r.Key), n, cc.name)
			}
			x += w
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%d · %.0f%%</text>`, x+6, y+15, r.Lines.Total(), 100*r.Lines.AIShare())
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// tagChart draws the AI share of the tree at each tag, in time order.
func tagChart(tags []TagShare) template.HTML {
	if len(tags) == 0 {
		return `<p class="muted">No release tags in this history.</p>`
	}
	const w, h, pad = 900, 240, 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg width="%d" height="%d" role="img">`, w, h+40)
	for _, g := range []float64{0, .25, .5, .75, 1} {
		y := pad + (1-g)*float64(h-pad)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e4e7ec"/><text x="0" y="%.1f">%.0f%%</text>`, pad, w-10, y, y, y+4, 100*g)
	}
	step := float64(w-pad-30) / math.Max(1, float64(len(tags)-1))
	var pts []string
	for i, t := range tags {
		x := float64(pad+10) + float64(i)*step
		y := pad + (1-t.Lines.AIShare())*float64(h-pad)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="#d9534f"><title>%s (%s): %.1f%% of %d lines</title></circle>`, x, y, esc(t.Tag), t.Time.Format("2006-01-02"), 100*t.Lines.AIShare(), t.Lines.Total())
		if len(tags) <= 24 || i%((len(tags)+23)/24) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x, h+20, esc(t.Tag))
		}
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#d9534f" stroke-width="2"/>`, strings.Join(pts, " "))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// periodChart draws lines added per period as stacked columns.
func periodChart(rows []provenance.Row) template.HTML {
	if len(rows) == 0 {
		return `<p class="muted">No commits.</p>`
	}
	maxN := 1
	for _, r := range rows {
		maxN = max(maxN, r.Lines.Total())
	}
	const h = 200
	colW := math.Max(14, math.Min(60, 420/float64(len(rows))))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg width="%.0f" height="%d" role="img">`, colW*float64(len(rows))+20, h+50)
	for i, r := range rows {
		x := 10 + float64(i)*colW
		y := float64(h)
		for _, cc := range classColors {
			n := map[string]int{"ai": r.Lines.AI, "mixed": r.Lines.Mixed, "human": r.Lines.Human, "unknown": r.Lines.Unknown}[cc.name]
			ch := float64(h-20) * float64(n) / float64(maxN)
			if ch > 0 {
				y -= ch
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %d %s lines</title></rect>`, x, y, colW-3, ch, cc.color, esc(r.Key), n, cc.name)
			}
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%.0f%%</text>`, x+colW/2, y-4, 100*r.Lines.AIShare())
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end" transform="rotate(-45 %.1f %d)">%s</text>`, x+colW/2, h+14, x+colW/2, h+14, esc(r.Key))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
