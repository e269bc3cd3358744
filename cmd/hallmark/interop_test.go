package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/testtool"
)

// cosignPath finds cosign; .ci/run installs it and requires it.
func cosignPath(t *testing.T) string {
	t.Helper()
	return testtool.Need(t, testtool.Cosign, "cosign does not check what hallmark signs")
}

// cosign runs cosign offline: TUF_ROOT in a temp dir, so it never needs the
// network.
func cosign(t *testing.T, bin, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TUF_ROOT="+filepath.Join(dir, "tuf"), "COSIGN_PASSWORD=pw", "SIGSTORE_NO_CACHE=true")
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// TestCosignInterop is the independent check: cosign verifies what hallmark
// signs, hallmark verifies what cosign signs, and both reject tampering.
func TestCosignInterop(t *testing.T) {
	cos := cosignPath(t)
	r := sampleRepo(t)
	work := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	head := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	object := filepath.Join(work, "commit-object")
	if err := os.WriteFile(object, []byte(r.Git("cat-file", "commit", "HEAD")), 0o644); err != nil {
		t.Fatal(err)
	}
	trustedRoot := filepath.Join(work, "trusted-root.json")
	if err := os.WriteFile(trustedRoot, []byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, alg := range []string{"ecdsa-p256", "ed25519"} {
		t.Run(alg, func(t *testing.T) {
			k := filepath.Join(work, alg)
			if res := hallmark(t, r.Dir, env, "keys", "generate", "--algorithm", alg, "--output", k); res.code != 0 {
				t.Fatal(res)
			}
			envFile, bundleFile := k+".env.json", k+".bundle.json"
			if res := hallmark(t, r.Dir, env, "attest", "sign", "--key", k+".key", "--output", envFile); res.code != 0 {
				t.Fatal(res)
			}
			if res := hallmark(t, r.Dir, env, "attest", "sign", "--key", k+".key", "--bundle", "--output", bundleFile); res.code != 0 {
				t.Fatal(res)
			}
			// 1. The envelope verifies over the commit object.
			verifyEnv := func(sig string) (string, bool) {
				return cosign(t, cos, work, "verify-blob-attestation", "--key", k+".pub", "--type", attest.PredicateType,
					"--signature", sig, "--insecure-ignore-tlog", object)
			}
			if out, ok := verifyEnv(envFile); !ok || !strings.Contains(out, "Verified OK") {
				t.Fatalf("cosign rejected hallmark's envelope:\n%s", out)
			}
			// 2. The bundle verifies against the commit id.
			verifyBundle := func(b string) (string, bool) {
				return cosign(t, cos, work, "verify-blob-attestation", "--key", k+".pub", "--type", attest.PredicateType,
					"--bundle", b, "--trusted-root", trustedRoot, "--insecure-ignore-tlog", "--digest", head, "--digestAlg", "gitCommit")
			}
			if out, ok := verifyBundle(bundleFile); !ok || !strings.Contains(out, "Verified OK") {
				t.Fatalf("cosign rejected hallmark's bundle:\n%s", out)
			}
			// 4. Tampered: both tools reject.
			tampered := tamperSig(t, envFile)
			if out, ok := verifyEnv(tampered); ok {
				t.Errorf("cosign accepted a tampered envelope:\n%s", out)
			}
			if res := hallmark(t, r.Dir, nil, "attest", "verify", "--key", k+".pub", tampered); res.code != 1 || !strings.Contains(res.stderr, "bad signature") {
				t.Errorf("hallmark accepted or misreported a tampered envelope: %+v", res)
			}
			tamperedBundle := tamperSig(t, bundleFile)
			if out, ok := verifyBundle(tamperedBundle); ok {
				t.Errorf("cosign accepted a tampered bundle:\n%s", out)
			}
			if res := hallmark(t, r.Dir, nil, "attest", "verify", "--key", k+".pub", tamperedBundle); res.code != 1 {
				t.Errorf("hallmark accepted a tampered bundle: %+v", res)
			}
			// Cosign also refuses the envelope for another commit.
			other := filepath.Join(work, "other-object")
			os.WriteFile(other, []byte(r.Git("cat-file", "commit", "HEAD~1")), 0o644)
			if out, ok := cosign(t, cos, work, "verify-blob-attestation", "--key", k+".pub", "--type", attest.PredicateType,
				"--signature", envFile, "--insecure-ignore-tlog", other); ok {
				t.Errorf("cosign accepted the attestation for another commit:\n%s", out)
			}
		})
	}

	// 3. cosign attest-blob (P-256: cosign signs Ed25519 keys as Ed25519ph)
	// over the commit object, verified by hallmark.
	t.Run("cosign-to-hallmark", func(t *testing.T) {
		if out, ok := cosign(t, cos, work, "generate-key-pair"); !ok {
			t.Fatalf("cosign generate-key-pair: %s", out)
		}
		res := hallmark(t, r.Dir, nil, "record", "--canonical")
		if res.code != 0 {
			t.Fatal(res)
		}
		recordFile := filepath.Join(work, "record.json")
		os.WriteFile(recordFile, []byte(res.stdout), 0o644)
		att := filepath.Join(work, "cosign-att.json")
		out, ok := cosign(t, cos, work, "attest-blob", "--key", "cosign.key", "--type", attest.PredicateType,
			"--predicate", recordFile, "--tlog-upload=false", "--yes", "--output-signature", att, object)
		if !ok {
			t.Fatalf("cosign attest-blob: %s", out)
		}
		res = hallmark(t, r.Dir, nil, "attest", "verify", "--key", filepath.Join(work, "cosign.pub"), att)
		if res.code != 0 || !strings.Contains(res.stdout, "signed by cosign") {
			t.Fatalf("hallmark rejected cosign's attestation: %+v", res)
		}
		res = hallmark(t, r.Dir, nil, "attest", "verify", "--key", filepath.Join(work, "cosign.pub"), "--blob", object, att)
		if res.code != 0 {
			t.Fatalf("hallmark rejected cosign's attestation with --blob: %+v", res)
		}
		// The cosign key file itself works as a hallmark signing key.
		if res := hallmark(t, r.Dir, env, "attest", "sign", "--key", filepath.Join(work, "cosign.key"), "--output", filepath.Join(work, "h.json")); res.code != 0 {
			t.Fatalf("cosign's private key does not sign with hallmark: %+v", res)
		}
		// 4. Tampered: both reject.
		tampered := tamperSig(t, att)
		if res := hallmark(t, r.Dir, nil, "attest", "verify", "--key", filepath.Join(work, "cosign.pub"), tampered); res.code != 1 {
			t.Errorf("hallmark accepted cosign's tampered attestation: %+v", res)
		}
		if out, ok := cosign(t, cos, work, "verify-blob-attestation", "--key", "cosign.pub", "--type", attest.PredicateType,
			"--signature", tampered, "--insecure-ignore-tlog", object); ok {
			t.Errorf("cosign accepted its own tampered attestation:\n%s", out)
		}
		// And the attestation is bound to its commit.
		if res := hallmark(t, r.Dir, nil, "attest", "verify", "--key", filepath.Join(work, "cosign.pub"), "--commit", "HEAD~1", att); res.code != 1 {
			t.Errorf("hallmark accepted cosign's attestation for another commit: %+v", res)
		}
	})
}

// tamperSig writes a copy of an attestation file with one bit of its first
// signature flipped.
func tamperSig(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, `"sig":"`)
	if i < 0 {
		t.Fatalf("no signature in %s", path)
	}
	i += len(`"sig":"`) + 10
	c := s[i]
	repl := byte('A')
	if c == 'A' {
		repl = 'B'
	}
	out := path + ".tampered"
	if err := os.WriteFile(out, []byte(s[:i]+string(repl)+s[i+1:]), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}
