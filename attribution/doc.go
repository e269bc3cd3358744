// Package attribution answers, for every line of a tree, who wrote it, in
// which commit, and on what evidence; and adds it up.
//
//	a, err := attribution.Analyze(ctx, r, &attribution.Options{Keyring: ring}) // r a *repo.Repo
//	rep, err := a.Report(ctx, "model")                                          // or "file", "evidence", "quarter"...
//	for _, row := range rep.Breakdown {
//		fmt.Printf("%s: %d lines, %.0f%% by models\n", row.Key, row.Lines.Total(), 100*row.Lines.AIShare())
//	}
//	lines, err := a.File("main.go") // per line: commit, author, class, evidence
//
// # How
//
// git blame run per file walks the history once per file. The engine walks
// it once for the whole tree: `git log -p -U0 -M` over the commits in
// topological order (split between processes), replaying each commit's diff onto the line origins of
// its parents' trees. At a merge the engine decides as git blame does
// (blame.c, pass_blame): a parent whose version of a file is byte for byte
// the merge's takes the whole file, looked for first at the same path in
// every parent in parent order, then through renames; only when no parent
// has it unchanged is each line given to the first parent whose diff leaves
// it unchanged, and a line no parent has is the merge's own. Renames follow
// the file, as git blame does by default, each added or renamed file's
// source looked for alone as git blame looks for it. A binary file has no
// lines; it counts as a file in reports.
//
// A merge's content is diffed only where the merge differs from every
// parent: its paths against the first parent come from `git diff-tree
// --raw` (no content), the other parents' blobs at those paths from
// `cat-file --batch-check`, and the few blob pairs left are diffed by one
// `git diff-tree --stdin` over small trees written to a temporary object
// directory. On git.git that is about 34,000 (merge, path) pairs instead of
// every merge diffed against every parent.
//
// # Memory
//
// What a replay holds is the line origins of the trees it still needs
// (a commit's tree until its last child is replayed), as runs of lines
// (runs.go), and trees share the files they have in common (tree.go).
// While it replays, the engine sets a soft memory limit for the process
// (runtime/debug.SetMemoryLimit) at about twice the live heap, following
// it as the replay goes on, so that pages the runtime has not given back
// count against the collector's goal; the previous limit is restored
// when the replay ends. A program that sets GOGC or GOMEMLIMIT, or a
// limit of its own, keeps it (memory.go).
//
// # The cache
//
// The line origins of each tree computed are kept in
// GIT_DIR/hallmark/cache, one entry per commit, the eight most recently
// used (see cache.go for what an entry holds). A report at a commit whose
// ancestors' trees are cached replays only the commits after them, when
// every commit those start from is cached (a CI job's report after a push,
// a merge of a branch whose base and tip were reported); otherwise it
// replays the history. Entries are keyed by commit id, which fixes a
// history, so rewrites need no invalidation; refs/replace and grafts name
// the cache directory. Notes and keys are read at every report, so a new
// record or another policy changes the answer without a replay.
//
// Each line's commit then gets its attribution from that commit's record
// in refs/notes/hallmark: "signed" when the record's signature verifies
// against the trusted keys, "untrusted" when it is signed but no trusted
// key checks it (the CLI says "signed, key not trusted"), "unsigned" when
// it has no signature; without a record,
// "inferred" from the commit conventions when the commit carries an AI
// mark, else the commit's author as human with evidence "none".
//
// # Where it differs from git blame
//
// Both use git's diff, so they agree line for line. Where they could part
// is renames: git blame looks for one file's source alone, git log pairs
// all of a commit's renames at once; the engine asks git again for a file
// added or renamed among several renames (more than 16 added files in one
// commit are asked about together). A type change (a file becoming a
// symbolic link) at a merge and a merged path with a newline in its name
// are followed less exactly. The exactness tests measure the agreement on generated histories
// and on merges reduced from real ones; internal/blamecheck measures it on
// any repository (BENCHMARKS.md).
package attribution
