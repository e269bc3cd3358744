package attribution

import (
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/provenance"
)

// HTMLData is what the HTML report shows.
type HTMLData struct {
	Report  *Report
	ByDir   []provenance.Row
	ByModel []provenance.Row
	Periods []provenance.Row // quarters
	Title   string
	// Repo names the repository in the heading (the directory's name).
	Repo string
	// DirTitle and ModelTitle rename the two breakdowns (a package report
	// shows packages and modules there, and no tags or quarters).
	DirTitle, ModelTitle string
}

// WriteHTML writes one self-contained HTML file (inline CSS and SVG, no
// script, nothing fetched) with the report's charts: the AI share at each
// release tag over time, and the lines by directory, model, evidence and
// quarter. The page fits any width: the charts scale to their card
// (SVG viewBox, width 100%), bar labels end in an ellipsis with the whole
// name as a tooltip, and axis labels are thinned so that none overlaps.
func WriteHTML(w io.Writer, d *HTMLData) error {
	return page.Execute(w, d)
}

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"pct":         func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
	"short":       func(s string) string { return s[:min(12, len(s))] },
	"num":         thousands,
	"plural":      words.Noun,
	"tagChart":    tagChart,
	"barChart":    barChart,
	"periodChart": periodChart,
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title>
<style>
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:22px 40px}
header h1{margin:0;font-size:22px;overflow-wrap:anywhere}header p{margin:4px 0 0;color:#b8c0d0;overflow-wrap:anywhere}
main{padding:24px 40px;display:grid;grid-template-columns:repeat(auto-fit,minmax(min(440px,100%),1fr));gap:20px}
.card{background:#fff;border-radius:10px;padding:18px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08);min-width:0}
.wide{grid-column:1/-1}
.card h2{margin:0 0 12px;font-size:16px}
.kpis{display:flex;gap:12px 28px;flex-wrap:wrap}.kpi b{display:block;font-size:28px;font-variant-numeric:tabular-nums}.kpi span{color:#667}
.legend span{display:inline-block;margin-right:14px;font-size:13px}.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.muted{color:#667;font-size:13px}.how{color:#556;font-size:13px;margin:10px 0 0}
.left-out{margin:12px 0 0;font-size:13px;color:#445}.left-out ul{margin:4px 0 0;padding-left:20px}
.card{container-type:inline-size}
svg.chart{display:block;width:100%;height:auto}
svg.chart text{font-family:system-ui,sans-serif;fill:#333}
svg.chart .tick:not(.wide){display:none}
@container (max-width:900px){svg.tags text{font-size:24px}svg.tags .tick.wide{display:none}svg.tags .tick.narrow{display:inline}}
@container (max-width:480px){svg.periods text{font-size:20px}svg.periods .tick.wide{display:none}svg.periods .tick.narrow{display:inline}svg.periods .share{display:none}}
.bars{display:grid;grid-template-columns:minmax(0,max-content) minmax(80px,1fr) max-content;gap:6px 10px;align-items:center;font-size:13px}
.bar-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:22em}
.bar-track{height:18px}.bar{display:flex;height:100%;min-width:2px}.bar i{display:block;height:100%}
.bar-num{font-variant-numeric:tabular-nums;color:#445;white-space:nowrap;text-align:right}
@media (max-width:700px){header{padding:16px 16px}main{padding:14px 12px;gap:14px}.card{padding:14px}.bar-label{max-width:11em}}
</style></head><body>
<header><h1>Who wrote {{or .Repo "this code"}}</h1><p>{{.Report.Rev}} ({{short .Report.Commit}}){{if .Report.Since}}: the lines added since {{short .Report.Since}}{{end}}</p></header>
<main>
<section class="card wide"><h2>Who wrote the code</h2><div class="kpis">
<div class="kpi"><b>{{pct .Report.Lines.AIShare}}</b><span>written by models (ai + mixed)</span></div>
<div class="kpi"><b>{{num .Report.Lines.Total}}</b><span>{{plural .Report.Lines.Total "line"}} in {{num .Report.Files}} {{plural .Report.Files "file"}}</span></div>
<div class="kpi"><b>{{num .Report.Lines.AI}}</b><span>ai</span></div>
<div class="kpi"><b>{{num .Report.Lines.Mixed}}</b><span>mixed</span></div>
<div class="kpi"><b>{{num .Report.Lines.Human}}</b><span>human</span></div>
<div class="kpi"><b>{{num .Report.Lines.Unknown}}</b><span>unknown</span></div>
</div>{{if .Report.BinaryFilesSkipped}}<p class="muted">{{num .Report.BinaryFilesSkipped}} binary {{plural .Report.BinaryFilesSkipped "file"}} not counted as lines.</p>{{end}}
{{with .Report.Excluded}}<div class="left-out">Left out, as people leave them out of a count of code (hallmark report --all counts everything):<ul>{{range .}}<li>{{num .Files}} {{plural .Files "file"}}, {{num .Lines}} {{plural .Lines "line"}}: {{.Why}}</li>{{end}}</ul></div>{{end}}
<p class="legend"><span><i class="sw" style="background:#d9534f"></i>ai</span><span><i class="sw" style="background:#f0ad4e"></i>mixed</span><span><i class="sw" style="background:#5b8def"></i>human</span><span><i class="sw" style="background:#aab"></i>unknown</span></p>
<p class="how">How to read this: every line of the tree is counted once, for the commit that last changed it (as git blame finds it); ai + mixed over all lines is the share models wrote.</p></section>
{{if not .DirTitle}}<section class="card wide"><h2>AI share at each release tag</h2>{{tagChart .Report.Tags}}<p class="how">How to read this: each point is a release tag, placed by its date; its height is the share of the lines in the tree at that tag that models wrote, every file counted (nothing left out). Hover a point for the tag and its numbers.</p></section>{{end}}
<section class="card"><h2>{{or .DirTitle "By directory"}}</h2>{{barChart .ByDir 14}}<p class="how">How to read this: a bar's length is the number of lines, split by colour into who wrote them; the figures are the lines and the AI share.</p></section>
<section class="card"><h2>{{or .ModelTitle "By model"}}</h2>{{barChart .ByModel 10}}<p class="how">How to read this: {{if .ModelTitle}}a bar's length is the number of lines, split by colour into who wrote them; hover a name for all of it.{{else}}the lines each model wrote (as ai or mixed lines), and "(human)" for people; hover a name for all of it.{{end}}</p></section>
<section class="card"><h2>By evidence</h2>{{barChart .Report.Evidence 6}}<p class="how">How to read this: what each line's attribution rests on. signed: a record whose signature verifies; untrusted: signed, key not trusted; unsigned: a record without a signature; imported: another tool's record; inferred: commit conventions; none: no sign of a model.</p></section>
{{if not .DirTitle}}<section class="card"><h2>Lines added and merged per quarter</h2>{{periodChart .Periods}}<p class="how">How to read this: a column is the lines that reached the main line in a quarter (a branch counts when it was merged), split by who wrote them, every file counted; the figure above is that quarter's AI share.</p></section>{{end}}
</main></body></html>
`))

var classColors = []struct {
	name  string
	color string
}{{"ai", "#d9534f"}, {"mixed", "#f0ad4e"}, {"human", "#5b8def"}, {"unknown", "#aab"}}

func classLines(r provenance.Row, class string) int {
	switch class {
	case "ai":
		return r.Lines.AI
	case "mixed":
		return r.Lines.Mixed
	case "human":
		return r.Lines.Human
	}
	return r.Lines.Unknown
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// thousands writes n with a comma between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// barChart draws stacked horizontal bars, one row a key, as HTML: a label
// that ends in an ellipsis when too long (the whole key its tooltip), a bar
// as long as the row's lines against the longest, and the figures.
func barChart(rows []provenance.Row, limit int) template.HTML {
	if len(rows) == 0 {
		return `<p class="muted">No lines.</p>`
	}
	more := len(rows) - limit
	rows = rows[:min(limit, len(rows))]
	maxN := 1
	for _, r := range rows {
		maxN = max(maxN, r.Lines.Total())
	}
	var b strings.Builder
	b.WriteString(`<div class="bars">`)
	for _, r := range rows {
		fmt.Fprintf(&b, `<span class="bar-label" title="%s">%s</span><span class="bar-track"><span class="bar" style="width:%.2f%%">`,
			esc(r.Key), esc(r.Key), 100*float64(r.Lines.Total())/float64(maxN))
		for _, cc := range classColors {
			if n := classLines(r, cc.name); n > 0 {
				fmt.Fprintf(&b, `<i style="flex:%d;background:%s" title="%s: %s %s %s"></i>`, n, cc.color, esc(r.Key), thousands(n), cc.name, words.Noun(n, "line"))
			}
		}
		fmt.Fprintf(&b, `</span></span><span class="bar-num">%s · %.0f%%</span>`, thousands(r.Lines.Total()), 100*r.Lines.AIShare())
	}
	b.WriteString(`</div>`)
	if more > 0 {
		fmt.Fprintf(&b, `<p class="muted">and %s more (hallmark report --json has them all).</p>`, thousands(more))
	}
	return template.HTML(b.String())
}

// The SVG charts' coordinates are their viewBox's, scaled to the card.
// Text is sized in them too, so each chart has a second, larger size for
// a narrow card (a CSS container query), and its axis labels are thinned
// for both sizes: a label shows only in the set thinned for the size in
// force.
const (
	tagW, tagH       = 1200, 320
	periodW, periodH = 600, 300
	labelGap         = 12
)

// charWidth is a generous width of one character of the chart's font.
func charWidth(fontSize float64) float64 { return 0.62 * fontSize }

// thin picks which of the labels centred at xs to draw, at a font size,
// so that no two overlap and none leaves the chart (0 to width): from the
// last (the newest) back, each drawn only when it clears the one drawn
// after it.
func thin(xs []float64, labels []string, width, fontSize float64) []bool {
	keep := make([]bool, len(xs))
	next := math.Inf(1) // left edge of the label drawn to the right
	for i := len(xs) - 1; i >= 0; i-- {
		half := float64(len([]rune(labels[i]))) * charWidth(fontSize) / 2
		if xs[i]+half+labelGap <= next && xs[i]-half >= 0 && xs[i]+half <= width {
			keep[i] = true
			next = xs[i] - half
		}
	}
	return keep
}

// ticks writes the axis labels: each in the sets (wide, narrow) whose
// thinning keeps it.
func ticks(b *strings.Builder, xs []float64, names []string, width, y, font, narrowFont float64, tick bool) {
	wide, narrow := thin(xs, names, width, font), thin(xs, names, width, narrowFont)
	for i := range xs {
		if !wide[i] && !narrow[i] {
			continue
		}
		class := "tick"
		if wide[i] {
			class += " wide"
		}
		if narrow[i] {
			class += " narrow"
		}
		fmt.Fprintf(b, `<g class="%s">`, class)
		if tick {
			fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#99a"/>`, xs[i], xs[i], y-22, y-17)
		}
		fmt.Fprintf(b, `<text class="axis-label" x="%.1f" y="%.1f" font-size="%.0f" text-anchor="middle">%s</text></g>`, xs[i], y, font, esc(names[i]))
	}
}

// tagChart draws the AI share of the tree at each tag against the tags'
// dates.
func tagChart(tags []TagShare) template.HTML {
	if len(tags) == 0 {
		return `<p class="muted">No release tags in this history.</p>`
	}
	const font, narrowFont = 14, 24
	const top, left, right, bottom = 16, 72, 24, 44
	plotH := float64(tagH - top - bottom)
	first, last := tags[0].Time, tags[len(tags)-1].Time
	span := last.Sub(first).Seconds()
	xs := make([]float64, len(tags))
	names := make([]string, len(tags))
	for i, t := range tags {
		f := 0.5
		if span > 0 {
			f = t.Time.Sub(first).Seconds() / span
		} else if len(tags) > 1 {
			f = float64(i) / float64(len(tags)-1)
		}
		xs[i] = left + f*float64(tagW-left-right)
		names[i] = t.Tag
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart tags" viewBox="0 0 %d %d" role="img" aria-label="AI share at each release tag">`, tagW, tagH)
	for _, g := range []float64{0, .25, .5, .75, 1} {
		y := top + (1-g)*plotH
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e4e7ec"/><text x="%d" y="%.1f" font-size="%d" text-anchor="end">%.0f%%</text>`,
			left, tagW-right, y, y, left-8, y+5, font, 100*g)
	}
	var pts []string
	for i, t := range tags {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", xs[i], top+(1-t.Lines.AIShare())*plotH))
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#d9534f" stroke-width="2"/>`, strings.Join(pts, " "))
	r := 4.0
	if len(tags) > 60 {
		r = 2.5
	}
	for i, t := range tags {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="#d9534f"><title>%s (%s): %.1f%% of %s lines</title></circle>`,
			xs[i], top+(1-t.Lines.AIShare())*plotH, r, esc(t.Tag), t.Time.Format(time.DateOnly), 100*t.Lines.AIShare(), thousands(t.Lines.Total()))
	}
	ticks(&b, xs, names, tagW, tagH-bottom+24, font, narrowFont, true)
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
	const font, narrowFont = 13, 20
	const top, bottom = 22, 30
	// Columns share the width, up to a width that still reads as a
	// column; fewer periods stand centred.
	colW := min(90, float64(periodW)/float64(len(rows)))
	x0 := (float64(periodW) - colW*float64(len(rows))) / 2
	plotH := float64(periodH - top - bottom)
	xs := make([]float64, len(rows))
	names := make([]string, len(rows))
	for i, r := range rows {
		xs[i] = x0 + (float64(i)+0.5)*colW
		names[i] = r.Key
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart periods" viewBox="0 0 %d %d" role="img" aria-label="lines added per quarter">`, periodW, periodH)
	fmt.Fprintf(&b, `<line x1="0" x2="%d" y1="%d" y2="%d" stroke="#99a"/>`, periodW, periodH-bottom, periodH-bottom)
	shareFits := colW >= 4*charWidth(font)+2
	for i, r := range rows {
		x := x0 + float64(i)*colW
		y := float64(periodH - bottom)
		for _, cc := range classColors {
			n := classLines(r, cc.name)
			ch := plotH * float64(n) / float64(maxN)
			if ch > 0 {
				y -= ch
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s %s %s</title></rect>`,
					x+colW*0.1, y, colW*0.8, ch, cc.color, esc(r.Key), thousands(n), cc.name, words.Noun(n, "line"))
			}
		}
		if shareFits {
			fmt.Fprintf(&b, `<text class="share" x="%.1f" y="%.1f" font-size="%d" text-anchor="middle">%.0f%%</text>`, xs[i], y-5, font, 100*r.Lines.AIShare())
		}
	}
	ticks(&b, xs, names, periodW, periodH-bottom+20, font, narrowFont, false)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
