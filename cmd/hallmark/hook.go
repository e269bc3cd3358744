package main

import (
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hallmark-dev/hallmark/agenthook"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

// hookOptions are checkpoint's flags in --hook mode.
type hookOptions struct {
	agent, event, model, tool, session string
}

// runHook is `checkpoint --hook AGENT`: it reads the payload and
// checkpoints as the event means (see agenthook's doc). It never fails: an
// agent reads exit status 2 as "block", and a hook must not stop an agent
// because hallmark could not record something. Problems are warnings on
// standard error; what was not recorded is covered by the next
// checkpoint.
func runHook(cmd *cobra.Command, o hookOptions, args []string) {
	stderr := cmd.ErrOrStderr()
	warn := func(format string, a ...any) {
		fmt.Fprintf(stderr, "hallmark: warning: "+format+"\n", a...)
	}
	agent := agenthook.Canonical(o.agent)
	if agent == "cline" {
		// Cline reads the hook's answer on standard output.
		defer fmt.Fprintln(cmd.OutOrStdout(), `{"cancel":false}`)
	}
	// Codex's notify passes the JSON as the last argument; hooks pass it
	// on standard input.
	var data []byte
	if n := len(args); n > 0 && strings.HasPrefix(strings.TrimSpace(args[n-1]), "{") {
		data, args = []byte(args[n-1]), args[:n-1]
	} else {
		b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), agenthook.MaxPayload+1))
		if err != nil {
			warn("reading the hook payload: %v", err)
			return
		}
		data = b
	}
	ev, err := agenthook.ParseEvent(o.agent, o.event, data)
	if err != nil {
		warn("%v; nothing recorded (the next checkpoint covers these edits)", err)
		return
	}
	what := ev.Agent + " " + ev.Name
	if ev.Tool != "" {
		what += " " + ev.Tool
	}
	if ev.Phase == agenthook.None && ev.Model == "" {
		fmt.Fprintf(stderr, "hallmark: %s: nothing to attribute\n", what)
		return // nothing to remember either: no repository to open
	}
	dir := ev.Cwd
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		warn("%s: the agent's directory %s is not there; nothing recorded", what, dir)
		return
	}
	ctx := cmd.Context()
	r, err := repo.Open(ctx, dir)
	if err != nil {
		warn("%s: %s is not in a git repository; nothing recorded", what, dir)
		return
	}
	defer r.Close()
	if r.WorkTree() == "" {
		warn("%s: %s has no work tree; nothing recorded", what, dir)
		return
	}
	session := ev.Session
	if o.session != "" {
		session = o.session
	}
	sess, err := r.AgentSession(ev.Agent, session, func(s *repo.AgentSession) {
		if ev.Model != "" {
			s.Model = ev.Model
		}
		if ev.Phase == agenthook.Before {
			s.PreEvent = true
		}
	})
	if err != nil {
		warn("%s: %v", what, err)
	}
	report := func(res *repo.CheckpointResult) {
		fmt.Fprintf(stderr, "hallmark: %s: %s in %s attributed to %s\n", what, words.Count(res.Lines, "line"), words.Count(len(res.Files), "file"), res.Author)
		warnSkipped(stderr, res)
	}
	switch ev.Phase {
	case agenthook.None:
		fmt.Fprintf(stderr, "hallmark: %s: nothing to attribute\n", what)
	case agenthook.Before:
		res, err := r.Checkpoint(ctx, repo.CheckpointOptions{})
		if err != nil {
			warn("%s: %s; nothing recorded", what, message(err))
			return
		}
		report(res)
	case agenthook.After:
		model := firstOf(ev.Model, sess.Model, o.model, os.Getenv("HALLMARK_MODEL"))
		tool := o.tool
		if tool == "" {
			tool = ev.Agent
		}
		author := modelAuthor(model, tool, session)
		var paths []string
		if ev.Shell {
			if !sess.PreEvent {
				warn("%s: no pre-event checkpoint in this session, so what the tool changed cannot be told from what the person typed; left for the next checkpoint (hallmark install-agent %s installs the pre-event hook)", what, ev.Agent)
				return
			}
		} else {
			for _, p := range ev.Paths {
				if !filepath.IsAbs(p) {
					base := ev.Cwd
					if base == "" {
						base, _ = os.Getwd()
					}
					p = filepath.Join(base, p)
				}
				paths = append(paths, p)
			}
			paths = insideWorkTree(r, paths, func(p string) { warn("%s: %s is outside the repository %s; not recorded", what, p, r.WorkTree()) })
			if len(paths) == 0 {
				return
			}
		}
		res, err := r.Checkpoint(ctx, repo.CheckpointOptions{Author: author, Paths: paths})
		if err != nil {
			warn("%s: %s; nothing recorded", what, message(err))
			return
		}
		report(res)
		if model == "" {
			warn("%s: the payload names no model and none was given: recorded as an unknown model (pass --model ID in the hook command)", what)
		}
	}
}

// insideWorkTree keeps the paths inside r's work tree, calling outside for
// the others.
func insideWorkTree(r *repo.Repo, paths []string, outside func(string)) []string {
	root := r.WorkTree()
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	var in []string
	for _, p := range paths {
		q := p
		if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
			q = filepath.Join(dir, filepath.Base(p))
		}
		rel, err := filepath.Rel(root, q)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			outside(p)
			continue
		}
		in = append(in, q)
	}
	return in
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// warnSkipped says which files a checkpoint left alone, and why.
func warnSkipped(w io.Writer, res *repo.CheckpointResult) {
	for _, sk := range res.Skipped {
		fmt.Fprintf(w, "hallmark: warning: not checkpointed: %v\n", sk.Err)
	}
}
