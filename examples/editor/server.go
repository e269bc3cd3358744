package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// The commands the server offers to the editor plugin.
const (
	// cmdAccept applies an accepted inline completion, attributed to its
	// model: arguments [{uri, position, text, model, tool}].
	cmdAccept = "hallmark.acceptCompletion"
	// cmdAuthors answers who wrote each line of a document as the server
	// knows it now: arguments [{uri}].
	cmdAuthors = "hallmark.lineAuthors"
)

type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start position `json:"start"`
	End   position `json:"end"`
}

type textEdit struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}

// document is an open file: its buffer in the library, and the repository.
type document struct {
	repo *repo.Repo
	buf  *repo.Buffer
	// expect is an accepted completion sent to the editor whose change has
	// not come back yet: the buffer's content once it has, and the edit to
	// attribute to the model.
	expect *expectation
}

type expectation struct {
	content string
	edit    repo.Edit
}

// server is the language server. Its loop handles one message at a time,
// so documents need no lock.
type server struct {
	ctx    context.Context
	out    *writer
	log    *log.Logger
	docs   map[string]*document // by URI
	repos  map[string]*repo.Repo
	nextID int
	// waiting maps the ids of our requests to the editor (applyEdit) to
	// the request of the editor's that waits for them.
	waiting map[string]json.RawMessage
	exited  bool
}

func newServer(ctx context.Context, out io.Writer, logw io.Writer) *server {
	return &server{
		ctx: ctx, out: &writer{w: out}, log: log.New(logw, "hallmark-lsp: ", 0),
		docs: map[string]*document{}, repos: map[string]*repo.Repo{}, waiting: map[string]json.RawMessage{},
	}
}

// serve reads messages until the editor exits or closes the stream.
func (s *server) serve(in io.Reader) error {
	defer func() {
		for _, r := range s.repos {
			r.Close()
		}
	}()
	br := bufio.NewReader(in)
	for !s.exited {
		m, err := readMessage(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if m.Error != nil && m.Method == "" && m.ID == nil && m.Error.Code == codeParse {
			s.reply(nil, nil, m.Error)
			continue
		}
		s.handle(m)
	}
	return nil
}

func (s *server) reply(id json.RawMessage, result any, rerr *rpcError) {
	m := &message{ID: id, Error: rerr}
	if rerr == nil {
		b, err := json.Marshal(result)
		if err != nil {
			m.Error = &rpcError{Code: codeInternal, Message: err.Error()}
		} else {
			m.Result = b
		}
	}
	if m.ID == nil {
		m.ID = json.RawMessage("null")
	}
	if err := s.out.write(m); err != nil {
		s.log.Print(err)
	}
}

func (s *server) handle(m *message) {
	if m.Method == "" { // a response to one of our requests
		s.response(m)
		return
	}
	result, err := s.dispatch(m)
	if m.ID == nil { // a notification: nobody to answer
		if err != nil {
			s.log.Printf("%s: %v", m.Method, err)
		}
		return
	}
	if errors.Is(err, errDeferred) {
		return
	}
	if err != nil {
		code := codeInternal
		var ce codedError
		if errors.As(err, &ce) {
			code = ce.code
		}
		s.reply(m.ID, nil, &rpcError{Code: code, Message: err.Error()})
		return
	}
	s.reply(m.ID, result, nil)
}

// errDeferred says the answer comes later (after the editor answers us).
var errDeferred = errors.New("editor: answered later")

type codedError struct {
	code int
	err  error
}

func (e codedError) Error() string { return e.err.Error() }
func (e codedError) Unwrap() error { return e.err }

func invalid(format string, a ...any) error {
	return codedError{codeInvalidParams, fmt.Errorf("editor: "+format, a...)}
}

func (s *server) dispatch(m *message) (any, error) {
	switch m.Method {
	case "initialize":
		return map[string]any{
			"capabilities": map[string]any{
				"textDocumentSync": map[string]any{
					"openClose": true,
					"change":    2, // incremental
					"save":      map[string]any{"includeText": false},
				},
				"executeCommandProvider": map[string]any{"commands": []string{cmdAccept, cmdAuthors}},
			},
			"serverInfo": map[string]string{"name": "hallmark-lsp", "version": "0.1.0"},
		}, nil
	case "initialized", "$/cancelRequest", "$/setTrace", "workspace/didChangeConfiguration":
		return nil, nil
	case "shutdown":
		return nil, nil
	case "exit":
		s.exited = true
		return nil, nil
	case "textDocument/didOpen":
		var p struct {
			TextDocument struct {
				URI  string `json:"uri"`
				Text string `json:"text"`
			} `json:"textDocument"`
		}
		if err := json.Unmarshal(m.Params, &p); err != nil {
			return nil, invalid("didOpen: %v", err)
		}
		return nil, s.open(p.TextDocument.URI, p.TextDocument.Text)
	case "textDocument/didChange":
		var p struct {
			TextDocument struct {
				URI string `json:"uri"`
			} `json:"textDocument"`
			ContentChanges []struct {
				Range *lspRange `json:"range"`
				Text  string    `json:"text"`
			} `json:"contentChanges"`
		}
		if err := json.Unmarshal(m.Params, &p); err != nil {
			return nil, invalid("didChange: %v", err)
		}
		d := s.docs[p.TextDocument.URI]
		if d == nil {
			return nil, nil // not in a repository
		}
		for _, c := range p.ContentChanges {
			if err := s.change(d, c.Range, c.Text); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case "textDocument/didSave":
		var p struct {
			TextDocument struct {
				URI string `json:"uri"`
			} `json:"textDocument"`
		}
		if err := json.Unmarshal(m.Params, &p); err != nil {
			return nil, invalid("didSave: %v", err)
		}
		if d := s.docs[p.TextDocument.URI]; d != nil {
			res, err := d.buf.Checkpoint(s.ctx)
			if err != nil {
				return nil, err
			}
			s.log.Printf("checkpoint %s: %d lines attributed since the last save", d.buf.Path(), res.Lines)
		}
		return nil, nil
	case "textDocument/didClose":
		var p struct {
			TextDocument struct {
				URI string `json:"uri"`
			} `json:"textDocument"`
		}
		if err := json.Unmarshal(m.Params, &p); err != nil {
			return nil, invalid("didClose: %v", err)
		}
		delete(s.docs, p.TextDocument.URI) // unsaved edits go with the buffer, as in the editor
		return nil, nil
	case "workspace/executeCommand":
		var p struct {
			Command   string            `json:"command"`
			Arguments []json.RawMessage `json:"arguments"`
		}
		if err := json.Unmarshal(m.Params, &p); err != nil || len(p.Arguments) != 1 {
			return nil, invalid("executeCommand: want one argument object")
		}
		switch p.Command {
		case cmdAccept:
			return nil, s.accept(m.ID, p.Arguments[0])
		case cmdAuthors:
			return s.authors(p.Arguments[0])
		}
		return nil, invalid("unknown command %q", p.Command)
	}
	return nil, codedError{codeMethodNotFound, fmt.Errorf("editor: method %q not supported", m.Method)}
}

// filePath turns a file: URI into a path.
func filePath(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return "", invalid("not a file URI: %q", uri)
	}
	return filepath.FromSlash(u.Path), nil
}

// open starts tracking a document, when it is in a git work tree.
func (s *server) open(uri, text string) error {
	p, err := filePath(uri)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	r := s.repos[dir]
	if r == nil {
		if r, err = repo.Open(s.ctx, dir); err != nil {
			s.log.Printf("%s: not tracked: %v", p, err)
			return nil
		}
		s.repos[dir] = r
	}
	buf, err := r.OpenBuffer(s.ctx, p, []byte(text), nil)
	if err != nil {
		return err
	}
	s.docs[uri] = &document{repo: r, buf: buf}
	return nil
}

// edit converts an LSP range and text into the library's edit.
func edit(b *repo.Buffer, rg lspRange, text string) (repo.Edit, error) {
	col := func(p position) (int, error) {
		switch {
		case p.Line < 0 || p.Line > b.Len():
			return 0, invalid("line %d of %d", p.Line, b.Len())
		case p.Line == b.Len():
			return 0, nil
		}
		return byteCol(strings.TrimSuffix(b.Line(p.Line), "\n"), p.Character), nil
	}
	sc, err := col(rg.Start)
	if err != nil {
		return repo.Edit{}, err
	}
	ec, err := col(rg.End)
	if err != nil {
		return repo.Edit{}, err
	}
	return repo.Edit{StartLine: rg.Start.Line, StartCol: sc, EndLine: rg.End.Line, EndCol: ec, Text: text}, nil
}

// change applies one content change: the model's when it is the accepted
// completion coming back, else the person's keystrokes.
func (s *server) change(d *document, rg *lspRange, text string) error {
	if rg == nil { // the whole text, before and after compared line by line
		if x := d.expect; x != nil && text == x.content {
			d.expect = nil
			return d.buf.Apply(x.edit)
		}
		return d.buf.Replace([]byte(text), provenance.Author{})
	}
	e, err := edit(d.buf, *rg, text)
	if err != nil {
		return err
	}
	if x := d.expect; x != nil {
		// The editor says how the text changed in its own terms (Neovim
		// computes the smallest differing range): compare what the text
		// becomes, not the ranges.
		if after, ok := spliced(d.buf, e); ok && after == x.content {
			d.expect = nil
			return d.buf.Apply(x.edit)
		}
	}
	return d.buf.Apply(e)
}

// spliced is the buffer's text with e applied, or false for an edit
// outside it.
func spliced(b *repo.Buffer, e repo.Edit) (string, bool) {
	var sb strings.Builder
	for i := 0; i < e.StartLine && i < b.Len(); i++ {
		sb.WriteString(b.Line(i))
	}
	if e.StartLine > b.Len() || e.EndLine > b.Len() {
		return "", false
	}
	if e.StartLine < b.Len() {
		l := b.Line(e.StartLine)
		if e.StartCol > len(l) {
			return "", false
		}
		sb.WriteString(l[:e.StartCol])
	}
	sb.WriteString(e.Text)
	if e.EndLine < b.Len() {
		l := b.Line(e.EndLine)
		if e.EndCol > len(l) {
			return "", false
		}
		sb.WriteString(l[e.EndCol:])
	}
	for i := e.EndLine + 1; i < b.Len(); i++ {
		sb.WriteString(b.Line(i))
	}
	return sb.String(), true
}

// accept handles an accepted completion: it asks the editor to insert it
// (workspace/applyEdit), expecting the change to come back, and answers
// the command once the editor has applied it.
func (s *server) accept(id json.RawMessage, arg json.RawMessage) error {
	var a struct {
		URI      string   `json:"uri"`
		Position position `json:"position"`
		Text     string   `json:"text"`
		Model    string   `json:"model"`
		Tool     string   `json:"tool"`
	}
	if err := json.Unmarshal(arg, &a); err != nil {
		return invalid("%s: %v", cmdAccept, err)
	}
	d := s.docs[a.URI]
	if d == nil {
		return invalid("%s: %s is not open in a repository", cmdAccept, a.URI)
	}
	if !provenance.ValidModelID(a.Model) {
		return invalid("%s: model %q is not in provider/model form", cmdAccept, a.Model)
	}
	rg := lspRange{Start: a.Position, End: a.Position}
	e, err := edit(d.buf, rg, a.Text)
	if err != nil {
		return err
	}
	e.Author = provenance.Author{Kind: provenance.Model, ModelID: a.Model, Tool: a.Tool}
	after, ok := spliced(d.buf, e)
	if !ok {
		return invalid("%s: position outside the document", cmdAccept)
	}
	d.expect = &expectation{content: after, edit: e}
	s.nextID++
	reqID := fmt.Sprintf(`"hallmark-%d"`, s.nextID)
	s.waiting[reqID] = id
	params, _ := json.Marshal(map[string]any{
		"label": "hallmark: accept completion",
		"edit":  map[string]any{"changes": map[string][]textEdit{a.URI: {{Range: rg, NewText: a.Text}}}},
	})
	if err := s.out.write(&message{ID: json.RawMessage(reqID), Method: "workspace/applyEdit", Params: params}); err != nil {
		return err
	}
	return errDeferred
}

// response handles the editor's answer to applyEdit.
func (s *server) response(m *message) {
	orig, ok := s.waiting[string(m.ID)]
	if !ok {
		return
	}
	delete(s.waiting, string(m.ID))
	var res struct {
		Applied bool   `json:"applied"`
		Reason  string `json:"failureReason"`
	}
	if m.Error != nil || json.Unmarshal(m.Result, &res) != nil || !res.Applied {
		for _, d := range s.docs {
			d.expect = nil
		}
		s.reply(orig, nil, &rpcError{Code: codeInternal, Message: "editor: the editor did not apply the completion " + res.Reason})
		return
	}
	s.reply(orig, map[string]bool{"applied": true}, nil)
}

// lineAuthor is one line as cmdAuthors reports it.
type lineAuthor struct {
	Class string `json:"class"` // "" for a line as committed
	Who   string `json:"who,omitempty"`
}

func (s *server) authors(arg json.RawMessage) (any, error) {
	var a struct {
		URI string `json:"uri"`
	}
	if err := json.Unmarshal(arg, &a); err != nil {
		return nil, invalid("%s: %v", cmdAuthors, err)
	}
	d := s.docs[a.URI]
	if d == nil {
		return nil, invalid("%s: %s is not open in a repository", cmdAuthors, a.URI)
	}
	out := make([]lineAuthor, d.buf.Len())
	for i := range out {
		if au, c, ok := d.buf.LineAuthor(i); ok {
			who := au.ModelID
			if who == "" {
				who = au.Name
			}
			out[i] = lineAuthor{Class: string(c), Who: who}
		}
	}
	return out, nil
}
