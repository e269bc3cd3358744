// Package repo works on a real git repository: it captures who changes the
// work tree ([Repo.Checkpoint], [Repo.OpenBuffer] for an editor's
// buffers), computes, signs and stores each commit's record
// ([Repo.Stamp]), shares records with remotes ([Repo.Sync]), carries them
// through rewrites, and verifies a range against a trust policy
// ([Repo.Verify]).
//
//	r, err := repo.Open(ctx, ".")
//	rec, err := r.Record(ctx, "HEAD")
//	sum, err := r.Summarize(ctx, "HEAD", nil)
//
// # What a record covers
//
// A record covers the lines a commit adds, in the commit's own version of
// each file: for an ordinary commit, the lines `git diff-tree -p -U0 -M`
// shows as added against its parent; for a root commit, every line; for a
// merge, only the lines that are new against every parent (conflict
// resolutions and evil merges), so that a branch's lines are not counted
// twice. Binary files are listed with no spans.
//
// # Capture, and inference from conventions
//
// A record's lines come from capture where there is some: checkpoints
// record who changed which lines of the work tree, and [Repo.Stamp]
// intersects that pending attribution with the commit's diff (method
// "capture"; what was not committed stays pending). Without capture, they
// come from [provenance.Detect]: every added line of a commit that carries
// an AI marker is attributed to that model with class ai, every other
// added line to the commit's author as human (method "conventions"). The
// record's Method says which.
//
// # Git hooks
//
// [Repo.Init] installs short shell hooks (post-commit, post-merge,
// post-rewrite, prepare-commit-msg) that do what needs no hallmark
// themselves and run a program for the rest: the hallmark command, or,
// with [InitOptions.HookCommand], a vendor's own binary that hands the
// hook's name and arguments to [RunHook] with its own signing key.
//
// # Sharing notes
//
// Envelopes live in [NotesRef], one line each. [Repo.Sync] shares them with
// a remote by set union, commit by commit, computed from both notes trees
// (never `git notes merge`, which is three-way and merges a remote
// deletion as one): every envelope either side has survives, a
// force-rewritten or deleted remote notes ref included, and the push,
// never forced, is made only onto the remote tip that was merged, after a
// check that it holds every envelope of that tip. The remote's notes are
// fetched into [RemoteNotesRef], a mirror that `git fetch` also updates
// once `hallmark init` added the refspec, and only Sync merges them into
// NotesRef. Notes have size limits ([MaxNoteSize], [MaxEnvelopeSize]).
//
// # Reading back
//
// [Repo.StoredRecord] returns a commit's stored record as verification
// decides it under a [Trust]: signed by a trusted key the policy lets sign
// it, matching the commit's tree, parents, digests and lines, with no
// disagreeing or broken line beside it; otherwise an error of
// [Violation] values. [Repo.TrustedRecord] gives the verdict as well, and a
// [RecordChecker] decides it for many commits. [Repo.CommitObject] reads a
// commit itself, and [InferAuthor] says what its conventions claim.
//
// A [Trust] comes from a [TrustSource]: [Repo.LoadTrust] builds it by
// verify's rules, which refuse what the commits judged could have changed;
// [Repo.LoadReportTrust] by a report's looser ones (a policy file in the
// work tree, or no trusted key at all), since a report labels evidence and
// passes nothing.
//
// # Concurrency
//
// A [*Repo] may be shared by goroutines: verify, read records back,
// summarize and report at once, and stamp distinct commits, through one
// long-lived `git cat-file` process that answers one request at a time.
// Notes writes from several goroutines or processes each land, retried
// on top of whichever write moved the notes ref first.
//
// # Naming the program
//
// Records name the program that made them. [StampOptions.Recorder] (and
// [HookOptions.Recorder] for a vendor's hook target) sets it per call; the
// zero value is [DefaultRecorder], hallmark at [Version].
package repo
