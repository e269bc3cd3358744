package attest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Envelope is a DSSE envelope.
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     string      `json:"payload"` // standard base64
	Signatures  []Signature `json:"signatures"`
}

// Signature is one DSSE signature. KeyID is left empty when we sign.
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"` // standard base64
}

// Bytes returns the envelope's JSON.
func (e *Envelope) Bytes() []byte {
	b, err := json.Marshal(e)
	if err != nil {
		panic("attest: envelope cannot fail to marshal: " + err.Error())
	}
	return b
}

// BundleMediaType is the media type of a Sigstore bundle v0.3.
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// Bundle is a Sigstore bundle v0.3 holding a DSSE envelope and the hint of
// the public key that signed it. It has no transparency-log entries.
type Bundle struct {
	MediaType            string               `json:"mediaType"`
	VerificationMaterial VerificationMaterial `json:"verificationMaterial"`
	DSSEEnvelope         Envelope             `json:"dsseEnvelope"`
}

// VerificationMaterial is the part of a bundle that says how to verify it.
type VerificationMaterial struct {
	PublicKey PublicKeyHint `json:"publicKey"`
}

// PublicKeyHint names a public key by its [KeyID].
type PublicKeyHint struct {
	Hint string `json:"hint"`
}

// Bytes returns the bundle's JSON.
func (b *Bundle) Bytes() []byte {
	out, err := json.Marshal(b)
	if err != nil {
		panic("attest: bundle cannot fail to marshal: " + err.Error())
	}
	return out
}

// MaxEnvelopeSize bounds what [ParseAttestation] reads.
const MaxEnvelopeSize = 96 << 20

// ParseAttestation reads a raw DSSE envelope or a Sigstore bundle v0.3 and
// returns the envelope and, for a bundle, its key hint.
func ParseAttestation(b []byte) (env *Envelope, hint string, err error) {
	if len(b) > MaxEnvelopeSize {
		return nil, "", fmt.Errorf("%w: %d bytes, limit %d", ErrMalformed, len(b), MaxEnvelopeSize)
	}
	var probe struct {
		MediaType string `json:"mediaType"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, "", fmt.Errorf("%w: not JSON: %v", ErrMalformed, err)
	}
	if probe.MediaType != "" {
		var bundle Bundle
		if err := strictUnmarshal(b, &bundle); err != nil {
			return nil, "", fmt.Errorf("%w: bundle: %v", ErrMalformed, err)
		}
		if bundle.MediaType != BundleMediaType {
			return nil, "", fmt.Errorf("%w: bundle media type %q, want %q", ErrMalformed, bundle.MediaType, BundleMediaType)
		}
		if err := bundle.DSSEEnvelope.check(); err != nil {
			return nil, "", err
		}
		return &bundle.DSSEEnvelope, bundle.VerificationMaterial.PublicKey.Hint, nil
	}
	var e Envelope
	if err := strictUnmarshal(b, &e); err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := e.check(); err != nil {
		return nil, "", err
	}
	return &e, "", nil
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after JSON value")
	}
	return nil
}

// check validates the envelope's shape: fields present and base64 valid.
func (e *Envelope) check() error {
	if e.PayloadType == "" {
		return fmt.Errorf("%w: no payloadType", ErrMalformed)
	}
	if _, err := decodeB64(e.Payload); err != nil {
		return fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if len(e.Signatures) == 0 {
		return ErrNoSignature
	}
	for i, s := range e.Signatures {
		if b, err := decodeB64(s.Sig); err != nil || len(b) == 0 {
			return fmt.Errorf("%w: signature %d is not base64", ErrMalformed, i)
		}
	}
	return nil
}

// decodeB64 accepts standard base64, as DSSE requires, and rejects
// anything else rather than guessing.
func decodeB64(s string) ([]byte, error) {
	if strings.ContainsAny(s, " \n\r\t") {
		return nil, fmt.Errorf("whitespace in base64")
	}
	return base64.StdEncoding.Strict().DecodeString(s)
}
