package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// BenchmarkHookProcess measures what an agent waits for at each hook: the
// built binary run as a hook (`hallmark checkpoint --hook claude-code`
// with the payload on stdin) in a repository of 10,000 files, against
// `git status` run as a process on the same tree in the same iteration:
//
//	pre-clean   PreToolUse with nothing changed: the whole tree is
//	            checkpointed as the person (the usual pre-event)
//	post-write  PostToolUse of Write: one file of 200 lines, 3 changed
//	read        PostToolUse of Read: nothing to attribute, no repository
//	            opened
func BenchmarkHookProcess(b *testing.B) {
	g := gittest.New(b)
	g.Git("config", "gc.auto", "0")
	g.Git("config", "maintenance.auto", "false")
	for i := range 10000 {
		g.Write(fmt.Sprintf("d%02d/f%04d.go", i%100, i), gittest.Lines(fmt.Sprintf("file %d line", i), 20))
	}
	g.Write("edit.go", gittest.Lines("edit line", 200))
	g.Git("add", "-A")
	g.Git("commit", "-q", "-m", "tree")
	env := gittest.Env(b.TempDir())
	payload := func(event, tool, file string) []byte {
		return []byte(`{"session_id":"bench","transcript_path":"/t.jsonl","cwd":"` + g.Dir + `","hook_event_name":"` + event + `","tool_name":"` + tool + `","tool_input":{"file_path":"` + filepath.Join(g.Dir, file) + `"},"tool_use_id":"t"}`)
	}
	run := func(stdin []byte, name string, args ...string) time.Duration {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env, cmd.Stdin = g.Dir, env, bytes.NewReader(stdin)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "warning") {
			b.Fatalf("%s %v: %v %s", name, args, err, out)
		}
		return time.Since(start)
	}
	for _, bc := range []struct {
		name, event, tool, file string
		edit                    bool
	}{
		{"pre-clean", "PreToolUse", "Bash", "edit.go", false},
		{"post-write", "PostToolUse", "Write", "edit.go", true},
		{"read", "PostToolUse", "Read", "edit.go", false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took, base, ratio []float64
			for it := 0; it < b.N; it++ {
				if bc.edit {
					lines := strings.SplitAfter(gittest.Lines("edit line", 200), "\n")
					for k := range 3 {
						lines[(it*7+k*61)%200] = fmt.Sprintf("changed %d %d\n", it, k)
					}
					g.Write("edit.go", strings.Join(lines, ""))
				}
				h := run(payload(bc.event, bc.tool, bc.file), hallmarkBin, "checkpoint", "--hook", "claude-code", "--model", model)
				s := run(nil, "git", "status", "--porcelain=v1", "-z", "--untracked-files=all")
				took = append(took, float64(h.Microseconds())/1000)
				base = append(base, float64(s.Microseconds())/1000)
				ratio = append(ratio, float64(h)/float64(s))
			}
			b.ReportMetric(med(took), "hook-ms")
			b.ReportMetric(med(base), "gitstatus-ms")
			b.ReportMetric(med(ratio), "x-gitstatus")
		})
	}
}

func med(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
