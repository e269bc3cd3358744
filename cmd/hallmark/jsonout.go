package main

import (
	"encoding/json"
	"io"
	"maps"
	"slices"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

// addJSONFlag gives a command that prints results the --json flag that
// wantJSON reads.
func addJSONFlag(cmd *cobra.Command) {
	cmd.Flags().Bool("json", false, "print the result as JSON")
}

func wantJSON(cmd *cobra.Command) bool {
	v, _ := cmd.Flags().GetBool("json")
	return v
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// stampJSON is what stamp and carry print with --json.
type stampJSON struct {
	Commit string `json:"commit"`
	// Action is "stamped" or "carried"; Existing is set when the commit
	// had a record already and nothing was added.
	Action   string            `json:"action"`
	Existing bool              `json:"existing"`
	Signed   bool              `json:"signed"`
	Method   provenance.Method `json:"method"`
	Lines    provenance.Count  `json:"lines"`
}

func newStampJSON(res *repo.StampResult, action string) stampJSON {
	return stampJSON{Commit: res.Record.Commit, Action: action, Existing: res.Existing, Signed: res.Signed,
		Method: res.Record.Method, Lines: res.Record.Count()}
}

// checkpointJSON is what checkpoint prints with --json.
type checkpointJSON struct {
	Author  provenance.Author `json:"author"`
	Lines   int               `json:"lines"`
	Files   []string          `json:"files"`
	Skipped []skippedJSON     `json:"skipped"`
}

type skippedJSON struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func newCheckpointJSON(res *repo.CheckpointResult) checkpointJSON {
	out := checkpointJSON{Author: res.Author, Lines: res.Lines, Files: res.Files, Skipped: []skippedJSON{}}
	if out.Files == nil {
		out.Files = []string{}
	}
	for _, sk := range res.Skipped {
		out.Skipped = append(out.Skipped, skippedJSON{sk.Path, sk.Err.Error()})
	}
	return out
}

// initJSON is what init prints with --json.
type initJSON struct {
	HooksDir string           `json:"hooks_dir"`
	Hooks    []initHookJSON   `json:"hooks"`
	Remotes  []initRemoteJSON `json:"remotes"`
}

type initHookJSON struct {
	Name   string `json:"name"`
	Action string `json:"action"` // installed, updated, unchanged, chained FILE
}

type initRemoteJSON struct {
	Name    string `json:"name"`
	Refspec string `json:"refspec"`
	Action  string `json:"action"` // added, present
}

func newInitJSON(res *repo.InitResult) initJSON {
	out := initJSON{HooksDir: res.HooksDir, Hooks: []initHookJSON{}, Remotes: []initRemoteJSON{}}
	for _, h := range repo.HookNames {
		out.Hooks = append(out.Hooks, initHookJSON{h, res.Hooks[h]})
	}
	for _, rm := range slices.Sorted(maps.Keys(res.Remotes)) {
		out.Remotes = append(out.Remotes, initRemoteJSON{rm, repo.NotesFetchRefspec(rm), res.Remotes[rm]})
	}
	return out
}
