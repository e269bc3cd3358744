package doccheck

import (
	"go/ast"
	"go/doc"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/hallmark-dev/hallmark"

// pkg is what a doc link may name in one package of the module.
type pkg struct {
	name    string
	docs    *doc.Package
	symbols map[string]bool // "Name" and "Type.Method"
}

// load reads every package of the module below root, test files left out.
func load(t *testing.T, root string) map[string]*pkg {
	t.Helper()
	out := map[string]*pkg{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if n := d.Name(); path != root && (n == "testdata" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
			return filepath.SkipDir
		}
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, path, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, p := range pkgs {
			var files []*ast.File
			for _, f := range p.Files {
				files = append(files, f)
			}
			rel, _ := filepath.Rel(root, path)
			ip := module
			if rel != "." {
				ip += "/" + filepath.ToSlash(rel)
			}
			d, err := doc.NewFromFiles(fset, files, ip, doc.PreserveAST)
			if err != nil {
				return err
			}
			pk := &pkg{name: p.Name, docs: d, symbols: map[string]bool{}}
			values := func(vs ...[]*doc.Value) {
				for _, list := range vs {
					for _, v := range list {
						for _, n := range v.Names {
							pk.symbols[n] = true
						}
					}
				}
			}
			values(d.Consts, d.Vars)
			for _, f := range d.Funcs {
				pk.symbols[f.Name] = true
			}
			for _, ty := range d.Types {
				pk.symbols[ty.Name] = true
				values(ty.Consts, ty.Vars)
				for _, f := range ty.Funcs {
					pk.symbols[f.Name] = true
				}
				for _, m := range ty.Methods {
					pk.symbols[ty.Name+"."+m.Name] = true
				}
				// Fields, which doc links may name as Type.Field.
				if ts, ok := ty.Decl.Specs[0].(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok {
						for _, f := range st.Fields.List {
							for _, n := range f.Names {
								pk.symbols[ty.Name+"."+n.Name] = true
							}
						}
					}
				}
			}
			out[ip] = pk
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDocLinks holds every [Name] and [pkg.Name] link in the module's
// documentation, package comments and declarations alike, to a name that
// exists: a renamed or removed function cannot leave a doc pointing at
// nothing. Links into the standard library and other modules are left to
// go doc; links into this module are checked.
func TestDocLinks(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	pkgs := load(t, root)
	if len(pkgs) < 15 {
		t.Fatalf("read %d packages: not the module this test expects", len(pkgs))
	}
	checked := 0
	for ip, pk := range pkgs {
		// Imports by name, for [name.Symbol] links.
		// The package's own parser resolves names against the package and
		// drops links to names that do not exist, silently: here every
		// [Name] is taken as a link, and then looked up.
		p := pk.docs.Parser()
		p.LookupSym = func(recv, name string) bool { return true }
		check := func(where, text string) {
			d := p.Parse(text)
			walkLinks(d, func(l *comment.DocLink) {
				if l.ImportPath == "" && l.Recv == "" && strings.ToUpper(l.Name) == l.Name {
					return // a placeholder in a syntax ("Assisted-by: AGENT [TOOL1]"), not a link
				}
				checked++
				target := ip
				if l.ImportPath != "" {
					target = l.ImportPath
				}
				if !strings.HasPrefix(target, module) {
					return
				}
				tp := pkgs[target]
				if tp == nil {
					t.Errorf("%s: %s: [%s] names a package that is not in the module", ip, where, linkText(l))
					return
				}
				if l.Name == "" {
					return // a link to the package itself
				}
				sym := l.Name
				if l.Recv != "" {
					sym = l.Recv + "." + l.Name
				}
				if !tp.symbols[sym] {
					t.Errorf("%s: %s: [%s] names nothing in %s", ip, where, linkText(l), target)
				}
			})
		}
		check("package comment", pk.docs.Doc)
		for _, ty := range pk.docs.Types {
			check(ty.Name, ty.Doc)
			for _, m := range ty.Methods {
				check(ty.Name+"."+m.Name, m.Doc)
			}
			for _, f := range ty.Funcs {
				check(f.Name, f.Doc)
			}
		}
		for _, f := range pk.docs.Funcs {
			check(f.Name, f.Doc)
		}
		for _, v := range append(pk.docs.Vars, pk.docs.Consts...) {
			check(strings.Join(v.Names, ","), v.Doc)
		}
	}
	if checked < 50 {
		t.Errorf("checked %d links: the walk is broken", checked)
	}
}

func linkText(l *comment.DocLink) string {
	s := l.Name
	if l.Recv != "" {
		s = l.Recv + "." + s
	}
	if l.ImportPath != "" {
		s = l.ImportPath + "." + s
	}
	return s
}

func walkLinks(d *comment.Doc, f func(*comment.DocLink)) {
	var text func([]comment.Text)
	text = func(ts []comment.Text) {
		for _, t := range ts {
			switch t := t.(type) {
			case *comment.DocLink:
				f(t)
			case *comment.Link:
				text(t.Text)
			case *comment.Italic, comment.Plain:
			}
		}
	}
	for _, b := range d.Content {
		switch b := b.(type) {
		case *comment.Paragraph:
			text(b.Text)
		case *comment.Heading:
			text(b.Text)
		case *comment.List:
			for _, it := range b.Items {
				for _, c := range it.Content {
					if p, ok := c.(*comment.Paragraph); ok {
						text(p.Text)
					}
				}
			}
		}
	}
}
