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
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/histgen"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/sigstore/sigstore/pkg/signature"
)

// BenchmarkCommit50of10k measures what the post-commit stamp adds to a
// plain `git commit` in a repository of 10,000 files, for a commit of 50
// files whose lines a model wrote (captured by a checkpoint, untimed). One
// repository per way of committing:
//
//	plain          git commit, no hooks: the baseline
//	hooks          git commit with the hooks of `hallmark init`: Assisted-by
//	               is added (prepare-commit-msg) and the commit is stamped,
//	               signed with a PKCS#8 key file (post-commit)
//	hooks-stamp    the same with Assisted-by switched off: the post-commit
//	               stamp alone
//	hooks-unsigned the hooks without a key
//	hooks-cosign   the hooks, signing with a key in cosign's encrypted
//	               format (an scrypt derivation each time it is opened)
//	inprocess      git commit, then Repo.Stamp in this process (embedders)
//
// The hooks stamp in the background (background.go): a way's -ms is the
// commit as its caller waits for it, -stored-ms the time until the record
// is stored (the benchmark waits for the stamp, untimed, before the next
// commit).
//
// HALLMARK_BENCH_MODES=plain,hooks runs only the ways named; the way
// "hooks-alt" is "hooks" with the binary HALLMARK_BENCH_ALT_BIN, to compare
// two builds in one run. Each
// iteration commits once in every repository, back to back, so all
// ways see the same machine load; the metrics are medians over iterations:
// each way's milliseconds, and its ratio to the plain commit made beside it.
func BenchmarkCommit50of10k(b *testing.B) {
	ctx := context.Background()
	bin := buildHallmark(b)
	modes := []string{"plain", "hooks", "hooks-stamp", "hooks-unsigned", "hooks-cosign", "inprocess"}
	if m := os.Getenv("HALLMARK_BENCH_MODES"); m != "" { // e.g. "plain,hooks"
		modes = strings.Split(m, ",")
	}
	type setup struct {
		g      *gittest.Repo
		rp     *Repo
		files  []string
		signer signature.SignerVerifier
	}
	setups := map[string]*setup{}
	for _, mode := range modes {
		g := gittest.New(b)
		if _, err := histgen.Generate(g.Dir, histgen.Options{Commits: 2, Files: 10000}); err != nil {
			b.Fatal(err)
		}
		s := &setup{g: g, rp: openRepo(b, g.Dir), files: strings.Fields(g.Git("ls-files"))}
		if mode != "plain" && mode != "hooks-unsigned" {
			key := filepath.Join(b.TempDir(), "k.key")
			priv, _ := attest.GenerateKey(attest.ECDSAP256)
			der, _ := x509.MarshalPKCS8PrivateKey(priv)
			pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
			if mode == "hooks-cosign" {
				b.Setenv("HALLMARK_PASSWORD", "bench")
				pemBytes, _ = attest.MarshalPrivateKey(priv, []byte("bench"))
			}
			if err := os.WriteFile(key, pemBytes, 0o600); err != nil {
				b.Fatal(err)
			}
			g.Git("config", "hallmark.key", key)
			s.signer, _ = attest.NewSigner(priv)
		}
		if strings.HasPrefix(mode, "hooks") {
			hookBin := bin
			if mode == "hooks-alt" { // another build, to compare two changes in one run
				hookBin = os.Getenv("HALLMARK_BENCH_ALT_BIN")
			}
			if _, err := s.rp.Init(ctx, &InitOptions{Binary: hookBin, NoAssistedBy: mode == "hooks-stamp"}); err != nil {
				b.Fatal(err)
			}
		}
		setups[mode] = s
	}
	took, stored := map[string][]float64{}, map[string][]float64{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range modes {
			// Rotate the order, so that no way always follows another.
			mode := modes[(i+k)%len(modes)]
			s := setups[mode]
			b.StopTimer()
			for k := 0; k < 50; k++ {
				p := s.files[(i*50+k*197)%len(s.files)]
				f, _ := os.OpenFile(filepath.Join(s.g.Dir, p), os.O_APPEND|os.O_WRONLY, 0)
				fmt.Fprintf(f, "model line %d\nmodel line %d b\n", i, i)
				f.Close()
			}
			if mode != "plain" {
				if _, err := s.rp.Checkpoint(ctx, CheckpointOptions{Author: testModel}); err != nil {
					b.Fatal(err)
				}
			}
			s.g.Git("add", "-A")
			b.StartTimer()
			start := time.Now()
			s.g.GitNoWait("commit", "-q", "-m", fmt.Sprintf("change %d", i))
			if mode == "inprocess" {
				if _, err := s.rp.Stamp(ctx, "HEAD", &StampOptions{Signer: s.signer}); err != nil {
					b.Fatal(err)
				}
			}
			took[mode] = append(took[mode], float64(time.Since(start))/1e6)
			b.StopTimer()
			if strings.HasPrefix(mode, "hooks") {
				// The stamp runs on in the background: wait for it,
				// untimed, so that it takes no core from the next
				// way's commit; stored is the time until its record
				// is there.
				if err := s.rp.WaitForStamps(ctx); err != nil {
					b.Fatal(err)
				}
				stored[mode] = append(stored[mode], float64(time.Since(start))/1e6)
			}
		}
	}
	b.StopTimer()
	for _, mode := range modes {
		s := setups[mode]
		if mode != "plain" {
			if lines, _ := s.rp.Note(ctx, "HEAD"); len(lines) == 0 {
				b.Fatalf("%s: the commit was not stamped", mode)
			}
		}
		if mode == "hooks" && !strings.Contains(s.g.Git("log", "-1", "--format=%B"), "Assisted-by:") {
			b.Fatal("hooks: no Assisted-by trailer")
		}
		b.ReportMetric(median(took[mode]), mode+"-ms")
		if len(stored[mode]) > 0 {
			b.ReportMetric(median(stored[mode]), mode+"-stored-ms")
		}
		if mode != "plain" {
			ratios := make([]float64, len(took[mode]))
			for i := range ratios {
				ratios[i] = took[mode][i] / took["plain"][i]
			}
			b.ReportMetric(median(ratios), mode+"/plain")
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
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
