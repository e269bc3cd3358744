package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/hallmark-dev/hallmark/provenance"
)

// ToolCall is one action the model asks the harness for.
type ToolCall struct {
	Tool    string `json:"tool"`              // write_file, replace, shell
	Path    string `json:"path,omitempty"`    // write_file, replace
	Content string `json:"content,omitempty"` // write_file: the whole file
	Old     string `json:"old,omitempty"`     // replace: the text to find, once
	New     string `json:"new,omitempty"`     // replace: its replacement
	Command string `json:"command,omitempty"` // shell: run by sh -c in the work tree
}

// Model is what drives the harness: given what happened so far, the next
// tool call, or false when the task is done.
type Model interface {
	Author() provenance.Author
	Next(results []string) (ToolCall, bool)
	Message() string // the commit message
}

// scriptedModel is the stand-in: it plays a fixed list of tool calls.
type scriptedModel struct {
	ModelID string     `json:"model_id"` // models.dev form
	Session string     `json:"session"`
	Subject string     `json:"message"`
	Calls   []ToolCall `json:"calls"`
}

func loadScript(path string) (*scriptedModel, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m scriptedModel
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("script %s: %w", path, err)
	}
	if !provenance.ValidModelID(m.ModelID) {
		return nil, fmt.Errorf("script %s: model_id %q is not in provider/model form", path, m.ModelID)
	}
	if m.Subject == "" {
		m.Subject = "agentbot: " + m.ModelID
	}
	return &m, nil
}

func (m *scriptedModel) Author() provenance.Author {
	return provenance.Author{Kind: provenance.Model, ModelID: m.ModelID, Tool: "agentbot", ToolVersion: "1.0.0", Session: m.Session}
}

func (m *scriptedModel) Next(results []string) (ToolCall, bool) {
	if len(results) >= len(m.Calls) {
		return ToolCall{}, false
	}
	return m.Calls[len(results)], true
}

func (m *scriptedModel) Message() string { return m.Subject }
