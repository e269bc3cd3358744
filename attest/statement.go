package attest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/hallmark-dev/hallmark/provenance"
)

// The type URIs of what we sign.
const (
	// PredicateType names the hallmark record format, version 1.
	PredicateType = "https://hallmark.dev/attribution/v1"
	// StatementType is in-toto's Statement v1.
	StatementType = "https://in-toto.io/Statement/v1"
	// StatementTypeV01 is what `cosign attest-blob` (v2) writes; it is read,
	// never written.
	StatementTypeV01 = "https://in-toto.io/Statement/v0.1"
	// PayloadType is the DSSE payload type of in-toto statements.
	PayloadType = "application/vnd.in-toto+json"
)

// Subject is an in-toto resource descriptor: here, always the commit.
type Subject struct {
	Name   string `json:"name"`
	Digest Digest `json:"digest"`
}

// Digest holds the two digests of the commit. Field order is fixed, so the
// statement encodes deterministically.
type Digest struct {
	GitCommit string `json:"gitCommit,omitempty"`
	SHA256    string `json:"sha256,omitempty"`
}

// Statement is an in-toto Statement v1 whose predicate is a record.
type Statement struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

// NewStatement builds the statement for rec. commitObject is the raw commit
// object; when nil, only the gitCommit digest is given.
func NewStatement(rec *provenance.Record, commitObject []byte) (*Statement, error) {
	pred, err := rec.Encode()
	if err != nil {
		return nil, fmt.Errorf("attest: %w", err)
	}
	d := Digest{GitCommit: rec.Commit}
	if commitObject != nil {
		d.SHA256 = sha256Hex(commitObject)
	}
	return &Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: "git+commit:" + rec.Commit, Digest: d}},
		PredicateType: PredicateType,
		Predicate:     pred,
	}, nil
}

// Encode returns the statement's compact JSON.
func (s *Statement) Encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("attest: encode statement: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
