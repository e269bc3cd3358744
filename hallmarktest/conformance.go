package hallmarktest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Integration is a vendor's integration, as Conformance drives it.
type Integration struct {
	// Setup prepares a new repository before anything is committed in it:
	// installs the integration's hooks, configures its key. Nil means
	// nothing to do.
	Setup func(t testing.TB, r *Repo)
	// Change makes one change and commits it, the way the product does:
	// edits, checkpoints, a commit, a stamp. The repository has one commit
	// already, "base", with base.txt (10 lines); Change must commit on the
	// current branch. Required.
	Change func(t testing.TB, r *Repo)
	// Keyring verifies the integration's records. Required: conformance
	// is about records that verify.
	Keyring *attest.Keyring
}

// ErrRewrite is wrapped when a record does not survive a rewrite.
var ErrRewrite = errors.New("hallmarktest: record lost in a rewrite")

// Conformance checks an integration in three fresh repositories, one
// subtest each:
//
//   - record: the commit Change makes has a record that verifies against
//     Keyring and covers exactly the lines git says it added;
//   - amend: after `git commit --amend` (a new message), the new commit has
//     such a record too, and every line keeps its class and author;
//   - rebase: after `git rebase` onto a new commit of the base branch, the
//     same.
//
// Rewrites are carried by hooks, so an integration passes the last two only
// when its Setup installs them (repo.Repo.Init does).
func Conformance(t *testing.T, in Integration) {
	t.Helper()
	if in.Change == nil || in.Keyring == nil {
		t.Fatal("hallmarktest: Conformance needs Integration.Change and Integration.Keyring")
	}
	for _, step := range []struct {
		name string
		run  func(testing.TB, Integration) error
	}{
		{"record", stepRecord},
		{"amend", stepAmend},
		{"rebase", stepRebase},
	} {
		t.Run(step.name, func(t *testing.T) {
			if err := step.run(t, in); err != nil {
				t.Error(err)
			}
		})
	}
}

// start makes a repository with the integration set up and a base commit.
func start(t testing.TB, in Integration) *Repo {
	r := NewRepo(t)
	if in.Setup != nil {
		in.Setup(t, r)
	}
	r.Write("base.txt", Lines("base", 10))
	r.Commit("base")
	return r
}

// verified reads HEAD's record and checks its coverage.
func verified(r *Repo, in Integration, what string) (*provenance.Record, error) {
	rec, err := ReadRecord(r.Dir, "HEAD", in.Keyring)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := CheckCoverage(r.Dir, rec); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return rec, nil
}

func stepRecord(t testing.TB, in Integration) error {
	r := start(t, in)
	base := r.Head()
	in.Change(t, r)
	if r.Head() == base {
		return errors.New("hallmarktest: Change made no commit")
	}
	_, err := verified(r, in, "the integration's commit")
	return err
}

func stepAmend(t testing.TB, in Integration) error {
	r := start(t, in)
	in.Change(t, r)
	before, err := verified(r, in, "before the amend")
	if err != nil {
		return err
	}
	r.Git("commit", "-q", "--amend", "-m", "amended by hallmarktest")
	return survived(r, in, before, "after git commit --amend")
}

func stepRebase(t testing.TB, in Integration) error {
	r := start(t, in)
	r.Git("checkout", "-q", "-b", "feature")
	in.Change(t, r)
	before, err := verified(r, in, "before the rebase")
	if err != nil {
		return err
	}
	r.Git("checkout", "-q", "main")
	r.Write("hallmarktest-upstream.txt", Lines("upstream", 3))
	r.Commit("upstream change")
	r.Git("checkout", "-q", "feature")
	r.Git("rebase", "-q", "main")
	return survived(r, in, before, "after git rebase")
}

// survived checks that HEAD, a rewrite of before's commit, has a record
// that verifies and gives every line of before's files the same author.
func survived(r *Repo, in Integration, before *provenance.Record, what string) error {
	if r.Head() == before.Commit {
		return fmt.Errorf("hallmarktest: %s: HEAD did not change", what)
	}
	after, err := verified(r, in, what)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRewrite, err)
	}
	for _, f := range before.Files {
		old, _ := LinesOf(before, f.Path)
		now, ok := LinesOf(after, f.Path)
		if !ok || !slices.Equal(old, now) {
			return fmt.Errorf("%w: %s: %s: lines were %v, now %v", ErrRewrite, what, f.Path, old, now)
		}
	}
	return nil
}

// BuildHallmark builds the hallmark command of the module this test depends
// on into a temporary directory and returns its path: the binary that
// repo.Repo.Init's hooks run (InitOptions.Binary).
func BuildHallmark(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hallmark")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/hallmark-dev/hallmark/cmd/hallmark")
	cmd.Env = os.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hallmarktest: build hallmark: %v\n%s", err, out)
	}
	return bin
}
