// Package apiseal finds the places where a public package's exported API
// names a type that callers cannot name: a type from an internal/ package,
// or an unexported type of the module.
//
// hallmark's public surface (repo, attribution, attest, policy, provenance,
// analysis, agenthook, hallmarktest) is meant to be sealed: everything a
// caller is handed has a name the caller may write. A signature that returns
// an internal type ties every embedder to a package they cannot import and
// that may change without notice; one that returns an unexported type cannot
// be stored in a declared variable or passed on. [Check] walks every exported
// function, method, field, variable, constant and type alias of the given
// packages, and this package's test runs it over the whole module, so a leak
// fails the build's tests rather than reaching a release.
package apiseal
