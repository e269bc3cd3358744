// Package attribution answers, for every line of a tree, who wrote it, in
// which commit, and on what evidence; and adds it up.
//
// # How
//
// git blame run per file walks the history once per file. The engine walks
// it once for the whole tree: one `git log -m -p -U0 -M --topo-order
// --reverse` stream, replaying each commit's diff onto the line origins of
// its parents' trees. At a merge the engine decides as git blame does
// (blame.c, pass_blame): a parent whose version of a file is byte for byte
// the merge's takes the whole file, looked for first at the same path in
// every parent in parent order, then through renames; only when no parent
// has it unchanged is each line given to the first parent whose diff leaves
// it unchanged, and a line no parent has is the merge's own. Renames follow
// the file, as git blame does by default. A binary file has no lines; it
// counts as a file in reports. The result is
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
// with heavy edits, near the 50% similarity threshold: git blame looks for
// the one file's source alone, git log pairs all of a commit's renames at
// once). The exactness tests measure the agreement on generated histories
// and on merges reduced from real ones; internal/blamecheck measures it on
// any repository (BENCHMARKS.md).
package attribution
