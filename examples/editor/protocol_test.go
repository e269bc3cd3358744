package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// client is a minimal LSP client over pipes to an in-process server.
type client struct {
	t   *testing.T
	out *writer
	in  *bufio.Reader
	id  int
}

func startServer(t *testing.T) *client {
	cr, sw := io.Pipe() // server to client
	sr, cw := io.Pipe() // client to server
	s := newServer(context.Background(), sw, io.Discard)
	done := make(chan error, 1)
	go func() { done <- s.serve(sr); sw.Close() }()
	t.Cleanup(func() {
		cw.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &client{t: t, out: &writer{w: cw}, in: bufio.NewReader(cr)}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	b, _ := json.Marshal(params)
	if err := c.out.write(&message{Method: method, Params: b}); err != nil {
		c.t.Fatal(err)
	}
}

// call sends a request and returns its response; requests the server makes
// meanwhile go to onRequest, whose answer is sent back.
func (c *client) call(method string, params any, onRequest func(*message) any) *message {
	c.t.Helper()
	c.id++
	b, _ := json.Marshal(params)
	id := json.RawMessage(fmt.Sprint(c.id))
	if err := c.out.write(&message{ID: id, Method: method, Params: b}); err != nil {
		c.t.Fatal(err)
	}
	for {
		m, err := readMessage(c.in)
		if err != nil {
			c.t.Fatal(err)
		}
		if m.Method != "" {
			res, _ := json.Marshal(onRequest(m))
			if err := c.out.write(&message{ID: m.ID, Result: res}); err != nil {
				c.t.Fatal(err)
			}
			continue
		}
		if string(m.ID) == string(id) {
			return m
		}
	}
}

func docURI(path string) string { return (&url.URL{Scheme: "file", Path: path}).String() }

// An editor that reports every change as the whole text (sync kind full)
// still gets the completion attributed: the server compares what the text
// becomes, not how the editor describes the change.
func TestProtocolFullTextChanges(t *testing.T) {
	r := hallmarktest.NewRepo(t)
	r.Write("a.go", "package a\n")
	r.Commit("start")
	c := startServer(t)
	if m := c.call("initialize", map[string]any{"rootUri": docURI(r.Dir)}, nil); m.Error != nil {
		t.Fatal(m.Error.Message)
	}
	c.notify("initialized", map[string]any{})
	uri := docURI(r.Path("a.go"))
	text := "package a\n"
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "text": text, "version": 1, "languageId": "go"}})
	text += "// typed é\n" // a keystroke run, with a letter of two UTF-8 bytes
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri}, "contentChanges": []any{map[string]any{"text": text}}})
	m := c.call("workspace/executeCommand", map[string]any{"command": cmdAccept, "arguments": []any{map[string]any{
		"uri": uri, "position": map[string]int{"line": 1, "character": 10}, "text": " and more\nfunc F() {}", "model": model,
	}}}, func(req *message) any {
		if req.Method != "workspace/applyEdit" {
			t.Fatalf("server asked %s", req.Method)
		}
		var p struct {
			Edit struct {
				Changes map[string][]textEdit `json:"changes"`
			} `json:"edit"`
		}
		json.Unmarshal(req.Params, &p)
		e := p.Edit.Changes[uri][0]
		lines := strings.SplitAfter(text, "\n")
		l := lines[e.Range.Start.Line]
		col := byteCol(strings.TrimSuffix(l, "\n"), e.Range.Start.Character)
		lines[e.Range.Start.Line] = l[:col] + e.NewText + l[col:]
		text = strings.Join(lines, "")
		c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri}, "contentChanges": []any{map[string]any{"text": text}}})
		return map[string]bool{"applied": true}
	})
	if m.Error != nil {
		t.Fatalf("accept: %s", m.Error.Message)
	}
	if text != "package a\n// typed é and more\nfunc F() {}\n" {
		t.Fatalf("text %q", text)
	}
	c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri}})
	m = c.call("workspace/executeCommand", map[string]any{"command": cmdAuthors, "arguments": []any{map[string]any{"uri": uri}}}, nil)
	var got []lineAuthor
	json.Unmarshal(m.Result, &got)
	want := []lineAuthor{{}, {Class: "ai", Who: model}, {Class: "ai", Who: model}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("authors %v, want %v", got, want)
	}
	// The pending attribution is stored: the next commit's record has it.
	r.Write("a.go", text)
	r.Commit("feat")
	key := hallmarktest.NewKey(t, "dev")
	stamp(t, r, key)
	hallmarktest.ExpectLines(t, r.StoredRecord("HEAD", hallmarktest.Keyring(t, key)), "a.go",
		hallmarktest.Want{From: 2, To: 3, Class: provenance.AI, Who: model})

	// Bad input is answered with an error, not a crash.
	for _, bad := range []any{
		map[string]any{"command": cmdAccept, "arguments": []any{map[string]any{"uri": uri, "text": "x", "model": "not a model id"}}},
		map[string]any{"command": cmdAccept, "arguments": []any{map[string]any{"uri": uri, "position": map[string]int{"line": 99}, "text": "x", "model": model}}},
		map[string]any{"command": "nope", "arguments": []any{map[string]any{}}},
		map[string]any{"command": cmdAuthors, "arguments": []any{}},
	} {
		if m := c.call("workspace/executeCommand", bad, func(*message) any { return nil }); m.Error == nil || m.Error.Code != codeInvalidParams {
			t.Errorf("%v: %+v, want invalid params", bad, m.Error)
		}
	}
	if m := c.call("textDocument/hover", map[string]any{}, nil); m.Error == nil || m.Error.Code != codeMethodNotFound {
		t.Errorf("unknown method: %+v", m.Error)
	}
}

func TestByteCol(t *testing.T) {
	for _, tc := range []struct {
		line  string
		units int
		want  int
	}{
		{"abc", 2, 2},
		{"é!", 1, 2}, // é is one unit, two bytes
		{"😀x", 2, 4}, // an astral rune is two units, four bytes
		{"😀x", 3, 5},
		{"abc", 10, 3}, // past the end: the end
	} {
		if got := byteCol(tc.line, tc.units); got != tc.want {
			t.Errorf("byteCol(%q, %d) = %d, want %d", tc.line, tc.units, got, tc.want)
		}
		if tc.units <= unitCol(tc.line, len(tc.line)) {
			if back := unitCol(tc.line, tc.want); back != tc.units {
				t.Errorf("unitCol(%q, %d) = %d, want %d", tc.line, tc.want, back, tc.units)
			}
		}
	}
}

func FuzzReadMessage(f *testing.F) {
	f.Add([]byte("Content-Length: 2\r\n\r\n{}"))
	f.Add([]byte("Content-Length: 44\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}"))
	f.Add([]byte("Content-Length: 99999999999\r\n\r\n"))
	f.Add([]byte("no colon\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReader(bytes.NewReader(data))
		for range 8 {
			m, err := readMessage(br)
			if err != nil {
				return
			}
			if m == nil {
				t.Fatal("nil message without error")
			}
		}
	})
}

func stamp(t *testing.T, r *hallmarktest.Repo, key *hallmarktest.Key) {
	t.Helper()
	if _, err := r.Open().Stamp(context.Background(), "HEAD", &repo.StampOptions{Signer: key.Signer}); err != nil {
		t.Fatal(err)
	}
}
