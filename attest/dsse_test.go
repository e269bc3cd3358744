package attest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	ssldsse "github.com/secure-systems-lab/go-securesystemslib/dsse"
	sigdsse "github.com/sigstore/sigstore/pkg/signature/dsse"
)

// TestSigstoreDSSEAgrees checks our envelopes against sigstore's own dsse
// package in both directions.
func TestSigstoreDSSEAgrees(t *testing.T) {
	for _, alg := range Algorithms {
		priv, ring := newKey(t, alg)
		s, err := NewSigner(priv)
		if err != nil {
			t.Fatal(err)
		}
		env, err := Sign(testRecord(), commitObject, s)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := NewVerifier(priv.Public())
		var decoded []byte
		wv := sigdsse.WrapVerifier(v, sigdsse.WithExpectedPayloadType(PayloadType), sigdsse.WithDecodedPayload(&decoded))
		if err := wv.VerifySignature(bytes.NewReader(env.Bytes()), nil); err != nil {
			t.Errorf("%s: sigstore's dsse rejects our envelope: %v", alg, err)
		}
		st, _ := NewStatement(testRecord(), commitObject)
		want, _ := st.Encode()
		if !bytes.Equal(decoded, want) {
			t.Errorf("%s: sigstore decoded another payload", alg)
		}
		theirs, err := sigdsse.WrapSigner(s, PayloadType).SignMessage(bytes.NewReader(want))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(theirs, &VerifyOptions{Keyring: ring, Commit: commitID, CommitObject: commitObject}); err != nil {
			t.Errorf("%s: we reject sigstore's dsse envelope: %v", alg, err)
		}
	}
}

// TestJSONMatchesEncodingJSON holds the hand-written writers to
// encoding/json's output.
func TestJSONMatchesEncodingJSON(t *testing.T) {
	priv, _ := newKey(t, ECDSAP256)
	env := signWith(t, priv, testRecord())
	b, _ := NewBundle(env, priv.Public())
	st, _ := NewStatement(testRecord(), commitObject)
	stBytes, _ := st.Encode()
	for _, c := range []struct {
		name string
		got  []byte
		v    any
	}{
		{"envelope", env.Bytes(), env},
		{"bundle", b.Bytes(), b},
		{"statement", stBytes, st},
	} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c.v); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(bytes.TrimSpace(buf.Bytes())), string(c.got)); diff != "" {
			t.Errorf("%s differs from encoding/json:\n%s", c.name, diff)
		}
		round, _, err := ParseAttestation(env.Bytes())
		if err != nil || !cmp.Equal(round, env) {
			t.Errorf("%s: parse round trip: %v", c.name, err)
		}
	}
}

// TestPAEMatchesReference holds our pre-authentication encoding to the
// reference implementation's, byte for byte.
func TestPAEMatchesReference(t *testing.T) {
	for _, c := range []struct{ typ, body string }{
		{PayloadType, `{"_type":"https://in-toto.io/Statement/v1"}`},
		{"", ""},
		{"http://example.com/HelloWorld", "hello world"},
		{"t y p e", strings.Repeat("\x00\xff", 5000)},
	} {
		if got, want := pae(c.typ, []byte(c.body)), ssldsse.PAE(c.typ, []byte(c.body)); !bytes.Equal(got, want) {
			t.Errorf("pae(%q, %d bytes) = %q, reference %q", c.typ, len(c.body), got[:min(len(got), 80)], want[:min(len(want), 80)])
		}
	}
}
