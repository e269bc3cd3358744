package apiseal

import (
	"fmt"
	"go/types"
	"sort"
	"strings"
)

// A Leak is one place in a package's exported API that names a type its
// callers cannot name.
type Leak struct {
	// Where is the exported object, as "pkg.Name", "pkg.Type.Method" or
	// "pkg.Type.Field".
	Where string
	// Type is the offending type, qualified by its package path.
	Type string
	// Why is "internal" or "unexported".
	Why string
}

func (l Leak) String() string {
	return fmt.Sprintf("%s names %s type %s", l.Where, l.Why, l.Type)
}

// Internal reports whether the import path lies inside an internal/
// directory, as the go command decides it.
func Internal(path string) bool {
	return strings.HasPrefix(path, "internal/") || strings.Contains(path, "/internal/") ||
		strings.HasSuffix(path, "/internal") || path == "internal"
}

// Check returns the leaks in the exported API of pkg, sorted. A type from a
// package under module (an import path prefix) that is unexported counts as
// a leak as well as any type from an internal/ package; the type-checker's
// predeclared and standard-library types never do, except the standard
// library's own internal packages.
func Check(pkg *types.Package, module string) []Leak {
	c := &checker{module: module, seen: map[types.Type]bool{}}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		where := pkg.Name() + "." + name
		c.seen = map[types.Type]bool{}
		switch o := obj.(type) {
		case *types.TypeName:
			if o.IsAlias() {
				c.walk(where, o.Type())
				continue
			}
			c.named(where, o.Type())
		default:
			c.walk(where, obj.Type())
		}
	}
	sort.Slice(c.leaks, func(i, j int) bool {
		if c.leaks[i].Where != c.leaks[j].Where {
			return c.leaks[i].Where < c.leaks[j].Where
		}
		return c.leaks[i].Type < c.leaks[j].Type
	})
	return c.leaks
}

type checker struct {
	module string
	leaks  []Leak
	// seen guards the walk of one object against recursive types; it is
	// reset for every object so each place is reported where it is.
	seen map[types.Type]bool
}

// named checks an exported defined type: its type parameters' constraints,
// what a caller reaches through its underlying type, and its exported
// methods (on the value and the pointer).
func (c *checker) named(where string, t types.Type) {
	n, ok := t.(*types.Named)
	if !ok {
		return
	}
	c.typeParams(where, n.TypeParams())
	c.seen = map[types.Type]bool{n: true}
	c.walkUnder(where, n.Underlying())
	for i := 0; i < n.NumMethods(); i++ {
		m := n.Method(i)
		if !m.Exported() {
			continue
		}
		c.seen = map[types.Type]bool{n: true}
		c.walk(where+"."+m.Name(), m.Type())
	}
}

func (c *checker) typeParams(where string, tps *types.TypeParamList) {
	for i := 0; i < tps.Len(); i++ {
		c.seen = map[types.Type]bool{}
		c.walk(where, tps.At(i).Constraint())
	}
}

// walkUnder walks the underlying type of an exported defined type: for a
// struct only its exported fields (and embedded fields, whose methods are
// promoted) count, for an interface its exported methods.
func (c *checker) walkUnder(where string, t types.Type) {
	switch u := t.(type) {
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if !f.Exported() {
				continue
			}
			c.walk(where+"."+f.Name(), f.Type())
		}
	case *types.Interface:
		for i := 0; i < u.NumExplicitMethods(); i++ {
			m := u.ExplicitMethod(i)
			if m.Exported() {
				c.walk(where+"."+m.Name(), m.Type())
			}
		}
		for i := 0; i < u.NumEmbeddeds(); i++ {
			c.walk(where, u.EmbeddedType(i))
		}
	default:
		c.walk(where, t)
	}
}

func (c *checker) walk(where string, t types.Type) {
	if t == nil || c.seen[t] {
		return
	}
	c.seen[t] = true
	switch t := t.(type) {
	case *types.Alias:
		if obj := t.Obj(); obj.Pkg() != nil {
			c.leak(where, obj)
		}
		c.walk(where, types.Unalias(t))
	case *types.Named:
		if obj := t.Obj(); obj.Pkg() != nil {
			if c.leak(where, obj) && !obj.Exported() {
				// An unexported type's exported fields and methods are
				// what a caller reaches through it; they are reported
				// under the type itself, so walk no further.
				return
			}
		}
		args := t.TypeArgs()
		for i := 0; i < args.Len(); i++ {
			c.walk(where, args.At(i))
		}
	case *types.Pointer:
		c.walk(where, t.Elem())
	case *types.Slice:
		c.walk(where, t.Elem())
	case *types.Array:
		c.walk(where, t.Elem())
	case *types.Chan:
		c.walk(where, t.Elem())
	case *types.Map:
		c.walk(where, t.Key())
		c.walk(where, t.Elem())
	case *types.Signature:
		c.typeParams(where, t.TypeParams())
		c.tuple(where, t.Params())
		c.tuple(where, t.Results())
	case *types.Tuple:
		c.tuple(where, t)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				c.walk(where, f.Type())
			}
		}
	case *types.Interface:
		for i := 0; i < t.NumMethods(); i++ {
			c.walk(where, t.Method(i).Type())
		}
		for i := 0; i < t.NumEmbeddeds(); i++ {
			c.walk(where, t.EmbeddedType(i))
		}
	case *types.Union:
		for i := 0; i < t.Len(); i++ {
			c.walk(where, t.Term(i).Type())
		}
	case *types.TypeParam:
		c.walk(where, t.Constraint())
	}
}

func (c *checker) tuple(where string, t *types.Tuple) {
	for i := 0; i < t.Len(); i++ {
		c.walk(where, t.At(i).Type())
	}
}

// leak records obj if callers cannot name it and reports whether it did.
func (c *checker) leak(where string, obj *types.TypeName) bool {
	path := obj.Pkg().Path()
	qualified := path + "." + obj.Name()
	switch {
	case Internal(path):
		c.leaks = append(c.leaks, Leak{Where: where, Type: qualified, Why: "internal"})
		return true
	case !obj.Exported() && (path == c.module || strings.HasPrefix(path, c.module+"/")):
		c.leaks = append(c.leaks, Leak{Where: where, Type: qualified, Why: "unexported"})
		return true
	}
	return false
}
