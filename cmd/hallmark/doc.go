// Command hallmark records, signs, verifies and sums who wrote each line of
// a git repository: people or models.
//
// Usage:
//
//	hallmark [-C DIR] [--verbose] COMMAND [ARGUMENTS] [FLAGS]
//
// The first thing to run is a report on the repository you stand in:
//
//	hallmark report
//
// It works on any repository, with no setup, by reading the marks that
// agents already leave on commits (Claude Code, Codex, Cursor, aider,
// Copilot, Assisted-by: ...). Recording, signing and verifying need
// `hallmark init` and a key.
//
// This is the manual: every command, every flag, the exit codes, the
// environment and the files. `hallmark COMMAND --help` says the same for
// one command. A test holds this page to the commands and flags the
// program has, so that neither can drift from the other.
//
// # Global flags
//
//   - -C DIR, --directory DIR: run as if hallmark was started in DIR (as git -C does).
//   - --verbose: show the git command behind an error (also HALLMARK_TRACE=1).
//   - -v, --version: print hallmark's version.
//   - -h, --help: help for any command.
//
// # Exit status
//
//   - 0: success (verify and attest verify: the records passed).
//   - 1: a verification or policy failure: verify found violations, attest
//     verify rejected the attestation. The reasons are printed, each named.
//   - 2: a usage error (a bad flag, a missing argument) or an operational
//     one (no repository, a key that cannot be read, git failing). Errors
//     are one line on standard error, with a hint of what to do next.
//
// Agent hooks (checkpoint --hook) always exit 0, so that they never block
// the agent: what they cannot do is a warning on standard error.
//
// # Environment
//
//   - HALLMARK_PASSWORD: the password of encrypted private keys (cosign's
//     format). Unset on a terminal, hallmark asks for it; unset elsewhere,
//     an encrypted key cannot be used and the command says so.
//   - HALLMARK_MODEL: the model id (models.dev form) for checkpoint --ai and
//     for hook payloads that name none, when --model is not given.
//   - HALLMARK_TRACE=1: as --verbose.
//   - NO_COLOR, TERM=dumb: no colour in verify's output (colour is only
//     ever used on a terminal).
//   - GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL: the person of checkpoint --human.
//   - COSIGN_PASSWORD: not read by hallmark; the keys it writes are
//     cosign's, so cosign reads them with it.
//
// # Files
//
//   - refs/notes/hallmark: one note per commit, holding its signed records
//     (DSSE envelopes, one a line), reviews and carry evidence.
//   - refs/notes/hallmark-remotes/REMOTE: a mirror of each remote's notes,
//     which git fetch fills; hallmark sync merges it by union.
//   - .hallmark/policy.yaml: the trust policy, committed (package policy):
//     keys, what each may sign, requirements, bundles rules.
//   - .hallmark/bundle.json: a Go module's signed attribution, written by
//     hallmark bundle, shipped in the module zip.
//   - .git/hallmark/: pending attribution (checkpoints not yet committed),
//     the engine's cache, records computed but not yet signed.
//   - .git/hooks/post-commit, post-merge, post-rewrite, prepare-commit-msg:
//     the hooks hallmark init installs (core.hooksPath honoured).
//   - git config hallmark.key (a private key or KMS reference, the default
//     --key of stamp, carry, bundle and review) and hallmark.assistedBy.
//   - Agents' hook files written by install-agent: .claude/settings.json,
//     .codex/hooks.json (or the notify key of .codex/config.toml, with
//     --notify), .cursor/hooks.json and the others it names.
//
// # JSON
//
// Commands with --json print one JSON document. Line counts are always the
// one form of [github.com/hallmark-dev/hallmark/provenance.Count], under a named field ("lines", or "own"
// and "closure" for packages):
//
//	{"total_lines":12,"ai_lines":7,"mixed_lines":0,"human_lines":5,"unknown_lines":0,"ai_share":0.5833333333333334}
//
// and breakdowns are lists of {"key": KEY, "lines": COUNT}, most lines
// first ([github.com/hallmark-dev/hallmark/provenance.Row]).
//
// # hallmark init
//
//	hallmark init [--no-assisted-by] [--foreground-stamp] [--json]
//
// Installs the four git hooks, idempotently (post-commit stamps the new
// commit, post-merge a merge commit, post-rewrite carries records through
// amend and rebase, prepare-commit-msg adds "Assisted-by: AGENT:MODEL" when
// model-written lines are committed), and a fetch refspec per remote for its
// notes. --no-assisted-by (or git config hallmark.assistedBy false) leaves
// the trailer out. post-commit stamps in the background, and every hallmark
// command waits for a stamp under way; --foreground-stamp, or
// HALLMARK_STAMP=foreground in git commit's environment, stamps before git
// commit returns. --json prints what was installed or left unchanged.
//
// # hallmark checkpoint
//
//	hallmark checkpoint (--ai --model ID --tool NAME/VERSION | --human | --hook AGENT) [PATH...]
//
// Records that an author made the changes in the work tree since the last
// checkpoint (or in the PATHs given). --ai: a model, --model ID in
// models.dev form (or HALLMARK_MODEL), --tool NAME/VERSION, --session ID.
// --human: a person, --name and --email (default GIT_AUTHOR_NAME/EMAIL,
// else git's user.name and user.email). --hook AGENT reads an agent's hook
// payload (claude-code, codex, cursor, gemini, copilot, opencode, windsurf,
// cline, amp, aider, generic) and does what its event means; --event names
// the event for agents whose payloads do not (Copilot CLI). --json prints
// the author, lines and files recorded.
//
// # hallmark install-agent
//
//	hallmark install-agent AGENT [--scope project|user] [--remove] [--model ID] [--bin PATH]
//	hallmark install-agent codex --notify [--scope project|user] [--remove]
//
// Writes the agent's hook configuration so that it runs checkpoint --hook
// before and after it acts, merged with what is there, once. --scope user
// writes into your home directory; --remove takes hallmark's entries out;
// --model is passed for payloads that name no model; --bin is the hallmark
// command the hooks run. codex --notify sets the top-level notify program
// of .codex/config.toml instead of .codex/hooks.json, editing only that
// key's lines; a notify that runs another program is left as it is, and
// the command says so and fails.
//
// # hallmark stamp
//
//	hallmark stamp [COMMIT] [--key KEY] [--force] [--range RANGE] [--json]
//
// Builds a commit's record (default HEAD) from the pending attribution and
// the commit's diff, else its conventions, signs it with --key (default git
// config hallmark.key; unsigned without a key) and adds it to the commit's
// note. --force stamps a commit that has a record again; --range stamps in
// bulk every commit of a range that has no record of this key (adoption on
// an existing history). --json prints the record's commit, action and lines.
//
// # hallmark carry
//
//	hallmark carry BASE..HEAD --onto COMMIT [--key KEY] [--policy FILE | --trust PUB...] [--json]
//
// Carries the records of a range onto the commit a server squash-merged or
// rebase-merged it into (--onto), signed by --key. Sources count only when
// they verify under the policy at BASE, or --policy FILE (outside the
// repository), or exactly the --trust keys. --json prints the result.
//
// # hallmark verify
//
//	hallmark verify [RANGE] [--key PUB]... [--policy FILE] [--allow-unsigned] [--quiet] [--json]
//
// Checks every commit of RANGE (BASE..HEAD, or one revision for its whole
// history): exit 0 only when every commit has a record signed by a trusted
// key allowed to sign that claim, naming the commit's tree, parents, file
// digests and lines, and the policy's requirements hold; 1 otherwise, with
// a named reason per commit (--json: violations[].kind). Trust: exactly the
// --key keys (NAME=FILE names one), or --policy FILE outside the
// repository, or by default the policy committed at BASE. --allow-unsigned
// reports commits without a trusted record instead of failing them.
// --quiet (-q) prints only the summary and the violations; --json prints
// the verdict of every commit.
//
// # hallmark review
//
//	hallmark review [COMMIT] --key KEY [--verdict approved|rejected] [--path PATH]... [--comment TEXT] [--json]
//
// Adds your signed review to a commit's note (default HEAD). --path limits
// it to what you reviewed (default the whole commit); a rejection by the
// same key revokes an approval. --json prints the review.
//
// # hallmark sync
//
//	hallmark sync [REMOTE] [--no-push] [--budget DURATION] [--json]
//
// Fetches the remote's notes (default origin), merges them into yours by
// union of envelopes, and pushes the union back, never forced; a push that
// loses a race is retried until --budget (default 2m) is spent. --no-push
// only fetches and merges. --json prints what was merged and pushed.
//
// # hallmark report
//
//	hallmark report [--rev REV] [--since REV] [--by KIND] [--all] [--json] [--html FILE] [-- PATHSPEC...]
//	hallmark report [--deps] [--by package|module] PACKAGES...
//
// Attributes every line of the tree at --rev (default HEAD) to the commit
// that last changed it and to that commit's author, model and evidence,
// and adds it up. --since REV counts only the lines added after REV that
// survive. --by breaks it down: file, dir, author, model, evidence, class,
// month, quarter, and for Go packages package and module. --html FILE
// writes a self-contained page of charts. With package patterns (./...),
// Go packages and modules are attributed instead; --deps includes the
// dependencies, each from its verified bundle or "unknown". Trust:
// --key PUB (repeatable) or --policy FILE, default .hallmark/policy.yaml
// if it exists. --no-cache recomputes everything and writes no cache.
// --json prints the totals and breakdowns.
//
// A report leaves out, and says how many files and lines and why, what
// people leave out of a count of code: files marked linguist-generated or
// linguist-vendored in .gitattributes (git's attribute rules at --rev),
// package managers' lock files (go.sum, package-lock.json, Cargo.lock,
// ...), and the exclude: list of glob pathspecs in .hallmark/config.yaml
// at --rev. --all counts everything. Tag shares and --by month or quarter
// count every file; verify never leaves anything out.
//
// # hallmark blame
//
//	hallmark blame FILE [--rev REV] [--json] [--key PUB]... [--policy FILE] [--no-cache]
//
// For each line of FILE: the commit that last changed it (as git blame
// says), its author, class, model and evidence. The flags are report's.
//
// # hallmark show
//
//	hallmark show [COMMIT] [--key PUB]... [--policy FILE] [--json]
//
// Prints the records stored on a commit (default HEAD), verified against
// exactly the --key keys, a --policy file, or the policy committed at HEAD.
//
// # hallmark record
//
//	hallmark record [COMMIT] [--canonical] [--format hallmark|agent-trace]
//
// Prints the unsigned record of a commit (default HEAD), computed from its
// conventions. --canonical prints the bytes that get signed, on one line;
// --format agent-trace prints an Agent Trace v0.1 record.
//
// # hallmark bundle
//
//	hallmark bundle [MODULE_DIR] --key KEY
//
// Writes a Go module's signed attribution (every line of every file, as of
// HEAD) into .hallmark/bundle.json, for release. --key defaults to git
// config hallmark.key.
//
// # hallmark keys generate
//
//	hallmark keys generate --output PREFIX [--algorithm ecdsa-p256|ed25519|rsa-3072] [--force] [--json]
//
// Writes PREFIX.key (encrypted with HALLMARK_PASSWORD, cosign's format)
// and PREFIX.pub, PREFIX given by --output (-o). --force overwrites
// existing files. --json prints the two paths, the algorithm and the key
// id. (hallmark keys alone
// lists its one subcommand.)
//
// # hallmark attest sign
//
//	hallmark attest sign --key KEY [--record FILE|-] [--commit ID] [--commit-object FILE] [--bundle] [--output FILE]
//
// Signs a commit's record into a DSSE envelope (or, with --bundle, a
// Sigstore bundle v0.3) that cosign verifies. --record signs a record
// given as JSON instead of computing it; --commit names the commit
// (default HEAD); --commit-object gives the raw commit object outside the
// repository; --output (-o) writes to a file. (hallmark attest alone lists
// sign and verify.)
//
// # hallmark attest verify
//
//	hallmark attest verify --key PUB [--commit ID | --blob FILE] [--json] ATTESTATION
//
// Verifies an attestation from hallmark or from cosign attest-blob against
// the --key keys (repeatable, NAME=FILE), about --commit (default HEAD) or
// the raw commit object in --blob. Exit 1 on rejection, with the reason.
//
// # hallmark import agent-trace
//
//	hallmark import agent-trace FILE... [--commit REV] [--print] [--key KEY] [--force] [--json] [--quiet]
//
// Turns Agent Trace records into hallmark records of method "imported",
// for the commit each names (or --commit). --print prints them and stores
// nothing; --key signs what is stored; --force adds to a commit that has a
// record already; --json lists what was stored; --quiet (-q) prints only
// the count. (hallmark import alone lists agent-trace and git-ai.)
//
// # hallmark import git-ai
//
//	hallmark import git-ai [RANGE] [--print] [--key KEY] [--force] [--json] [--quiet]
//
// The same for git-ai's notes in refs/notes/ai, on the commits of RANGE
// (default every commit reachable from HEAD), with the same --print,
// --key, --force, --json and --quiet (-q).
//
// # hallmark version
//
//	hallmark version
//
// Prints the version of hallmark and of the libraries it signs with.
//
// # hallmark completion
//
//	hallmark completion bash|zsh|fish|powershell [--no-descriptions]
//
// Writes a shell completion script: it completes --by, --hook, --verdict
// and revisions. --no-descriptions leaves the descriptions out.
package main
