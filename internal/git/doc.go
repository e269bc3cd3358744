// Package git runs the real git: one-shot commands, and a long-lived
// `git cat-file --batch` process for bulk reads, so that reading many
// objects never costs a process each.
//
// It also parses what git prints: commit objects and the unified diffs of
// `git diff-tree -p -U0`, reduced to the line numbers each diff adds.
//
// # File names
//
// Every name this package returns is the file's bytes as git stores them.
// Listings are read NUL-separated (-z), where git neither quotes nor pads;
// a patch has no -z form, so its names are decoded exactly as git's
// quote.c and diff.c write them: C-quoted names unquoted, the TAB git adds
// after a name with a space dropped (see names.go). [Batch] reads a path
// that holds a newline, which cat-file cannot be asked for, by walking the
// trees by object id.
package git
