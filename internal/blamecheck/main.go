// Command blamecheck compares hallmark's attribution engine with git blame,
// line by line, on a sample of the files of any repository, and times both.
// It is a measuring tool for BENCHMARKS.md, not part of hallmark's API.
//
//	go run ./internal/blamecheck -repo /path/to/clone [-rev HEAD] [-sample 200] [-min 99.9] [-paths 'DIR FILE']
//
// For each sampled text file of the tree at REV it runs
// `git blame --porcelain REV -- FILE` and checks that every line names the
// same commit as the engine. It prints the files that disagree, then one
// summary line: the repository, the commit, the files sampled, the lines,
// the share of lines that agree, the files of which no line agrees, and the
// time of the engine's whole-tree pass (uncached) beside the time of git
// blame over the sampled files. It exits 1 when agreement is below -min or
// any file disagrees on every line.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/repo"
)

func main() {
	dir := flag.String("repo", ".", "the repository (a clone, bare or not)")
	rev := flag.String("rev", "HEAD", "the revision whose tree to compare")
	sample := flag.Int("sample", 200, "how many files to compare (0: all, -1: none, the engine's pass alone); the sample is fixed by the paths' hashes")
	minPct := flag.Float64("min", 99.9, "the least share of lines, in percent, that must agree")
	verbose := flag.Bool("v", false, "print every disagreeing line")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the engine's pass to this file")
	memProfile := flag.String("memprofile", "", "write the heap profile of the peak of the heap in use to this file")
	paths := flag.String("paths", "", "limit the engine's pass to these paths (space-separated, as report -- PATHS), so that only what reaches them is replayed")
	flag.Parse()
	if *paths != "" {
		onlyPaths = strings.Fields(*paths)
	}
	heapProfile, cpuProfilePath = *memProfile, *cpuProfile
	if heapProfile != "" {
		go peakProfiles()
	}
	if err := run(*dir, *rev, *sample, *minPct, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "blamecheck:", err)
		os.Exit(exitCode(err))
	}
}

var heapProfile, cpuProfilePath string

var onlyPaths []string

// peakProfiles keeps the heap profile of the moment the heap in use was
// largest, sampled every half second.
func peakProfiles() {
	var peak uint64
	for range time.Tick(500 * time.Millisecond) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak {
			peak = ms.HeapInuse
			if f, err := os.Create(heapProfile); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}
}

type belowTarget struct{ msg string }

func (b belowTarget) Error() string { return b.msg }

func exitCode(err error) int {
	if _, ok := err.(belowTarget); ok {
		return 1
	}
	return 2
}

func run(dir, rev string, sample int, minPct float64, verbose bool) error {
	ctx := context.Background()
	r, err := repo.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer r.Close()
	if cpuProfilePath != "" {
		f, err := os.Create(cpuProfilePath)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
	}
	rss := startRSS(50*time.Millisecond, "git")
	start := time.Now()
	a, err := attribution.Analyze(ctx, r, &attribution.Options{Rev: rev, NoCache: true, Paths: onlyPaths})
	if err != nil {
		return err
	}
	engine := time.Since(start)
	pprof.StopCPUProfile()
	mem := rss.Stop()
	if sample < 0 {
		fmt.Printf("engine (%s, uncached) %.2fs, %d files; %s\n", scope(), engine.Seconds(), len(a.Files()), mem)
		return nil
	}
	files := pick(a.Files(), sample)
	var lines, agree, whole, partly int
	var blameTime time.Duration
	for _, p := range files {
		ours, err := a.File(p)
		if err != nil {
			return err
		}
		t0 := time.Now()
		theirs, err := gitBlame(dir, a.Commit, p)
		blameTime += time.Since(t0)
		if err != nil {
			return err
		}
		if len(theirs) != len(ours) {
			fmt.Printf("%s: %d lines, git blame %d\n", p, len(ours), len(theirs))
			whole++
			lines += len(theirs)
			continue
		}
		same := 0
		for i, l := range ours {
			if l.Commit == theirs[i] {
				same++
			} else if verbose {
				fmt.Printf("%s:%d hallmark %.12s git blame %.12s\n", p, i+1, l.Commit, theirs[i])
			}
		}
		lines += len(ours)
		agree += same
		switch {
		case same == len(ours):
		case same == 0:
			whole++
			fmt.Printf("%s: no line of %d agrees\n", p, len(ours))
		default:
			partly++
			fmt.Printf("%s: %d of %d lines differ\n", p, len(ours)-same, len(ours))
		}
	}
	pct := 100.0
	if lines > 0 {
		pct = 100 * float64(agree) / float64(lines)
	}
	abs, _ := filepath.Abs(dir)
	fmt.Printf("repository %s commit %s: %d of %d files sampled, %d lines, %.3f%% agree with git blame, %d files partly and %d wholly different; engine (%s, uncached) %.2fs, git blame (sampled files) %.2fs; engine's %s\n",
		abs, a.Commit, len(files), len(a.Files()), lines, pct, partly, whole, scope(), engine.Seconds(), blameTime.Seconds(), mem)
	if pct < minPct || whole > 0 {
		return belowTarget{fmt.Sprintf("%.3f%% agreement (want at least %.3f%%), %d files wholly different", pct, minPct, whole)}
	}
	return nil
}

// pick chooses n files by the hash of their paths, so that the same tree
// gives the same sample on every run and a sample spreads over the tree.
func pick(files []string, n int) []string {
	if n <= 0 || n >= len(files) {
		return files
	}
	type hp struct {
		h uint64
		p string
	}
	hs := make([]hp, len(files))
	for i, p := range files {
		f := fnv.New64a()
		f.Write([]byte(p))
		hs[i] = hp{f.Sum64(), p}
	}
	slices.SortFunc(hs, func(a, b hp) int {
		if a.h < b.h {
			return -1
		}
		if a.h > b.h {
			return 1
		}
		return strings.Compare(a.p, b.p)
	})
	out := make([]string, n)
	for i := range out {
		out[i] = hs[i].p
	}
	slices.Sort(out)
	return out
}

// gitBlame returns the commit git blame names for each line of path.
func gitBlame(dir, rev, path string) ([]string, error) {
	cmd := exec.Command("git", "-C", dir, "blame", "--porcelain", rev, "--", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git blame %s: %v: %s", path, err, stderr.String())
	}
	return porcelainCommits(out), nil
}

// porcelainCommits reads `git blame --porcelain`: each line of the file is
// a header "COMMIT ORIG FINAL [N]", optional metadata lines, then the line
// itself after a TAB.
func porcelainCommits(out []byte) []string {
	var commits []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<30)
	header := true
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "\t") {
			header = true
			continue
		}
		if header {
			id, _, _ := strings.Cut(l, " ")
			commits = append(commits, id)
			header = false
		}
	}
	return commits
}

// scope says what the engine's pass covered.
func scope() string {
	if len(onlyPaths) > 0 {
		return "paths " + strings.Join(onlyPaths, " ")
	}
	return "whole tree"
}
