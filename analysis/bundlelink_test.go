package analysis

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestBundleNeverWritesThroughALink: a module whose .hallmark is a link to
// a directory elsewhere, or whose .hallmark/bundle.json is a link to a file
// elsewhere, gets ErrSymlink, and what the link points at is untouched;
// with the link gone the bundle is written as a regular file.
func TestBundleNeverWritesThroughALink(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	write(t, g, map[string]string{"go.mod": "module example.com/linked\n\ngo 1.22\n", "l.go": "package linked\n"})
	g.Commit("module", "")
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	priv, _ := attest.GenerateKey(attest.ECDSAP256)
	signer, err := attest.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := t.TempDir()
	link := filepath.Join(g.Dir, ".hallmark")

	// The directory is a link.
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteBundle(ctx, rp, g.Dir, signer, nil); !errors.Is(err, ErrSymlink) {
		t.Errorf("through a linked directory: %v", err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("something was written through the link: %v", ents)
	}
	os.Remove(link)

	// The file is a link.
	victim := filepath.Join(elsewhere, "authorized_keys")
	if err := os.WriteFile(victim, []byte("ssh-ed25519 AAAA mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(link, 0o755)
	if err := os.Symlink(victim, filepath.Join(link, "bundle.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteBundle(ctx, rp, g.Dir, signer, nil); !errors.Is(err, ErrSymlink) {
		t.Errorf("through a linked file: %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "ssh-ed25519 AAAA mine\n" {
		t.Errorf("the link's target changed: %q", b)
	}

	// The writer itself checks again, right before it writes.
	os.Remove(filepath.Join(link, "bundle.json"))
	if err := os.Symlink(victim, filepath.Join(link, "bundle.json")); err != nil {
		t.Fatal(err)
	}
	out, err := writeBundleFile(g.Dir, []byte("{}\n"))
	if !errors.Is(err, ErrSymlink) {
		t.Errorf("writeBundleFile over a link: %q %v", out, err)
	}

	os.Remove(filepath.Join(link, "bundle.json"))
	out, err = WriteBundle(ctx, rp, g.Dir, signer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(out); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the bundle: %v %v", st, err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "ssh-ed25519 AAAA mine\n" {
		t.Errorf("the link's target changed: %q", b)
	}
}
