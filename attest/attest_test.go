package attest

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature/kms/fake"
)

// A commit object as git writes it, and its real SHA-1 id.
var commitObject = []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\n\ninit\n")
var commitID = GitObjectID(commitObject, 40)

func testRecord() *provenance.Record {
	return &provenance.Record{
		Commit: commitID,
		Authors: []provenance.Author{
			{Kind: provenance.Person, Name: "A", Email: "a@example.com"},
			{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "claude-code"},
		},
		Files: []provenance.File{{
			Path: "main.go", Lines: 4,
			Digest: "sha256:" + strings.Repeat("ab", 32),
			Spans:  []provenance.Span{{Start: 1, End: 3, Author: 1, Class: provenance.AI}, {Start: 4, End: 4, Author: 0, Class: provenance.Human}},
		}},
		Recorder: provenance.Recorder{Name: "hallmark", Version: "test"},
	}
}

func newKey(t testing.TB, alg Algorithm) (crypto.Signer, *Keyring) {
	t.Helper()
	priv, err := GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := NewKeyring(TrustedKey{Name: string(alg), Key: priv.Public()})
	if err != nil {
		t.Fatal(err)
	}
	return priv, ring
}

func signWith(t testing.TB, priv crypto.Signer, rec *provenance.Record) *Envelope {
	t.Helper()
	s, err := NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	env, err := Sign(rec, commitObject, s)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestSignVerifyEachAlgorithm(t *testing.T) {
	for _, alg := range Algorithms {
		priv, ring := newKey(t, alg)
		env := signWith(t, priv, testRecord())
		if env.Signatures[0].KeyID != "" {
			t.Errorf("%s: keyid %q, want empty (cosign rejects a keyid)", alg, env.Signatures[0].KeyID)
		}
		res, err := Verify(env.Bytes(), &VerifyOptions{Keyring: ring, Commit: commitID, CommitObject: commitObject})
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		want := testRecord()
		want.Normalize()
		if diff := cmp.Diff(want, res.Record); diff != "" {
			t.Errorf("%s: record (-want +got)\n%s", alg, diff)
		}
		if diff := cmp.Diff([]string{string(alg)}, res.Signers); diff != "" {
			t.Errorf("%s: signers %s", alg, diff)
		}
		// The same through a bundle.
		b, err := NewBundle(env, priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(b.Bytes(), &VerifyOptions{Keyring: ring, Commit: commitID}); err != nil {
			t.Errorf("%s bundle: %v", alg, err)
		}
	}
}

func TestVerifyErrors(t *testing.T) {
	priv, ring := newKey(t, ECDSAP256)
	other, _ := newKey(t, ECDSAP256)
	env := signWith(t, priv, testRecord())
	good := env.Bytes()

	resign := func(mutate func(st map[string]any)) []byte {
		payload, _ := base64.StdEncoding.DecodeString(env.Payload)
		var st map[string]any
		if err := json.Unmarshal(payload, &st); err != nil {
			t.Fatal(err)
		}
		mutate(st)
		p, _ := json.Marshal(st)
		s, _ := NewSigner(priv)
		e, err := signPayload(p, s)
		if err != nil {
			t.Fatal(err)
		}
		return e.Bytes()
	}
	otherEnv := signWith(t, other, testRecord())
	otherBundle, _ := NewBundle(otherEnv, other.Public())
	badBundle, _ := NewBundle(otherEnv, priv.Public()) // names our key, signed by another

	tests := []struct {
		reason string
		in     []byte
		opts   VerifyOptions
		want   error
	}{
		{"not JSON", []byte("{"), VerifyOptions{Commit: commitID}, ErrMalformed},
		{"no signatures", []byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}`), VerifyOptions{Commit: commitID}, ErrNoSignature},
		{"payload not base64", []byte(`{"payloadType":"application/vnd.in-toto+json","payload":"!!","signatures":[{"keyid":"","sig":"AA=="}]}`), VerifyOptions{Commit: commitID}, ErrMalformed},
		{"unknown envelope field", bytes.Replace(good, []byte(`"payloadType"`), []byte(`"x":1,"payloadType"`), 1), VerifyOptions{Commit: commitID}, ErrMalformed},
		{"wrong payload type", bytes.Replace(good, []byte(PayloadType), []byte("text/plain"), 1), VerifyOptions{Commit: commitID}, ErrPayloadType},
		{"signed by another key", otherEnv.Bytes(), VerifyOptions{Commit: commitID}, ErrBadSignature},
		{"bundle naming an unknown key", otherBundle.Bytes(), VerifyOptions{Commit: commitID}, ErrUnknownKey},
		{"bundle naming our key, signed by another", badBundle.Bytes(), VerifyOptions{Commit: commitID}, ErrBadSignature},
		{"record for another commit", good, VerifyOptions{Commit: strings.Repeat("1", 40)}, ErrSubjectMismatch},
		{"commit object of another commit", good, VerifyOptions{CommitObject: append([]byte("x"), commitObject...)}, ErrDigestMismatch},
		{"sha256-only subject without the object", resign(func(st map[string]any) {
			delete(st["subject"].([]any)[0].(map[string]any)["digest"].(map[string]any), "gitCommit")
		}), VerifyOptions{Commit: commitID}, ErrSubjectMismatch},
		{"no digest at all", resign(func(st map[string]any) {
			st["subject"].([]any)[0].(map[string]any)["digest"] = map[string]any{}
		}), VerifyOptions{Commit: commitID}, ErrSubjectMismatch},
		{"wrong predicate type", resign(func(st map[string]any) { st["predicateType"] = "https://slsa.dev/provenance/v1" }), VerifyOptions{Commit: commitID}, ErrStatement},
		{"wrong statement type", resign(func(st map[string]any) { st["_type"] = "https://in-toto.io/Statement/v0.2" }), VerifyOptions{Commit: commitID}, ErrStatement},
		{"two subjects", resign(func(st map[string]any) { s := st["subject"].([]any); st["subject"] = append(s, s[0]) }), VerifyOptions{Commit: commitID}, ErrSubjectMismatch},
		{"invalid record", resign(func(st map[string]any) { st["predicate"].(map[string]any)["files"] = "nope" }), VerifyOptions{Commit: commitID}, ErrInvalidRecord},
		{"record and subject disagree", resign(func(st map[string]any) {
			st["predicate"].(map[string]any)["commit"] = strings.Repeat("2", 40)
		}), VerifyOptions{Commit: commitID}, ErrSubjectMismatch},
		{"subject sha256 altered", resign(func(st map[string]any) {
			st["subject"].([]any)[0].(map[string]any)["digest"].(map[string]any)["sha256"] = strings.Repeat("0", 64)
		}), VerifyOptions{CommitObject: commitObject}, ErrDigestMismatch},
		{"no keys", good, VerifyOptions{Commit: commitID, Keyring: &Keyring{}}, ErrNoKeys},
	}
	for _, tt := range tests {
		opts := tt.opts
		if opts.Keyring == nil {
			opts.Keyring = ring
		}
		_, err := Verify(tt.in, &opts)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.reason, err, tt.want)
		}
	}
	if _, err := Verify(good, &VerifyOptions{Keyring: ring}); err == nil {
		t.Error("verification without a commit to bind to passed")
	}
}

// TestTamper flips every byte of a signed envelope's payload and signature,
// and changes every field of the decoded statement; every variant must be
// rejected, each with a named error.
func TestTamper(t *testing.T) {
	for _, alg := range []Algorithm{ECDSAP256, Ed25519} {
		priv, ring := newKey(t, alg)
		env := signWith(t, priv, testRecord())
		opts := &VerifyOptions{Keyring: ring, Commit: commitID, CommitObject: commitObject}
		if _, err := Verify(env.Bytes(), opts); err != nil {
			t.Fatal(err)
		}
		payload, _ := base64.StdEncoding.DecodeString(env.Payload)
		sig, _ := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
		for i := range payload {
			p := bytes.Clone(payload)
			p[i] ^= 0x01
			e := *env
			e.Payload = base64.StdEncoding.EncodeToString(p)
			if _, err := Verify(e.Bytes(), opts); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("%s: payload byte %d flipped: got %v, want ErrBadSignature", alg, i, err)
			}
		}
		for i := range sig {
			s := bytes.Clone(sig)
			s[i] ^= 0x01
			e := *env
			e.Signatures = []Signature{{Sig: base64.StdEncoding.EncodeToString(s)}}
			if _, err := Verify(e.Bytes(), opts); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("%s: signature byte %d flipped: got %v, want ErrBadSignature", alg, i, err)
			}
		}
		// Every field of the statement, changed and re-serialized (without
		// re-signing): the signature no longer covers it.
		var st map[string]any
		if err := json.Unmarshal(payload, &st); err != nil {
			t.Fatal(err)
		}
		for _, path := range leafPaths(st, "") {
			m := deepCopy(st)
			setLeaf(m, path)
			p, _ := json.Marshal(m)
			e := *env
			e.Payload = base64.StdEncoding.EncodeToString(p)
			if _, err := Verify(e.Bytes(), opts); !errors.Is(err, ErrBadSignature) {
				t.Errorf("%s: field %s changed: got %v, want ErrBadSignature", alg, path, err)
			}
		}
		// The payload type is signed too (DSSE's PAE).
		e := *env
		e.PayloadType = "application/vnd.in-toto+JSON"
		if _, err := Verify(e.Bytes(), opts); !errors.Is(err, ErrPayloadType) {
			t.Errorf("%s: payload type changed: got %v", alg, err)
		}
	}
}

func leafPaths(v any, prefix string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			out = append(out, leafPaths(c, prefix+"/"+k)...)
		}
	case []any:
		for i, c := range x {
			out = append(out, leafPaths(c, fmt.Sprintf("%s/%d", prefix, i))...)
		}
	default:
		out = append(out, prefix)
	}
	return out
}

func deepCopy(v map[string]any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func setLeaf(root map[string]any, path string) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var cur any = root
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = mutate(c[p])
			}
			cur = c[p]
		case []any:
			var idx int
			fmt.Sscan(p, &idx)
			if last {
				c[idx] = mutate(c[idx])
			}
			cur = c[idx]
		}
	}
}

func mutate(v any) any {
	switch x := v.(type) {
	case string:
		return x + "x"
	case float64:
		return x + 1
	case bool:
		return !x
	}
	return "changed"
}

func TestKeyFilesRoundTrip(t *testing.T) {
	for _, alg := range Algorithms {
		priv, err := GenerateKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		pemBytes, err := MarshalPrivateKey(priv, []byte("s3cret"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(pemBytes, []byte("ENCRYPTED SIGSTORE PRIVATE KEY")) {
			t.Errorf("%s: not cosign's encrypted format:\n%s", alg, pemBytes)
		}
		if _, err := ParsePrivateKey(pemBytes, []byte("wrong")); !errors.Is(err, ErrKeyPassword) {
			t.Errorf("%s: wrong password: got %v, want ErrKeyPassword", alg, err)
		}
		back, err := ParsePrivateKey(pemBytes, []byte("s3cret"))
		if err != nil {
			t.Fatal(err)
		}
		pubPEM, err := MarshalPublicKey(priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		pub, err := ParsePublicKey(pubPEM)
		if err != nil {
			t.Fatal(err)
		}
		ring, err := NewKeyring(TrustedKey{Name: "k", Key: pub})
		if err != nil {
			t.Fatal(err)
		}
		env := signWith(t, back, testRecord())
		if _, err := Verify(env.Bytes(), &VerifyOptions{Keyring: ring, Commit: commitID}); err != nil {
			t.Errorf("%s: key read back from PEM does not verify: %v", alg, err)
		}
	}
	if _, err := GenerateKey("dsa"); !errors.Is(err, ErrKeyFormat) {
		t.Errorf("unknown algorithm: %v", err)
	}
	if _, err := ParsePublicKey([]byte("garbage")); !errors.Is(err, ErrKeyFormat) {
		t.Errorf("garbage public key: %v", err)
	}
}

func TestKMSSigner(t *testing.T) {
	// sigstore's in-process fake provider stands in for a cloud KMS, which
	// cannot be reached here; it goes through the same kms.Get dispatch.
	sv, err := LoadKMSSigner(context.Background(), fake.ReferenceScheme+"test")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := sv.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	env, err := Sign(testRecord(), commitObject, sv)
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := NewKeyring(TrustedKey{Name: "kms", Key: pub})
	if _, err := Verify(env.Bytes(), &VerifyOptions{Keyring: ring, Commit: commitID}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKMSSigner(context.Background(), "nosuchkms://key"); !errors.Is(err, ErrKeyFormat) {
		t.Errorf("unknown provider: %v", err)
	}
}

func FuzzParseAttestation(f *testing.F) {
	priv, ring := newKey(f, ECDSAP256)
	env := signWith(f, priv, testRecord())
	b, _ := NewBundle(env, priv.Public())
	f.Add(env.Bytes())
	f.Add(b.Bytes())
	f.Add([]byte(`{"mediaType":"x"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		res, err := Verify(in, &VerifyOptions{Keyring: ring, Commit: commitID})
		if err == nil && res.Record.Commit != commitID {
			t.Fatalf("verified a record for %s", res.Record.Commit)
		}
	})
}
