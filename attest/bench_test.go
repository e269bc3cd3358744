package attest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature"
)

// realisticRecord is the benchmark record: 200 files, 2,000 spans, four
// authors, alternating classes, as a large agent-assisted commit has.
func realisticRecord() *provenance.Record {
	r := &provenance.Record{
		Commit:  commitID,
		Tree:    strings.Repeat("4", 40),
		Parents: []string{strings.Repeat("5", 40)},
		Authors: []provenance.Author{
			{Kind: provenance.Person, Name: "Ada Lovelace", Email: "ada@example.com"},
			{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "claude-code", ToolVersion: "2.1.3", Session: "0b9f6c1e-6a55-4a3c-9d0e-1f2a3b4c5d6e"},
			{Kind: provenance.Model, ModelID: "openai/gpt-5-codex", Tool: "codex", ToolVersion: "0.40.0"},
			{Kind: provenance.Person, Name: "Grace Hopper", Email: "grace@example.com"},
		},
		Method:   provenance.MethodCapture,
		Recorder: provenance.Recorder{Name: "hallmark", Version: "0.1.0"},
	}
	classes := []provenance.Class{provenance.Human, provenance.AI, provenance.Mixed, provenance.AI}
	for f := 0; f < 200; f++ {
		file := provenance.File{
			Path:   fmt.Sprintf("internal/service%02d/handler_%03d.go", f%17, f),
			Digest: "sha256:" + strings.Repeat(fmt.Sprintf("%02x", f%256), 32),
			Lines:  400,
		}
		for s := 0; s < 10; s++ {
			file.Spans = append(file.Spans, provenance.Span{Start: s*40 + 1, End: s*40 + 30, Author: s % 4, Class: classes[s%4]})
		}
		r.Files = append(r.Files, file)
	}
	return r
}

type benchKey struct {
	alg    Algorithm
	signer signature.SignerVerifier
	ring   *Keyring
	raw    signature.Verifier
}

func benchKeys(b *testing.B) []benchKey {
	var out []benchKey
	for _, alg := range []Algorithm{ECDSAP256, Ed25519} {
		priv, ring := newKey(b, alg)
		s, err := NewSigner(priv)
		if err != nil {
			b.Fatal(err)
		}
		v, _ := NewVerifier(priv.Public())
		out = append(out, benchKey{alg, s, ring, v})
	}
	return out
}

// BenchmarkSign is the full path: canonical JSON, statement, DSSE.
// BenchmarkRawSign signs the same payload bytes with sigstore alone: the
// baseline of the 1.5x target.
func BenchmarkSign(b *testing.B) {
	for _, k := range benchKeys(b) {
		b.Run(string(k.alg), func(b *testing.B) {
			rec := realisticRecord()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Sign(rec, commitObject, k.signer); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRawSign(b *testing.B) {
	for _, k := range benchKeys(b) {
		b.Run(string(k.alg), func(b *testing.B) {
			st, _ := NewStatement(realisticRecord(), commitObject)
			payload, _ := st.Encode()
			msg := pae(PayloadType, payload)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.signer.SignMessage(bytes.NewReader(msg)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	for _, k := range benchKeys(b) {
		b.Run(string(k.alg), func(b *testing.B) {
			env, err := Sign(realisticRecord(), commitObject, k.signer)
			if err != nil {
				b.Fatal(err)
			}
			in := env.Bytes()
			opts := &VerifyOptions{Keyring: k.ring, Commit: commitID, CommitObject: commitObject}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Verify(in, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRawVerify(b *testing.B) {
	for _, k := range benchKeys(b) {
		b.Run(string(k.alg), func(b *testing.B) {
			st, _ := NewStatement(realisticRecord(), commitObject)
			payload, _ := st.Encode()
			msg := pae(PayloadType, payload)
			sig, _ := k.signer.SignMessage(bytes.NewReader(msg))
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				if err := k.raw.VerifySignature(bytes.NewReader(sig), bytes.NewReader(msg)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	rec := realisticRecord()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rec.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	enc, _ := realisticRecord().Encode()
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := provenance.Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorVerify is the least any DSSE verifier of this payload must
// do: decode the base64 payload and verify the signature over its PAE,
// without reading the JSON at all.
func BenchmarkFloorVerify(b *testing.B) {
	for _, k := range benchKeys(b) {
		b.Run(string(k.alg), func(b *testing.B) {
			env, _ := Sign(realisticRecord(), commitObject, k.signer)
			sig, _ := decodeB64(env.Signatures[0].Sig)
			b.ReportAllocs()
			for b.Loop() {
				payload, err := decodeB64(env.Payload)
				if err != nil {
					b.Fatal(err)
				}
				if err := k.raw.VerifySignature(bytes.NewReader(sig), bytes.NewReader(pae(PayloadType, payload))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFloorSign is the least any DSSE signer of this payload must do:
// sign the PAE and base64-encode payload and signature.
func BenchmarkFloorSign(b *testing.B) {
	for _, k := range benchKeys(b) {
		b.Run(string(k.alg), func(b *testing.B) {
			st, _ := NewStatement(realisticRecord(), commitObject)
			payload, _ := st.Encode()
			b.ReportAllocs()
			for b.Loop() {
				sig, err := k.signer.SignMessage(bytes.NewReader(pae(PayloadType, payload)))
				if err != nil {
					b.Fatal(err)
				}
				_ = base64.StdEncoding.EncodeToString(payload)
				_ = base64.StdEncoding.EncodeToString(sig)
			}
		})
	}
}
