package attest

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"fmt"
	"strconv"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Sign builds the statement of rec over the raw commit object and signs it
// into a DSSE envelope. commitObject may be nil when the object is not at
// hand; the subject then carries only the commit id.
func Sign(rec *provenance.Record, commitObject []byte, signer signature.Signer) (*Envelope, error) {
	st, err := NewStatement(rec, commitObject)
	if err != nil {
		return nil, err
	}
	return SignStatement(st, signer)
}

// SignStatement signs an already built statement.
func SignStatement(st *Statement, signer signature.Signer) (*Envelope, error) {
	payload, err := st.Encode()
	if err != nil {
		return nil, err
	}
	return signPayload(payload, signer)
}

// signPayload signs DSSE's pre-authentication encoding of the payload with
// the sigstore signer and builds the envelope directly; the keyid stays
// empty. (sigstore's dsse.WrapSigner does the same, then marshals JSON that
// we would only parse again; the tests check the two agree.)
func signPayload(payload []byte, signer signature.Signer) (*Envelope, error) {
	sig, err := signer.SignMessage(bytes.NewReader(pae(PayloadType, payload)))
	if err != nil {
		return nil, fmt.Errorf("attest: sign: %w", err)
	}
	return &Envelope{
		PayloadType: PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(payload),
		Signatures:  []Signature{{Sig: base64.StdEncoding.EncodeToString(sig)}},
	}, nil
}

// NewBundle wraps a signed envelope in a Sigstore bundle v0.3 whose
// verification material names pub by its [KeyID].
func NewBundle(env *Envelope, pub crypto.PublicKey) (*Bundle, error) {
	id, err := KeyID(pub)
	if err != nil {
		return nil, err
	}
	return &Bundle{
		MediaType:            BundleMediaType,
		VerificationMaterial: VerificationMaterial{PublicKey: PublicKeyHint{Hint: id}},
		DSSEEnvelope:         *env,
	}, nil
}

// pae is DSSE's pre-authentication encoding of the envelope's payload:
// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in decimal.
// It is written here rather than imported because the reference
// implementation's package links an SSH library into every binary; the
// tests hold it to that implementation.
func pae(payloadType string, payload []byte) []byte {
	b := make([]byte, 0, len(payloadType)+len(payload)+32)
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	return append(b, payload...)
}

// Unsigned wraps the statement of rec in a DSSE envelope with no
// signature: a record kept without a key. Verification reports it as
// [ErrNoSignature], never as verified.
func Unsigned(rec *provenance.Record, commitObject []byte) (*Envelope, error) {
	st, err := NewStatement(rec, commitObject)
	if err != nil {
		return nil, err
	}
	payload, err := st.Encode()
	if err != nil {
		return nil, err
	}
	return &Envelope{PayloadType: PayloadType, Payload: base64.StdEncoding.EncodeToString(payload), Signatures: []Signature{}}, nil
}

// ReadUnverified returns the record inside an envelope or bundle without
// checking any signature: for showing what an unsigned or untrusted
// attestation claims. Never use its result as verified.
func ReadUnverified(attestation []byte) (*provenance.Record, error) {
	env, _, err := parseAttestation(attestation)
	if err != nil {
		return nil, err
	}
	if env.PayloadType != PayloadType {
		return nil, fmt.Errorf("%w: %q", ErrPayloadType, env.PayloadType)
	}
	payload, err := decodeB64(env.Payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	_, rec, err := decodeStatement(payload)
	return rec, err
}

// PredicateTypeOf returns the predicate type an attestation claims,
// without verifying it: to route a note's lines to the right verifier.
func PredicateTypeOf(attestation []byte) (string, error) {
	env, _, err := parseAttestation(attestation)
	if err != nil {
		return "", err
	}
	payload, err := decodeB64(env.Payload)
	if err != nil {
		return "", fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	st, err := readStatement(payload)
	if err != nil {
		return "", fmt.Errorf("%w: payload: %v", ErrStatement, err)
	}
	return st.PredicateType, nil
}

// SignToBundle signs a statement and wraps it in a Sigstore bundle naming
// the signer's public key: what hallmark stores in notes and modules.
func SignToBundle(st *Statement, signer signature.Signer) (*Bundle, error) {
	env, err := SignStatement(st, signer)
	if err != nil {
		return nil, err
	}
	pub, err := signer.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("attest: signer's public key: %w", err)
	}
	return NewBundle(env, pub)
}
