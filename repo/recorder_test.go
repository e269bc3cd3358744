package repo

import (
	"context"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature"
)

// TestVendorRecorder: the recorder a caller names is the one in the records
// it signs (a stamp, a range stamp, a carry), they verify, and a caller that
// names none gets hallmark's own; no global is involved, so two callers in
// one process each get theirs.
func TestVendorRecorder(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	dev, ci := newTestKey(t, "dev"), newTestKey(t, "ci")
	acme := provenance.Recorder{Name: "acme-agent", Version: "2.3.1"}
	bot := provenance.Recorder{Name: "release-bot", Version: "0.9"}

	g.Write("README", "r\n")
	g.Commit("old one", "")
	g.Write("NOTES", "n\n")
	g.Commit("old two", "")
	if n, err := rp.StampRange(ctx, []string{"HEAD"}, &StampOptions{Signer: dev.signer, Recorder: bot}); err != nil || n != 2 {
		t.Fatalf("stamp range: %d, %v", n, err)
	}
	g.Git("checkout", "-q", "-b", "feature")
	g.Write("a.go", gittest.Lines("m", 4))
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel}); err != nil {
		t.Fatal(err)
	}
	g.Commit("feature work", "")
	if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer, Recorder: acme}); err != nil {
		t.Fatal(err)
	}
	g.Git("checkout", "-q", "main")
	g.Write("b.go", "b\n")
	g.Commit("default", "")
	if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer}); err != nil {
		t.Fatal(err)
	}
	// A vendor's own binary as the hook target names itself too.
	g.Write("c.go", "c\n")
	hooked := g.Commit("through the hook runner", "")
	if err := RunHook(ctx, "post-commit", nil, &HookOptions{Dir: g.Dir, Recorder: acme,
		Signer: func(context.Context, *Repo) (signature.Signer, error) { return dev.signer, nil }}); err != nil {
		t.Fatal(err)
	}
	g.Git("reset", "-q", "--hard", "HEAD~1")
	tree := strings.TrimSpace(g.Git("rev-parse", "feature^{tree}"))
	squash := strings.TrimSpace(g.Git("commit-tree", tree, "-p", "main~1", "-m", "squash"))
	pol := &policy.Policy{Keys: []policy.Key{{Name: "dev", PublicKey: "x", May: []policy.Claim{policy.ClaimRecord}}, {Name: "ci", PublicKey: "x", May: []policy.Claim{policy.ClaimCarry}}}}
	trust := &Trust{Keyring: ringOf(t, dev, ci), Policy: pol}
	if _, err := rp.CarryRange(ctx, "main~1", "feature", squash, &StampOptions{Signer: ci.signer, Trust: trust, Recorder: bot}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		reason string
		rev    string
		want   provenance.Recorder
	}{
		{"a range stamp", "main~2", bot},
		{"a range stamp", "main~1", bot},
		{"a vendor's stamp", "feature", acme},
		{"no recorder named", "main", DefaultRecorder()},
		{"a carry", squash, bot},
		{"a vendor's hook target", hooked, acme},
	} {
		rec, err := rp.StoredRecord(ctx, tt.rev, trust)
		if err != nil {
			t.Errorf("%s (%s): %v", tt.reason, tt.rev, err)
			continue
		}
		if rec.Recorder != tt.want {
			t.Errorf("%s (%s): signed record names %+v, want %+v", tt.reason, tt.rev, rec.Recorder, tt.want)
		}
	}
	if DefaultRecorder().Name != "hallmark" || DefaultRecorder().Version != Version {
		t.Errorf("default recorder %+v", DefaultRecorder())
	}
}
