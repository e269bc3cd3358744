package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// Codex's notify program is the top-level key `notify` of its
// config.toml, an array of strings: the program and its first arguments,
// to which Codex appends the event's JSON as one more argument (see
// openai/codex docs/config.md, "notify"). Codex runs one such program, so
// a notify that is not hallmark's is never replaced.
//
// The file is edited line by line, so that the person's comments and
// layout stay as they are: only the lines of the notify key are written.
// The edit is then checked by decoding both versions with a TOML parser:
// every other key must decode as before, and notify as intended, or the
// file is left alone.

// errNotifyTaken: the config names another notify program.
var errNotifyTaken = errors.New("install-agent: codex runs another notify program")

// notifyComment is the line written above hallmark's notify key.
const notifyComment = "# hallmark: record what Codex changes (hallmark install-agent codex --notify)"

// installCodexNotify adds argv as Codex's notify program in the
// config.toml at path (or removes it), and returns what it changed.
func installCodexNotify(path string, argv []string, remove bool) ([]string, error) {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	updated, change, err := editCodexNotify(old, argv, remove)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	if change == "" {
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return []string{change}, writeFileAtomic(path, updated, 0o644)
}

// editCodexNotify is installCodexNotify on the file's content: the new
// content and the change made ("" for none).
func editCodexNotify(old []byte, argv []string, remove bool) ([]byte, string, error) {
	before := map[string]any{}
	if _, err := toml.Decode(string(old), &before); err != nil {
		return nil, "", fmt.Errorf("install-agent: config.toml is not TOML hallmark can read: %v (fix it, then run again)", err)
	}
	cur, has := before["notify"]
	var have []string
	if has {
		list, ok := cur.([]any)
		for _, v := range list {
			s, isString := v.(string)
			if !isString {
				ok = false
				break
			}
			have = append(have, s)
		}
		if !ok {
			return nil, "", fmt.Errorf("install-agent: config.toml: notify is not a list of strings: edit it by hand")
		}
	}
	mine := has && ourNotify(have)
	span, insertAt, err := scanTopLevel(old, "notify")
	if err != nil {
		return nil, "", err
	}
	if has && span == nil {
		return nil, "", fmt.Errorf("install-agent: config.toml: notify is set in a form hallmark does not edit: edit it by hand")
	}
	var out []byte
	var change string
	switch {
	case remove && !mine:
		return old, "", nil // nothing of hallmark's; another program's notify stays
	case remove:
		start := span[0]
		if c := lineBefore(old, start); strings.TrimSpace(string(old[c:start])) == notifyComment {
			start = c
		}
		out = append(append([]byte{}, old[:start]...), old[span[1]:]...)
		change = "removed notify"
	case has && !mine:
		return nil, "", fmt.Errorf("%w: notify = %q; Codex runs one: chain hallmark from yours ('hallmark checkpoint --hook codex' with the JSON as its last argument), or use the hooks: hallmark install-agent codex", errNotifyTaken, have)
	case mine && slices.Equal(have, argv):
		return old, "", nil
	case mine:
		out = append(append(append([]byte{}, old[:span[0]]...), notifyLine(argv)...), old[span[1]:]...)
		change = "updated notify"
	default:
		head := append([]byte{}, old[:insertAt]...)
		if len(head) > 0 && head[len(head)-1] != '\n' {
			head = append(head, '\n')
		}
		out = append(append(append(head, notifyComment+"\n"...), notifyLine(argv)...), old[insertAt:]...)
		change = "added notify"
	}
	// The edit is checked: notify as intended, every other key as it was.
	after := map[string]any{}
	if _, err := toml.Decode(string(out), &after); err != nil {
		return nil, "", fmt.Errorf("install-agent: config.toml: the edit would not be TOML (%v): left alone, edit it by hand", err)
	}
	got, ok := after["notify"]
	delete(after, "notify")
	delete(before, "notify")
	want := any(nil)
	if !remove {
		want = toAny(argv)
	}
	if !reflect.DeepEqual(before, after) || (remove && ok) || (!remove && !reflect.DeepEqual(got, want)) {
		return nil, "", fmt.Errorf("install-agent: config.toml: the edit would change more than notify: left alone, edit it by hand")
	}
	return out, change, nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// ourNotify reports whether a notify argv runs hallmark's Codex hook.
func ourNotify(argv []string) bool {
	for i := 0; i+2 < len(argv); i++ {
		if argv[i] == "checkpoint" && argv[i+1] == "--hook" && argv[i+2] == "codex" {
			return true
		}
	}
	return false
}

// notifyLine is the key and value, as TOML basic strings (JSON's escapes
// are TOML's).
func notifyLine(argv []string) []byte {
	var b bytes.Buffer
	b.WriteString("notify = [")
	for i, a := range argv {
		if i > 0 {
			b.WriteString(", ")
		}
		var q bytes.Buffer
		enc := json.NewEncoder(&q)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(a)
		b.Write(bytes.TrimSuffix(q.Bytes(), []byte("\n")))
	}
	b.WriteString("]\n")
	return b.Bytes()
}

// lineBefore returns the offset of the start of the line before the one
// starting at off (off itself at the start of the file).
func lineBefore(b []byte, off int) int {
	if off == 0 {
		return 0
	}
	return bytes.LastIndexByte(b[:off-1], '\n') + 1
}

// scanTopLevel finds, among the key/value lines before the first table
// header, the one whose key is key: span is its byte range (from its
// line's start to past the newline that ends its value, which may run
// over several lines), nil when it is not there; insertAt is where a new
// top-level key goes, past the last top-level key/value. It reads strings
// (basic, literal, and their multi-line forms), comments, arrays and
// inline tables, enough to tell where each value ends; the TOML parser
// has the last word on what the values mean.
func scanTopLevel(b []byte, key string) (span []int, insertAt int, err error) {
	i := 0
	for i < len(b) {
		start := i
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i >= len(b) {
			break
		}
		switch b[i] {
		case '\n', '\r':
			i = endOfLine(b, i)
			continue
		case '#':
			i = endOfLine(b, i)
			continue
		case '[':
			return span, insertAt, nil // the first table: the top level ends
		}
		// key = value
		eq := -1
		k := i
		for k < len(b) && b[k] != '\n' {
			if b[k] == '"' || b[k] == '\'' {
				end, err := skipString(b, k)
				if err != nil {
					return nil, 0, err
				}
				k = end
				continue
			}
			if b[k] == '=' {
				eq = k
				break
			}
			k++
		}
		if eq < 0 {
			return nil, 0, fmt.Errorf("install-agent: config.toml: a line without '=' before the first table")
		}
		name := strings.TrimSpace(string(b[i:eq]))
		end, err := skipValue(b, eq+1)
		if err != nil {
			return nil, 0, err
		}
		if unquoteKey(name) == key {
			span = []int{start, end}
		}
		insertAt, i = end, end
	}
	return span, insertAt, nil
}

// unquoteKey is a bare or quoted key's name.
func unquoteKey(k string) string {
	if len(k) >= 2 && (k[0] == '"' && k[len(k)-1] == '"' || k[0] == '\'' && k[len(k)-1] == '\'') {
		return k[1 : len(k)-1]
	}
	return k
}

// endOfLine returns the offset past the newline that ends the line at i.
func endOfLine(b []byte, i int) int {
	if n := bytes.IndexByte(b[i:], '\n'); n >= 0 {
		return i + n + 1
	}
	return len(b)
}

// skipValue returns the offset past the newline that ends the value
// starting at i: the first newline outside strings, arrays and inline
// tables.
func skipValue(b []byte, i int) (int, error) {
	depth := 0
	for i < len(b) {
		switch c := b[i]; {
		case c == '"' || c == '\'':
			end, err := skipString(b, i)
			if err != nil {
				return 0, err
			}
			i = end
			continue
		case c == '#':
			i = endOfLine(b, i) - 1
			if i < len(b) && b[i] != '\n' {
				return len(b), nil
			}
			continue
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth < 0 {
				return 0, fmt.Errorf("install-agent: config.toml: an unbalanced %q", c)
			}
		case c == '\n' && depth == 0:
			return i + 1, nil
		}
		i++
	}
	if depth != 0 {
		return 0, fmt.Errorf("install-agent: config.toml: an array or table left open")
	}
	return len(b), nil
}

// skipString returns the offset past the string starting at i: basic
// ("...", with backslash escapes), literal ('...'), or their multi-line
// forms, which may end in up to two quotes before the closing three.
func skipString(b []byte, i int) (int, error) {
	q := b[i]
	multi := bytes.HasPrefix(b[i:], []byte{q, q, q})
	k := i + 1
	if multi {
		k = i + 3
	}
	for ; k < len(b); k++ {
		switch {
		case q == '"' && b[k] == '\\':
			k++
		case b[k] == '\n' && !multi:
			return 0, fmt.Errorf("install-agent: config.toml: a string left open")
		case b[k] == q && !multi:
			return k + 1, nil
		case b[k] == q && bytes.HasPrefix(b[k:], []byte{q, q, q}):
			end := k + 3
			for n := 0; n < 2 && end < len(b) && b[end] == q; n++ {
				end++
			}
			return end, nil
		}
	}
	return 0, fmt.Errorf("install-agent: config.toml: a string left open")
}
