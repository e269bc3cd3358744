package repo

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/histgen"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/sigstore/sigstore/pkg/signature"
)

// BenchmarkCommit50of10k measures what the post-commit stamp adds to a
// plain `git commit` in a repository of 10,000 files, for a commit of 50
// files whose lines a model wrote (captured by a checkpoint, untimed):
//
//	plain     git commit, no hooks: the baseline
//	hooks     git commit with the hooks of `hallmark init` (prepare-commit-msg
//	          and post-commit run the hallmark binary), signing with a key
//	inprocess git commit, then Repo.Stamp in this process (for embedders)
func BenchmarkCommit50of10k(b *testing.B) {
	ctx := context.Background()
	bin := buildHallmark(b)
	for _, mode := range []string{"plain", "hooks-unsigned", "hooks-plainkey", "hooks-cosignkey", "inprocess"} {
		b.Run(mode, func(b *testing.B) {
			g := gittest.New(b)
			if _, err := histgen.Generate(g.Dir, histgen.Options{Commits: 2, Files: 10000}); err != nil {
				b.Fatal(err)
			}
			rp := openRepo(b, g.Dir)
			var signer signature.SignerVerifier
			if mode != "plain" && mode != "hooks-unsigned" {
				key := filepath.Join(b.TempDir(), "k.key")
				priv, _ := attest.GenerateKey(attest.ECDSAP256)
				// cosign's format costs an scrypt derivation each time it is
				// opened, by design; a plain PKCS#8 file (or a KMS key) does not.
				pemBytes, _ := attest.MarshalPrivateKey(priv, nil)
				if mode == "hooks-plainkey" {
					der, _ := x509.MarshalPKCS8PrivateKey(priv)
					pemBytes = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
				}
				os.WriteFile(key, pemBytes, 0o600)
				g.Git("config", "hallmark.key", key)
				signer, _ = attest.NewSigner(priv)
			}
			if strings.HasPrefix(mode, "hooks") {
				if _, err := rp.Init(ctx, &InitOptions{Binary: bin}); err != nil {
					b.Fatal(err)
				}
			}
			files := strings.Fields(g.Git("ls-files"))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				for k := 0; k < 50; k++ {
					p := files[(i*50+k*197)%len(files)]
					f, _ := os.OpenFile(filepath.Join(g.Dir, p), os.O_APPEND|os.O_WRONLY, 0)
					fmt.Fprintf(f, "model line %d\nmodel line %d b\n", i, i)
					f.Close()
				}
				if mode != "plain" {
					if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel}); err != nil {
						b.Fatal(err)
					}
				}
				g.Git("add", "-A")
				b.StartTimer()
				g.Git("commit", "-q", "-m", fmt.Sprintf("change %d", i))
				if mode == "inprocess" {
					if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: signer}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StopTimer()
			if mode != "plain" {
				if lines, _ := rp.Note(ctx, "HEAD"); len(lines) == 0 {
					b.Fatal("the commit was not stamped")
				}
			}
		})
	}
}

func buildHallmark(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "hallmark")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/hallmark")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build: %v %s", err, out)
	}
	return bin
}

// BenchmarkVerify10k verifies 10,000 signed commits (the records of a
// generated history), against BenchmarkRawVerify10k: the same 10,000
// signature verifications alone, over the same bytes.
func BenchmarkVerify10k(b *testing.B) {
	ctx := context.Background()
	g, k := stamped10k(b)
	rp := openRepo(b, g.Dir)
	opts := &VerifyOptions{Keyring: ringOf(b, k)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := rp.Verify(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Pass || rep.Envelopes < 10000 {
			b.Fatalf("pass %v, %d envelopes", rep.Pass, rep.Envelopes)
		}
	}
}

func BenchmarkRawVerify10k(b *testing.B) {
	g, k := stamped10k(b)
	type item struct{ sig, msg []byte }
	var items []item
	for _, l := range strings.Split(strings.TrimSpace(g.Git("log", "--format=%N", "--notes=hallmark", "HEAD")), "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		env, _, err := attest.ParseAttestation([]byte(l))
		if err != nil {
			b.Fatal(err)
		}
		payload, err := base64.StdEncoding.DecodeString(env.Payload)
		if err != nil {
			b.Fatal(err)
		}
		sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, item{sig, dsse.PAE(env.PayloadType, payload)})
	}
	pub, _ := k.signer.PublicKey()
	v, _ := signature.LoadVerifier(pub, crypto.SHA256)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, it := range items {
			if err := v.VerifySignature(bytes.NewReader(it.sig), bytes.NewReader(it.msg)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(items)), "signatures/op")
}

// stamped10k generates a history of 10,000 commits and stamps it, signed;
// it is made once per process and reused.
var stampedCache struct {
	g *gittest.Repo
	k testKey
}

func stamped10k(b *testing.B) (*gittest.Repo, testKey) {
	if stampedCache.g != nil {
		return stampedCache.g, stampedCache.k
	}
	dir, err := os.MkdirTemp("", "hallmark-bench-10k")
	if err != nil {
		b.Fatal(err)
	}
	g := gittest.Wrap(b, dir)
	if _, err := histgen.Generate(dir, histgen.Options{Commits: 10000, Files: 500, MergeEvery: 0}); err != nil {
		b.Fatal(err)
	}
	k := newTestKey(b, "ci")
	rp, err := Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer rp.Close()
	if _, err := rp.StampRange(context.Background(), []string{"HEAD"}, &StampOptions{Signer: k.signer}); err != nil {
		b.Fatal(err)
	}
	stampedCache.g, stampedCache.k = g, k
	return g, k
}
