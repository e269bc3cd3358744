// Package analysis adds up who wrote the code of Go packages, modules and
// whole dependency graphs, on golang.org/x/tools/go/packages.
//
//	res, err := analysis.Load(ctx, &analysis.Options{Dir: ".", Patterns: []string{"./..."}, Deps: true})
//	for _, m := range res.Modules { fmt.Println(m.Path, m.Source, m.Lines.AIShare()) }
//
// # Where the lines come from
//
// A [Source] attributes files on disk, the one way both [Load] and the vet
// analyzer (package analysis/passes/aishare) do it. The main modules'
// files are attributed by the engine of package attribution at HEAD of
// their git repository; a file that differs from HEAD has its changed
// lines counted as "uncommitted". A dependency is attributed by the signed
// bundle it ships in .hallmark/bundle.json (see [WriteBundle]): the bundle
// must verify against the trusted keys for its module path
// ([SourceOptions.BundleKeys], [PolicyBundleKeys] for a policy's bundles
// rules) and name the exact bytes in the module cache, or loading fails
// with [ErrBundle]. A dependency without a bundle is "unknown".
//
// # Loading
//
// Packages are loaded with NeedName|NeedFiles|NeedModule|NeedImports|
// NeedDeps only: no syntax, no types, so loading costs about what `go list
// -deps` does. From the root of a go.work workspace, "./..." is expanded to
// each module's own pattern, since the go command does not accept it there.
//
// # Totals
//
// Each package has its own lines and its closure's: the package and every
// package it imports, directly or not, each counted once. A module's lines
// are its packages' (files shared by packages counted once). Lines are
// counted with [provenance.Count], and broken down by evidence in
// [provenance.Row]s; in JSON, a package is
//
//	{"path": ..., "module": ..., "files": [...],
//	 "own": COUNT, "by_evidence": [{"key": "signed", "lines": COUNT}, ...],
//	 "closure": COUNT, "closure_by_evidence": [...], "imports": [...]}
//
// with COUNT the one JSON form of [provenance.Count].
package analysis
