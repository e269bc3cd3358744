package main

import (
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/testtool"
)

// chromiumPath finds Debian's chromium; .ci/run installs it and requires it.
func chromiumPath(t *testing.T) string {
	return testtool.Need(t, testtool.Chromium, "the HTML report is not rendered")
}

// longModel is a real model id of the length that was cut from the left.
const longModel = "deepseek/deepseek-r1-distill-llama-70b-instruct-preview"

// htmlRepo is a history with what strains the page: 40 release tags with
// long names close together, a long model id, and over a thousand lines in
// one directory.
func htmlRepo(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	r.Write("big/data.txt", gittest.Lines("H", 1234))
	r.Commit("initial", "")
	for i := range 40 {
		r.Write(fmt.Sprintf("pkg/model%02d.go", i), gittest.Lines("M", 3*i+1))
		r.Commit(fmt.Sprintf("feat: model %d\n\nCo-authored-by: aider (%s) <aider@aider.chat>\n", i, longModel), "")
		r.Write(fmt.Sprintf("cmd/human%02d.go", i), gittest.Lines("H", 5))
		r.Commit(fmt.Sprintf("human %d", i), "")
		r.Git("tag", fmt.Sprintf("v1.%d.0-rc.%d", i, i))
	}
	return r
}

// chromium runs headless Chromium on a page with a viewport width wide.
func chromium(t *testing.T, bin, page string, wide int, extra ...string) []byte {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(), fmt.Sprintf("--window-size=%d,2400", wide)}
	cmd := exec.Command(bin, append(append(args, extra...), "file://"+page)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", extra, err)
	}
	return out
}

// measure is the script the test adds to a copy of the page (the report
// itself has none): it writes the page's own layout measurements into the
// DOM, which --dump-dom then prints.
const measure = `<script>
(function () {
  const vw = document.documentElement.clientWidth;
  const out = {vw: vw, scrollWidth: document.documentElement.scrollWidth, wide: [], labels: 0, overlaps: [], fills: [], smallest: 1e9, cut: []};
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -0.5 || r.right > vw + 0.5) out.wide.push(el.tagName + '.' + (el.getAttribute('class') || '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  for (const svg of document.querySelectorAll('svg.chart')) {
    const labels = [...svg.querySelectorAll('.axis-label')].map(e => ({t: e.textContent, r: e.getBoundingClientRect()})).filter(l => l.r.width > 0);
    out.labels += labels.length;
    for (let i = 0; i < labels.length; i++) {
      out.smallest = Math.min(out.smallest, labels[i].r.height);
      for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i].r, b = labels[j].r;
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) out.overlaps.push(labels[i].t + ' / ' + labels[j].t);
      }
    }
    const card = svg.parentElement, cs = getComputedStyle(card);
    const inner = card.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    out.fills.push(svg.getBoundingClientRect().width / inner);
  }
  for (const l of document.querySelectorAll('.bar-label')) {
    if (l.scrollWidth > l.clientWidth + 1) out.cut.push({text: l.textContent, title: l.title, overflow: getComputedStyle(l).textOverflow});
  }
  document.body.setAttribute('data-measure', JSON.stringify(out));
})();
</script>`

type measurements struct {
	VW          int       `json:"vw"`
	ScrollWidth int       `json:"scrollWidth"`
	Wide        []string  `json:"wide"`
	Labels      int       `json:"labels"`
	Overlaps    []string  `json:"overlaps"`
	Fills       []float64 `json:"fills"`
	Smallest    float64   `json:"smallest"`
	Cut         []struct {
		Text, Title, Overflow string
	} `json:"cut"`
}

// TestHTMLReportLayout writes the HTML report and renders it in headless
// Chromium at 1400 and 800 pixels wide: screenshots that show the charts,
// and the page's own DOM measurements: nothing wider than the viewport,
// every chart as wide as its card, axis labels that do not overlap and
// can be read, a long model id cut at its end with the whole id as its
// tooltip.
func TestHTMLReportLayout(t *testing.T) {
	chrome := chromiumPath(t)
	r := htmlRepo(t)
	page := filepath.Join(t.TempDir(), "report.html")
	res := hallmark(t, r.Dir, nil, "report", "--html", page)
	if res.code != 0 {
		t.Fatalf("report --html: %+v", res)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	body := string(data)
	name := filepath.Base(r.Dir)
	for _, want := range []string{
		"<title>Who wrote " + name + ": HEAD (", // repository and revision
		"1,234",                                 // thousands separators
		`title="` + longModel + `"`,             // the whole name as a tooltip
		"How to read this: each point is a release tag",
		"How to read this: a bar's length",
		"v1.39.0-rc.39",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Error("the page is not self-contained")
	}

	measured := filepath.Join(t.TempDir(), "measured.html")
	if err := os.WriteFile(measured, []byte(strings.Replace(body, "</body>", measure+"</body>", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, wide := range []int{1400, 800} {
		t.Run(fmt.Sprint(wide), func(t *testing.T) {
			dom := chromium(t, chrome, measured, wide, "--dump-dom")
			m := regexp.MustCompile(`data-measure="([^"]*)"`).FindSubmatch(dom)
			if m == nil {
				t.Fatalf("the page's script wrote no measurements:\n%.2000s", dom)
			}
			var got measurements
			if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &got); err != nil {
				t.Fatal(err)
			}
			t.Logf("measured at %d px: %+v", wide, got)
			if got.VW < wide-20 || got.VW > wide {
				t.Fatalf("viewport %d px, asked for %d", got.VW, wide)
			}
			if got.ScrollWidth > got.VW || len(got.Wide) > 0 {
				t.Errorf("wider than the viewport (%d px, page %d px): %v", got.VW, got.ScrollWidth, got.Wide)
			}
			if len(got.Overlaps) > 0 {
				t.Errorf("axis labels overlap: %v", got.Overlaps)
			}
			if got.Labels < 4 || got.Smallest < 10 {
				t.Errorf("%d axis labels, the smallest %.1f px high: too few or too small to read", got.Labels, got.Smallest)
			}
			if len(got.Fills) != 2 {
				t.Errorf("charts: %v", got.Fills)
			}
			for _, f := range got.Fills {
				if f < 0.98 || f > 1.01 {
					t.Errorf("a chart fills %.0f%% of its card's width", 100*f)
				}
			}
			for _, c := range got.Cut {
				if c.Text != c.Title || c.Overflow != "ellipsis" {
					t.Errorf("a label is cut but not at its end with its whole text as the tooltip: %+v", c)
				}
			}
			if wide == 800 && len(got.Cut) == 0 {
				t.Errorf("at 800 px the long model id %s should end in an ellipsis", longModel)
			}

			shot := filepath.Join(t.TempDir(), "shot.png")
			chromium(t, chrome, page, wide, "--screenshot="+shot)
			if keep := os.Getenv("HALLMARK_KEEP_SCREENSHOT"); keep != "" {
				data, _ := os.ReadFile(shot)
				os.WriteFile(fmt.Sprintf("%s-%d.png", strings.TrimSuffix(keep, ".png"), wide), data, 0o644)
			}
			f, err := os.Open(shot)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != wide {
				t.Errorf("screenshot %d px wide, want %d", b.Dx(), wide)
			}
			red := 0
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y += 2 {
				for x := b.Min.X; x < b.Max.X; x += 2 {
					r, g, bl, _ := img.At(x, y).RGBA()
					if r>>8 > 200 && g>>8 < 110 && bl>>8 < 110 { // the ai colour, #d9534f
						red++
					}
				}
			}
			if red < 200 {
				t.Errorf("the screenshot shows %d pixels of the AI colour: the charts did not render", red)
			}
		})
	}
}
