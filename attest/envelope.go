package attest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/jsonx"
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

// Bytes returns the envelope's JSON (the bytes encoding/json writes).
func (e *Envelope) Bytes() []byte { return e.appendJSON(make([]byte, 0, len(e.Payload)+256)) }

func (e *Envelope) appendJSON(b []byte) []byte {
	b = append(b, '{')
	b = jsonx.AppendKey(b, "payloadType")
	b = jsonx.AppendString(b, e.PayloadType)
	b = append(b, ',')
	b = jsonx.AppendKey(b, "payload")
	b = jsonx.AppendString(b, e.Payload)
	b = append(b, ',')
	b = jsonx.AppendKey(b, "signatures")
	if e.Signatures == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range e.Signatures {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			b = jsonx.AppendKey(b, "keyid")
			b = jsonx.AppendString(b, s.KeyID)
			b = append(b, ',')
			b = jsonx.AppendKey(b, "sig")
			b = jsonx.AppendString(b, s.Sig)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// readEnvelope parses a DSSE envelope strictly.
func readEnvelope(rd *jsonx.Reader) (*Envelope, error) {
	var e Envelope
	err := rd.Object(func(key string) error {
		var err error
		switch key {
		case "payloadType":
			e.PayloadType, err = rd.String()
		case "payload":
			e.Payload, err = rd.String()
		case "signatures":
			if rd.IsNull() {
				return nil
			}
			err = rd.Array(func() error {
				var s Signature
				err := rd.Object(func(k string) error {
					var err error
					switch k {
					case "keyid":
						s.KeyID, err = rd.String()
					case "sig":
						s.Sig, err = rd.String()
					default:
						return fmt.Errorf("unknown field %q in signature", k)
					}
					return err
				})
				e.Signatures = append(e.Signatures, s)
				return err
			})
		default:
			return fmt.Errorf("unknown field %q in envelope", key)
		}
		return err
	})
	return &e, err
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
	out := make([]byte, 0, len(b.DSSEEnvelope.Payload)+512)
	out = append(out, '{')
	out = jsonx.AppendKey(out, "mediaType")
	out = jsonx.AppendString(out, b.MediaType)
	out = append(out, ',')
	out = jsonx.AppendKey(out, "verificationMaterial")
	out = append(out, '{')
	out = jsonx.AppendKey(out, "publicKey")
	out = append(out, '{')
	out = jsonx.AppendKey(out, "hint")
	out = jsonx.AppendString(out, b.VerificationMaterial.PublicKey.Hint)
	out = append(out, "}},"...)
	out = jsonx.AppendKey(out, "dsseEnvelope")
	out = b.DSSEEnvelope.appendJSON(out)
	return append(out, '}')
}

// MaxEnvelopeSize bounds what [ParseAttestation] reads.
const MaxEnvelopeSize = 96 << 20

// ParseAttestation reads a raw DSSE envelope or a Sigstore bundle v0.3 and
// returns the envelope and, for a bundle, its key hint. Both are read
// strictly: unknown or repeated fields are [ErrMalformed].
func ParseAttestation(b []byte) (env *Envelope, hint string, err error) {
	env, hint, err = parseAttestation(b)
	if err != nil {
		return nil, "", err
	}
	if _, _, err := env.check(); err != nil {
		return nil, "", err
	}
	return env, hint, nil
}

// parseAttestation reads the JSON only; check decodes the base64.
func parseAttestation(b []byte) (env *Envelope, hint string, err error) {
	if len(b) > MaxEnvelopeSize {
		return nil, "", fmt.Errorf("%w: %d bytes, limit %d", ErrMalformed, len(b), MaxEnvelopeSize)
	}
	rd := jsonx.NewReader(b)
	var bundle Bundle
	isBundle := false
	err = rd.Object(func(key string) error {
		var err error
		switch key {
		case "mediaType":
			isBundle = true
			bundle.MediaType, err = rd.String()
		case "verificationMaterial":
			isBundle = true
			err = rd.Object(func(k string) error {
				if k != "publicKey" {
					return fmt.Errorf("verification material %q is not supported (only publicKey)", k)
				}
				return rd.Object(func(k string) error {
					if k != "hint" {
						return fmt.Errorf("unknown field %q in publicKey", k)
					}
					var err error
					bundle.VerificationMaterial.PublicKey.Hint, err = rd.String()
					return err
				})
			})
		case "dsseEnvelope":
			isBundle = true
			var e *Envelope
			e, err = readEnvelope(rd)
			if e != nil {
				bundle.DSSEEnvelope = *e
			}
		case "payloadType", "payload", "signatures":
			if isBundle {
				return fmt.Errorf("envelope field %q at the top of a bundle", key)
			}
			return errBareEnvelope // read it again as an envelope
		default:
			return fmt.Errorf("unknown field %q", key)
		}
		return err
	})
	if err == errBareEnvelope {
		rd = jsonx.NewReader(b)
		env, err = readEnvelope(rd)
		if err == nil {
			err = rd.End()
		}
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		return env, "", nil
	}
	if err == nil {
		err = rd.End()
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if bundle.MediaType != BundleMediaType {
		return nil, "", fmt.Errorf("%w: bundle media type %q, want %q", ErrMalformed, bundle.MediaType, BundleMediaType)
	}
	return &bundle.DSSEEnvelope, bundle.VerificationMaterial.PublicKey.Hint, nil
}

var errBareEnvelope = errors.New("bare envelope")

// check validates the envelope's shape (fields present, base64 valid) and
// returns the decoded payload and signatures.
func (e *Envelope) check() (payload []byte, sigs [][]byte, err error) {
	if e.PayloadType == "" {
		return nil, nil, fmt.Errorf("%w: no payloadType", ErrMalformed)
	}
	if payload, err = decodeB64(e.Payload); err != nil {
		return nil, nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if len(e.Signatures) == 0 {
		return nil, nil, ErrNoSignature
	}
	for i, s := range e.Signatures {
		b, err := decodeB64(s.Sig)
		if err != nil || len(b) == 0 {
			return nil, nil, fmt.Errorf("%w: signature %d is not base64", ErrMalformed, i)
		}
		sigs = append(sigs, b)
	}
	return payload, sigs, nil
}

// decodeB64 accepts standard base64, as DSSE requires, and rejects
// anything else rather than guessing (Go's decoder skips newlines even in
// strict mode, so they are refused here).
func decodeB64(s string) ([]byte, error) {
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0 {
		return nil, fmt.Errorf("newline in base64")
	}
	return base64.StdEncoding.Strict().DecodeString(s)
}
