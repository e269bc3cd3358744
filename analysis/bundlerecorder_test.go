package analysis

import (
	"context"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestBundleRecorder: a vendor's release tool that names itself in
// BundleOptions finds its name in the signed bundle, which verifies; with
// no options the bundle names hallmark, as a stamp does.
func TestBundleRecorder(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	write(t, g, map[string]string{"go.mod": "module example.com/vended\n\ngo 1.22\n", "v.go": "package vended\n\nfunc V() {}\n"})
	g.Commit("module", "")
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	priv, err := attest.GenerateKey(attest.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := attest.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := attest.NewKeyring(attest.TrustedKey{Name: "release", Key: priv.Public()})
	if err != nil {
		t.Fatal(err)
	}
	vendor := provenance.Recorder{Name: "acme-release", Version: "3.1.4"}
	for _, tt := range []struct {
		reason string
		opts   *BundleOptions
		want   provenance.Recorder
	}{
		{"a vendor's recorder", &BundleOptions{Recorder: vendor}, vendor},
		{"nil options", nil, repo.DefaultRecorder()},
		{"zero options", &BundleOptions{}, repo.DefaultRecorder()},
	} {
		if _, err := WriteBundle(ctx, rp, g.Dir, signer, tt.opts); err != nil {
			t.Fatalf("%s: %v", tt.reason, err)
		}
		rec, _, err := VerifyBundle(g.Dir, "example.com/vended", ring)
		if err != nil {
			t.Fatalf("%s: the bundle does not verify: %v", tt.reason, err)
		}
		if rec.Recorder != tt.want {
			t.Errorf("%s: the signed bundle names %+v, want %+v", tt.reason, rec.Recorder, tt.want)
		}
	}
}
