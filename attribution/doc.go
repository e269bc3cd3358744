// Package attribution answers, for every line of a tree, who wrote it, in
// which commit, and on what evidence; and adds it up.
//
// # How
//
// git blame run per file walks the history once per file. The engine walks
// it once for the whole tree: one `git log -m -p -U0 -M --topo-order
// --reverse` stream, replaying each commit's diff onto the line origins of
// its parents' trees. A merge's line goes to the first parent that has it
// unchanged, as git blame does; a line no parent has is the merge's own.
// Renames follow the file, as git blame does by default. The result is
// cached in the git directory by commit id, so a second report at the same
// commit only reads the cache.
//
// Each line's commit then gets its attribution from that commit's record
// in refs/notes/hallmark: "signed" when the record's signature verifies
// against the trusted keys, "unsigned" when it does not; without a record,
// "inferred" from the commit conventions when the commit carries an AI
// mark, else the commit's author as human with evidence "none".
//
// # Where it differs from git blame
//
// Both use git's diff, so they agree line for line except where git blame
// decides renames per file and the log stream per commit (a file renamed
// with heavy edits, near the 50% similarity threshold), and where a merge
// resolves a file that both parents changed identically. The exactness
// tests measure the agreement on generated histories.
package attribution
