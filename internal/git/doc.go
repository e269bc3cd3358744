// Package git runs the real git: one-shot commands, and a long-lived
// `git cat-file --batch` process for bulk reads, so that reading many
// objects never costs a process each.
//
// It also parses what git prints: commit objects and the unified diffs of
// `git diff-tree -p -U0`, reduced to the line numbers each diff adds.
package git
