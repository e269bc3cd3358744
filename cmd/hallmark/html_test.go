package main

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/testtool"
)

// chromiumPath finds Debian's chromium; .ci/run installs it and requires it.
func chromiumPath(t *testing.T) string {
	return testtool.Need(t, testtool.Chromium, "the HTML report is not rendered")
}

// TestHTMLReportRenders writes the HTML report of a repository with tags,
// models and directories, and renders it in headless Chromium: the page's
// DOM has the charts, and the screenshot shows the AI bars' colour.
func TestHTMLReportRenders(t *testing.T) {
	chrome := chromiumPath(t)
	w := newWorld(t)
	for i, tag := range []string{"v0.1", "v0.2", "v0.3"} {
		var lines []string
		for k := 0; k < 10*(i+1); k++ {
			lines = append(lines, "M line")
		}
		w.edit("M", "pkg/model"+tag+".go", lines...)
		w.edit("H", "cmd/human"+tag+".go", "H one", "H two")
		w.commit("release " + tag)
		w.git("tag", tag)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if res := w.run("report", "--html", page); res.code != 0 {
		t.Fatalf("report --html: %+v", res)
	}
	html, _ := os.ReadFile(page)
	for _, want := range []string{"<svg", "v0.3", "pkg", "anthropic/claude-opus-4-5-20251101", "By directory", "By evidence"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(string(html), "<script") || strings.Contains(string(html), "http://") {
		t.Error("the page is not self-contained")
	}
	profile := t.TempDir()
	shot := filepath.Join(t.TempDir(), "shot.png")
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--window-size=1300,1600"}
	dom, err := exec.Command(chrome, append(args, "--dump-dom", "file://"+page)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	if !strings.Contains(string(dom), "<polyline") || !strings.Contains(string(dom), "<rect") {
		t.Errorf("rendered DOM lacks the charts")
	}
	if out, err := exec.Command(chrome, append(args, "--screenshot="+shot, "file://"+page)...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v %s", err, out)
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
	if os.Getenv("HALLMARK_KEEP_SCREENSHOT") != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(os.Getenv("HALLMARK_KEEP_SCREENSHOT"), data, 0o644)
	}
}
