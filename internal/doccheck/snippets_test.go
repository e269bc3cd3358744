package doccheck

import (
	"go/ast"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// snippet says how to compile the Go code blocks of one package's doc: the
// variables they use without declaring them, and whether a block is
// statements (the body of a function) or declarations.
type snippet struct {
	prelude string // declarations the blocks take as given
	decls   bool
}

// snippets are the packages whose package comment shows Go code.
var snippets = map[string]snippet{
	"agenthook":    {prelude: "var payload []byte"},
	"analysis":     {prelude: "var ctx context.Context"},
	"attribution":  {prelude: "var (ctx context.Context; r *repo.Repo; ring *attest.Keyring)"},
	"attest":       {prelude: "var (pemBytes, password, commitObject []byte; rec *provenance.Record; pub crypto.PublicKey; id string)"},
	"hallmarktest": {prelude: "func runMyAgent(t *testing.T, dir string, s signature.Signer) {}", decls: true},
	"policy":       {prelude: "var (ctx context.Context; r *repo.Repo; base string)"},
	"provenance":   {prelude: "var (id, d string; model provenance.Author)"},
	"repo":         {prelude: "var ctx context.Context"},
}

// imports are what a snippet may name, by package name.
var imports = map[string]string{
	"agenthook": module + "/agenthook", "analysis": module + "/analysis", "attest": module + "/attest", "attribution": module + "/attribution",
	"hallmarktest": module + "/hallmarktest", "policy": module + "/policy", "provenance": module + "/provenance",
	"repo": module + "/repo", "context": "context", "crypto": "crypto", "fmt": "fmt", "testing": "testing",
	"signature": "github.com/sigstore/sigstore/pkg/signature",
}

// TestDocSnippetsCompile builds the Go code blocks of the package comments
// (the happy path each package shows first) against the packages as they
// are: a renamed function, a changed signature or a value a call no longer
// returns fails here, as a reader's copy of it would.
func TestDocSnippetsCompile(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	root, _ := filepath.Abs("../..")
	dir, err := os.MkdirTemp(filepath.Join(root, "internal", "doccheck"), "snippets")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	names := make([]string, 0, len(snippets))
	for n := range snippets {
		names = append(names, n)
	}
	sort.Strings(names)
	built := 0
	for _, name := range names {
		sn := snippets[name]
		src, err := os.ReadFile(filepath.Join(root, name, "doc.go"))
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil || f.Doc == nil {
			t.Fatalf("%s/doc.go: %v", name, err)
		}
		var p comment.Parser
		for i, b := range p.Parse(f.Doc.Text()).Content {
			code, ok := b.(*comment.Code)
			if !ok || !looksLikeGo(code.Text) {
				continue
			}
			body := code.Text
			if !sn.decls {
				body = "func _() {\n" + body + keepUsed(t, body) + "}\n"
			}
			file := "package snippets\n\n" + importsFor(sn.prelude+"\n"+body) + sn.prelude + "\n\n" + body
			// A package each: every block stands alone, as in a reader's program.
			pkgDir := filepath.Join(dir, name+"_"+strconv.Itoa(i))
			if err := os.Mkdir(pkgDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(pkgDir, "snippet.go"), []byte(file), 0o644); err != nil {
				t.Fatal(err)
			}
			built++
		}
	}
	if built < len(snippets) {
		t.Fatalf("found %d Go blocks in %d package docs", built, len(snippets))
	}
	cmd := exec.Command("go", "vet", "./"+filepath.Base(dir)+"/...")
	cmd.Dir = filepath.Join(root, "internal", "doccheck")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the package docs' Go code does not compile: %v\n%s", err, out)
	}
}

// looksLikeGo tells Go code from the YAML, JSON and tables package docs
// also show in code blocks: it parses as statements or declarations.
func looksLikeGo(text string) bool {
	if strings.HasPrefix(strings.TrimSpace(text), "{") {
		return false // JSON
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+text+"\n}\n", 0); err == nil {
		return true
	}
	_, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, 0)
	return err == nil
}

// keepUsed marks every variable a block declares at its top as used, as a reader's
// program would use it after the lines shown.
func keepUsed(t *testing.T, body string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+body+"\n}\n", 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var names []string
	add := func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" && !seen[id.Name] {
			seen[id.Name] = true
			names = append(names, id.Name)
		}
	}
	// Only the block's own scope: what a for or if declares is used there.
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				add(l)
			}
		}
	}
	var b strings.Builder
	for _, n := range names {
		b.WriteString("\t_ = " + n + "\n")
	}
	return b.String()
}

// importsFor imports the packages the source names.
func importsFor(src string) string {
	var b strings.Builder
	for name, path := range imports {
		if strings.Contains(src, name+".") {
			b.WriteString("import " + name + " \"" + path + "\"\n")
		}
	}
	return b.String() + "\n"
}
