package attest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/hallmark-dev/hallmark/internal/jsonx"
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

// Encode returns the statement's compact JSON, the bytes encoding/json
// would write, without reflection: the predicate is copied as it is.
func (s *Statement) Encode() ([]byte, error) {
	b := make([]byte, 0, len(s.Predicate)+512)
	b = append(b, '{')
	b = jsonx.AppendKey(b, "_type")
	b = jsonx.AppendString(b, s.Type)
	b = append(b, ',')
	b = jsonx.AppendKey(b, "subject")
	b = append(b, '[')
	for i, sub := range s.Subject {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = jsonx.AppendKey(b, "name")
		b = jsonx.AppendString(b, sub.Name)
		b = append(b, ',')
		b = jsonx.AppendKey(b, "digest")
		b = append(b, '{')
		sep := false
		if sub.Digest.GitCommit != "" {
			b = jsonx.AppendKey(b, "gitCommit")
			b = jsonx.AppendString(b, sub.Digest.GitCommit)
			sep = true
		}
		if sub.Digest.SHA256 != "" {
			if sep {
				b = append(b, ',')
			}
			b = jsonx.AppendKey(b, "sha256")
			b = jsonx.AppendString(b, sub.Digest.SHA256)
		}
		b = append(b, "}}"...)
	}
	b = append(b, "],"...)
	b = jsonx.AppendKey(b, "predicateType")
	b = jsonx.AppendString(b, s.PredicateType)
	b = append(b, ',')
	b = jsonx.AppendKey(b, "predicate")
	if len(s.Predicate) == 0 {
		return nil, fmt.Errorf("attest: statement has no predicate")
	}
	b = append(b, s.Predicate...)
	return append(b, '}'), nil
}

// readStatement parses a statement strictly, keeping the predicate's bytes.
func readStatement(data []byte) (*Statement, error) {
	rd := jsonx.NewReader(data)
	var st Statement
	err := rd.Object(func(key string) error {
		var err error
		switch key {
		case "_type":
			st.Type, err = rd.String()
		case "predicateType":
			st.PredicateType, err = rd.String()
		case "predicate":
			st.Predicate, err = rd.Raw()
		case "subject":
			err = rd.Array(func() error {
				var sub Subject
				err := rd.Object(func(k string) error {
					var err error
					switch k {
					case "name":
						sub.Name, err = rd.String()
					case "digest":
						err = rd.Object(func(alg string) error {
							v, err := rd.String()
							switch alg {
							case "gitCommit":
								sub.Digest.GitCommit = v
							case "sha256":
								sub.Digest.SHA256 = v
							}
							// Other algorithms are allowed and ignored: the
							// commit is bound by these two.
							return err
						})
					default:
						return fmt.Errorf("unknown field %q in subject", k)
					}
					return err
				})
				st.Subject = append(st.Subject, sub)
				return err
			})
		default:
			return fmt.Errorf("unknown field %q in statement", key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := rd.End(); err != nil {
		return nil, err
	}
	return &st, nil
}
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
