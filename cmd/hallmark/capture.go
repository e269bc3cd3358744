package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/agenthook"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/spf13/cobra"
)

func newCheckpoint() *cobra.Command {
	var ai, human bool
	var model, tool, session, name, email, hook, event string
	cmd := &cobra.Command{
		Use:   "checkpoint (--ai --model ID --tool NAME/VERSION | --human | --hook AGENT) [PATH...]",
		Short: "Record who just changed the work tree",
		Long: `Record that an author made the changes in the work tree since the last
checkpoint. Changed lines are attributed to that author; a person's edit of a
model's line makes it "mixed"; lines nobody touched keep what they had. The
pending attribution lives in the git directory until it is committed. PATHs
are relative to the current directory.

  hallmark checkpoint --human                       # the person's typing so far
  hallmark checkpoint --ai --model anthropic/claude-opus-4-5-20251101 --tool claude-code/2.1.3

--human takes the person from GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL when set,
else from git config user.name and user.email (or --name and --email).

--hook AGENT reads the agent's hook payload (on standard input; for Codex's
notify, its last argument) and does what the event means:

  before the agent acts (a prompt, a pre-tool hook): checkpoint the whole
    tree as the person;
  after it acted: checkpoint the files the payload names as the model; for a
    tool that names none (Bash, shell commands, MCP tools), what changed since
    the pre-event checkpoint of the same session;
  read-only tools, stops, notifications: nothing.

The model is the one the payload names (normalised to the models.dev form),
else --model (or HALLMARK_MODEL), else unknown, and the output says so.
Paths in the payload are resolved against its cwd or workspace root. A hook
never blocks the agent: a payload that cannot be read, a path outside the
repository or no repository at all is a warning on standard error and exit
status 0. Agents: ` + strings.Join(agenthook.Agents, ", ") + `.
'hallmark install-agent AGENT' writes the hook configuration.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if hook != "" {
				if human || ai {
					return usagef("--hook decides who changed the tree: drop --human and --ai")
				}
				runHook(cmd, hookOptions{agent: hook, event: event, model: model, tool: tool, session: session}, args)
				return nil
			}
			if ai == human {
				return usagef("say who changed the tree: --ai (with --model) or --human, or --hook AGENT")
			}
			paths, err := absPaths(args)
			if err != nil {
				return err
			}
			if model == "" {
				model = os.Getenv("HALLMARK_MODEL")
			}
			var author provenance.Author
			if ai {
				if model == "" && tool == "" {
					return usagef("--ai needs --model ID (models.dev form, e.g. anthropic/claude-opus-4-5-20251101) or --tool")
				}
				author = modelAuthor(model, tool, session)
			} else if name != "" || email != "" {
				author = provenance.Author{Kind: provenance.Person, Name: name, Email: email}
			}
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			res, err := r.Checkpoint(ctx, repo.CheckpointOptions{Author: author, Paths: paths})
			if err != nil {
				return err
			}
			if wantJSON(cmd) {
				return encodeJSON(cmd.OutOrStdout(), newCheckpointJSON(res))
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "hallmark: %s in %s attributed to %s\n", words.Count(res.Lines, "line"), words.Count(len(res.Files), "file"), res.Author)
			warnSkipped(cmd.ErrOrStderr(), res)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&ai, "ai", false, "the changes were made by a model")
	f.BoolVar(&human, "human", false, "the changes were made by a person (default: GIT_AUTHOR_NAME/EMAIL, else git's user.name and user.email)")
	f.StringVar(&model, "model", "", "model id in models.dev form (or HALLMARK_MODEL); with --hook, used when the payload names none")
	f.StringVar(&tool, "tool", "", "agent as NAME/VERSION, e.g. claude-code/2.1.3")
	f.StringVar(&session, "session", "", "opaque session id of the agent")
	f.StringVar(&name, "name", "", "the person's name (with --human)")
	f.StringVar(&email, "email", "", "the person's email (with --human)")
	f.StringVar(&hook, "hook", "", "read this agent's hook payload: "+strings.Join(agenthook.Agents, ", "))
	addJSONFlag(cmd)
	f.StringVar(&event, "event", "", "with --hook, the event, for agents whose payloads do not name it (Copilot CLI: sessionStart, userPromptSubmitted, preToolUse, postToolUse)")
	return cmd
}

// modelAuthor is the author for a model id or name and a tool NAME/VERSION.
func modelAuthor(model, tool, session string) provenance.Author {
	toolName, toolVersion, _ := strings.Cut(tool, "/")
	a := provenance.Author{Kind: provenance.Model, Tool: toolName, ToolVersion: toolVersion, Session: session}
	if provenance.ValidModelID(model) {
		a.ModelID = model
	} else {
		a.Model = model
	}
	return a
}

// absPaths makes paths given on the command line absolute: the library
// reads relative paths against the work tree's root.
func absPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		p, err := filepath.Abs(a)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// argOr returns the first argument, or def when there is none.
func argOr(args []string, def string) string {
	if len(args) > 0 {
		return args[0]
	}
	return def
}

// requireSigner is stampSigner for commands that cannot work unsigned:
// no key is a usage error that says what to pass.
func requireSigner(ctx context.Context, r *repo.Repo, key, what string) (attestSignerVerifier, error) {
	s, err := stampSigner(ctx, r, key)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, usagef("%s must be signed: pass --key (or set git config hallmark.key)", what)
	}
	return s, nil
}

// stampSigner returns the signer of --key or git config hallmark.key, or
// nil when neither is set.
func stampSigner(ctx context.Context, r *repo.Repo, key string) (attestSignerVerifier, error) {
	if key == "" {
		key = r.Config(ctx)["hallmark.key"]
		if key != "" && !filepath.IsAbs(key) && r.WorkTree() != "" && !strings.Contains(key, "://") {
			key = filepath.Join(r.WorkTree(), key)
		}
	}
	if key == "" {
		return nil, nil
	}
	return loadSigner(ctx, key)
}

func newStamp() *cobra.Command {
	var key, rng string
	var force bool
	cmd := &cobra.Command{
		Use:   "stamp [COMMIT]",
		Short: "Build a commit's record, sign it and store it in refs/notes/hallmark",
		Long: `Build the record of a commit (default HEAD) from the pending attribution
intersected with the commit's diff (what was not committed stays pending),
falling back to the commit conventions; sign it with --key or the key in git
config hallmark.key (an unsigned record is stored, and marked, when there is
no key); and add it to the commit's note in refs/notes/hallmark.

The post-commit hook of 'hallmark init' runs this for every commit.
--range stamps, in bulk, every commit of a range that has no record yet,
from its conventions: how an existing history is adopted.

  hallmark stamp
  hallmark stamp --key ci.key HEAD~1
  hallmark stamp --range HEAD --key ci.key`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			rev := argOr(args, "HEAD")
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			signer, err := stampSigner(ctx, r, key)
			if err != nil {
				return err
			}
			opts := &repo.StampOptions{Force: force, Recorder: recorder()}
			if signer != nil {
				opts.Signer = signer
			}
			if rng != "" {
				if len(args) > 0 {
					return usagef("give a COMMIT or --range, not both")
				}
				prog := newProgress(cmd)
				opts.Progress = prog.counter("reading the range")
				n, err := r.StampRange(ctx, strings.Fields(rng), opts)
				prog.clear()
				if err != nil {
					return err
				}
				if wantJSON(cmd) {
					return encodeJSON(cmd.OutOrStdout(), map[string]int{"stamped": n})
				}
				fmt.Fprintf(cmd.OutOrStdout(), "stamped %s\n", words.Count(n, "commit"))
				return nil
			}
			res, err := r.Stamp(ctx, rev, opts)
			if err != nil {
				return err
			}
			return printStamp(cmd, res, "stamped")
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "private key or KMS reference (default: git config hallmark.key)")
	cmd.Flags().BoolVar(&force, "force", false, "stamp again a commit that has a record")
	addJSONFlag(cmd)
	cmd.Flags().StringVar(&rng, "range", "", "stamp every unstamped commit of this range, in bulk (e.g. HEAD, v1.0..HEAD)")
	return cmd
}

func printStamp(cmd *cobra.Command, res *repo.StampResult, what string) error {
	if wantJSON(cmd) {
		return encodeJSON(cmd.OutOrStdout(), newStampJSON(res, strings.Fields(what)[0]))
	}
	c := res.Record.Count()
	how := "unsigned"
	if res.Signed {
		how = "signed"
	}
	if res.Existing {
		what = "already " + what
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s %s (%s, %s): %s, %d ai, %d mixed, %d human\n",
		what, res.Record.Commit[:12], how, res.Record.Method, words.Count(c.Total(), "line"), c.AI, c.Mixed, c.Human)
	return nil
}

func newInit() *cobra.Command {
	var noAssisted, foreground bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Install the git hooks that stamp commits and carry records through rewrites",
		Long: `Install four hooks, idempotently, honouring core.hooksPath; an existing
hook that is not hallmark's is kept and run first:

  post-commit         stamp the new commit (or carry records into a cherry-pick
                      or a merge --squash)
  post-merge          stamp the merge commit a plain git merge or git pull made
  post-rewrite        carry records through commit --amend and rebase
  prepare-commit-msg  add "Assisted-by: AGENT:MODEL" when model-written lines
                      are being committed (--no-assisted-by, or git config
                      hallmark.assistedBy false, turns it off)

Every remote gets a fetch refspec for its hallmark notes, so that git fetch
and git pull bring them: into refs/notes/hallmark-remotes/REMOTE, a mirror
of the remote, never into your own refs/notes/hallmark (a forced fetch there
would drop your envelopes that the remote lacks). 'hallmark sync' merges the
mirror into your notes by union. Run init again after adding a remote.

The hooks are short shell scripts: what needs no hallmark (nothing captured,
a rebase in progress, trailers computed ahead) is done by git alone.

post-commit stamps in the background, as git gc --auto does: git commit
returns at once, and the stamp (reading the key, signing, writing the note)
runs on as its own process. Nothing reads early: every hallmark command,
checkpoint and hook in the repository waits for a stamp under way, and a
stamp that is killed is caught up by the next one. A stamp that failed is
said on the next commit; its output is in .git/hallmark/background.log.
--foreground-stamp (or HALLMARK_STAMP=foreground in the environment of git
commit, for a script that reads the notes with git right after) stamps
before git commit returns. On Windows stamps are always in the foreground.

Set a signing key with: git config hallmark.key path/to/key.key
(a cosign-format key costs an scrypt derivation on every commit: agents that
commit often are better served by a KMS key or an unencrypted key file kept
safe by other means).`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			bin := ""
			if exe, err := os.Executable(); err == nil && !strings.Contains(exe, "go-build") {
				bin = exe
			}
			res, err := r.Init(ctx, &repo.InitOptions{Binary: bin, NoAssistedBy: noAssisted, ForegroundStamp: foreground})
			if err != nil {
				return err
			}
			if wantJSON(cmd) {
				return encodeJSON(cmd.OutOrStdout(), newInitJSON(res))
			}
			for _, h := range repo.HookNames {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", filepath.Join(res.HooksDir, h), res.Hooks[h])
			}
			remotes := slices.Sorted(maps.Keys(res.Remotes))
			for _, rm := range remotes {
				fmt.Fprintf(cmd.OutOrStdout(), "remote %s: notes fetch refspec %s (%s)\n", rm, repo.NotesFetchRefspec(rm), res.Remotes[rm])
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noAssisted, "no-assisted-by", false, "do not add Assisted-by trailers")
	cmd.Flags().BoolVar(&foreground, "foreground-stamp", false, "stamp before git commit returns, not in the background")
	addJSONFlag(cmd)
	return cmd
}

func newCarry() *cobra.Command {
	var onto, key, policyPath string
	var trustKeys []string
	cmd := &cobra.Command{
		Use:   "carry BASE..HEAD --onto COMMIT",
		Short: "Carry the records of a range onto the commit a server squash-merged it into",
		Long: `Carry the records of the commits in BASE..HEAD onto COMMIT: every line COMMIT
adds takes the attribution of the line it copies in the range. The carried
record names the records it derives from and is signed by --key (a CI key);
beside it, the note keeps what a verifier needs once the branch is deleted
and collected: the sources' envelopes, commit objects and attributed files.
Sources count only when their records verify under the trust verify uses:
the policy committed at BASE by default, or --policy FILE, or --trust PUB.
Run it in CI after a squash-merge or rebase-merge made on the server:

  hallmark carry origin/main..feature --onto "$MERGE_COMMIT" --key ci.key`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || !strings.Contains(args[0], "..") {
				return usagef("need one range BASE..HEAD")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if onto == "" {
				return usagef("--onto COMMIT is required")
			}
			base, head, _ := strings.Cut(args[0], "..")
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			signer, err := stampSigner(ctx, r, key)
			if err != nil {
				return err
			}
			opts := &repo.StampOptions{Recorder: recorder()}
			if signer != nil {
				opts.Signer = signer
			}
			// Sources are taken only from records that verify under the
			// trust verify will use: the policy at BASE, or what is given.
			pol, ring, err := trustFor(ctx, r, trustKeys, policyPath, base)
			switch {
			case err == nil:
				opts.Trust = &repo.Trust{Keyring: ring, Policy: pol}
			case signer != nil || len(trustKeys) > 0 || policyPath != "":
				return err
			}
			res, err := r.CarryRange(ctx, base, head, onto, opts)
			if err != nil {
				return err
			}
			return printStamp(cmd, res, "carried onto")
		},
	}
	cmd.Flags().StringVar(&onto, "onto", "", "the commit to carry the records onto")
	addJSONFlag(cmd)
	cmd.Flags().StringArrayVar(&trustKeys, "trust", nil, "take sources signed by exactly this public key (repeatable; default: the policy at BASE)")
	cmd.Flags().StringVar(&policyPath, "policy", "", "take sources as this policy file (outside the repository) allows")
	cmd.Flags().StringVar(&key, "key", "", "private key or KMS reference (default: git config hallmark.key)")
	return cmd
}

// newHook is what the installed hooks run; it is hidden from help. The
// hook's name and arguments go to repo.RunHook as the script gave them.
func newHook() *cobra.Command {
	return &cobra.Command{
		Use:                "hook NAME [ARGS...]",
		Hidden:             true,
		Short:              "Run a git hook's part (called by the hooks hallmark init installs)",
		Args:               cobra.MinimumNArgs(1),
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return repo.RunHook(cmd.Context(), args[0], args[1:], &repo.HookOptions{
				Stdin:    cmd.InOrStdin(),
				Stdout:   cmd.OutOrStdout(),
				Stderr:   cmd.ErrOrStderr(),
				Recorder: recorder(),
				Signer: func(ctx context.Context, r *repo.Repo) (signature.Signer, error) {
					s, err := stampSigner(ctx, r, "")
					if err != nil {
						return nil, errors.New(message(err))
					}
					if s == nil {
						return nil, nil
					}
					return s, nil
				},
			})
		},
	}
}
