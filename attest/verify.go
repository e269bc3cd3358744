package attest

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature"
)

// TrustedKey is a public key trusted under a name ("alice", "ci").
type TrustedKey struct {
	Name string
	Key  crypto.PublicKey
}

// Keyring is a set of named, trusted public keys.
type Keyring struct {
	keys []keyEntry
}

type keyEntry struct {
	name     string
	id       string
	verifier signature.Verifier
}

// NewKeyring builds a keyring. Names must be unique and non-empty.
func NewKeyring(keys ...TrustedKey) (*Keyring, error) {
	r := &Keyring{}
	for _, k := range keys {
		if err := r.Add(k); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add trusts one more key.
func (r *Keyring) Add(k TrustedKey) error {
	if k.Name == "" {
		return fmt.Errorf("%w: trusted key has no name", ErrKeyFormat)
	}
	for _, e := range r.keys {
		if e.name == k.Name {
			return fmt.Errorf("%w: %q", ErrDuplicateKey, k.Name)
		}
	}
	v, err := NewVerifier(k.Key)
	if err != nil {
		return fmt.Errorf("trusted key %q: %w", k.Name, err)
	}
	id, err := KeyID(k.Key)
	if err != nil {
		return err
	}
	r.keys = append(r.keys, keyEntry{name: k.Name, id: id, verifier: v})
	return nil
}

// Merge adds all of other's keys.
func (r *Keyring) Merge(other *Keyring) error {
	for _, k := range other.keys {
		for _, e := range r.keys {
			if e.name == k.name {
				return fmt.Errorf("%w: %q", ErrDuplicateKey, k.name)
			}
		}
		r.keys = append(r.keys, k)
	}
	return nil
}

// Len returns the number of keys.
func (r *Keyring) Len() int {
	if r == nil {
		return 0
	}
	return len(r.keys)
}

// VerifyOptions says what an attestation must be bound to and who may sign.
// At least one of Commit and CommitObject must be set.
type VerifyOptions struct {
	Keyring *Keyring
	// Commit is the commit id the statement must be about.
	Commit string
	// CommitObject is the raw commit object; when set, its sha256 must match
	// the subject and its git object id must be the subject's commit.
	CommitObject []byte
	// Hint names the signing key; a bundle's hint is used when this is empty.
	Hint string
}

// Result is what a successful verification established.
type Result struct {
	Statement *Statement
	Record    *provenance.Record
	Signers   []string // names of the trusted keys whose signatures verified
}

// Verify checks a DSSE envelope or Sigstore bundle: shape, payload type,
// signature by a trusted key, statement and predicate types, subject,
// commit-object digest, and the record. Each failure wraps one of the
// package's sentinel errors.
func Verify(attestation []byte, opts *VerifyOptions) (*Result, error) {
	payload, signers, err := verifySignature(attestation, opts)
	if err != nil {
		return nil, err
	}
	st, rec, err := decodeStatement(payload)
	if err != nil {
		return nil, err
	}
	if err := checkSubject(st, rec.Commit, opts); err != nil {
		return nil, err
	}
	return &Result{Statement: st, Record: rec, Signers: signers}, nil
}

// verifySignature checks the options, the envelope's shape and payload
// type, and the signature; it returns the verified payload.
func verifySignature(attestation []byte, opts *VerifyOptions) ([]byte, []string, error) {
	if opts == nil || (opts.Commit == "" && opts.CommitObject == nil) {
		return nil, nil, errors.New("attest: VerifyOptions needs Commit or CommitObject: a signature alone proves nothing about a commit")
	}
	if opts.Keyring.Len() == 0 {
		return nil, nil, ErrNoKeys
	}
	env, hint, err := parseAttestation(attestation)
	if err != nil {
		return nil, nil, err
	}
	if opts.Hint != "" {
		hint = opts.Hint
	}
	if env.PayloadType != PayloadType {
		return nil, nil, fmt.Errorf("%w: %q, want %q", ErrPayloadType, env.PayloadType, PayloadType)
	}
	payload, sigs, err := env.check()
	if err != nil {
		return nil, nil, err
	}
	signers, err := opts.Keyring.verify(env, payload, sigs, hint)
	if err != nil {
		return nil, nil, err
	}
	return payload, signers, nil
}

func (r *Keyring) verify(env *Envelope, payload []byte, sigs [][]byte, hint string) ([]string, error) {
	candidates := r.keys
	if hint != "" {
		candidates = nil
		for _, k := range r.keys {
			if k.id == hint {
				candidates = append(candidates, k)
			}
		}
		if len(candidates) == 0 {
			return nil, fmt.Errorf("%w: the signing key %s is not in the keyring", ErrUnknownKey, hint)
		}
	}
	msg := pae(env.PayloadType, payload)
	var signers []string
	for _, sig := range sigs {
		for _, k := range candidates {
			if k.verifier.VerifySignature(bytes.NewReader(sig), bytes.NewReader(msg)) == nil {
				signers = append(signers, k.name)
			}
		}
	}
	if len(signers) == 0 {
		if hint != "" {
			return nil, fmt.Errorf("%w: does not verify with key %q", ErrBadSignature, candidates[0].name)
		}
		return nil, fmt.Errorf("%w: no signature verifies with any of the %d trusted keys (the envelope was altered, or signed by a key not in the keyring)", ErrBadSignature, len(candidates))
	}
	return signers, nil
}

func decodeStatement(payload []byte) (*Statement, *provenance.Record, error) {
	st, err := readStatementOf(payload, PredicateType)
	if err != nil {
		return nil, nil, err
	}
	rec, err := provenance.Decode(st.Predicate)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalidRecord, err)
	}
	return st, rec, nil
}

// readStatementOf parses a statement and checks its types and that it has
// exactly one subject.
func readStatementOf(payload []byte, predicateType string) (*Statement, error) {
	st, err := readStatement(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrStatement, err)
	}
	if st.Type != StatementType && st.Type != StatementTypeV01 {
		return nil, fmt.Errorf("%w: _type %q, want %q", ErrStatement, st.Type, StatementType)
	}
	if st.PredicateType != predicateType {
		return nil, fmt.Errorf("%w: predicateType %q, want %q", ErrStatement, st.PredicateType, predicateType)
	}
	if len(st.Subject) != 1 {
		return nil, fmt.Errorf("%w: %d subjects, want exactly one commit", ErrSubjectMismatch, len(st.Subject))
	}
	return st, nil
}

// checkSubject binds the statement to a commit: the predicate's commit
// (claimed) must match the subject and what the caller expects.
func checkSubject(st *Statement, claimed string, opts *VerifyOptions) error {
	sub := st.Subject[0]
	d := sub.Digest
	rec := struct{ Commit string }{claimed}
	if d.GitCommit == "" && d.SHA256 == "" {
		return fmt.Errorf("%w: subject has neither a gitCommit nor a sha256 digest", ErrSubjectMismatch)
	}
	if d.GitCommit != "" && rec.Commit != d.GitCommit {
		return fmt.Errorf("%w: predicate is about %s, subject is %s", ErrSubjectMismatch, rec.Commit, d.GitCommit)
	}
	if opts.Commit != "" && rec.Commit != opts.Commit {
		return fmt.Errorf("%w: attestation is for commit %s, not %s", ErrSubjectMismatch, rec.Commit, opts.Commit)
	}
	if opts.CommitObject == nil {
		if d.GitCommit == "" {
			// cosign attest-blob names the commit object by sha256 only:
			// without the object, nothing binds the statement to a commit.
			return fmt.Errorf("%w: the subject names the commit object by sha256 only; pass the commit object to bind it", ErrSubjectMismatch)
		}
		return nil
	}
	if d.SHA256 != "" {
		if got := sha256Hex(opts.CommitObject); got != d.SHA256 {
			return fmt.Errorf("%w: commit object sha256 %s, subject says %s", ErrDigestMismatch, got, d.SHA256)
		}
	}
	if id := GitObjectID(opts.CommitObject, len(rec.Commit)); id != rec.Commit {
		if d.SHA256 == "" {
			return fmt.Errorf("%w: the commit object is commit %s, the attestation is about %s", ErrDigestMismatch, id, rec.Commit)
		}
		return fmt.Errorf("%w: the commit object is commit %s, the record is about %s", ErrSubjectMismatch, id, rec.Commit)
	}
	return nil
}

// GitObjectID computes the id git gives a commit object: SHA-1 for 40-hex
// ids, SHA-256 for 64-hex ids, over "commit <size>\x00" and the body.
func GitObjectID(body []byte, hexLen int) string {
	header := []byte("commit " + strconv.Itoa(len(body)) + "\x00")
	if hexLen == 64 {
		h := sha256.New()
		h.Write(header)
		h.Write(body)
		return hex.EncodeToString(h.Sum(nil))
	}
	h := sha1.New()
	h.Write(header)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyStatementSignature checks an attestation's shape, payload type and
// signature against the keyring, and returns the signed statement without
// binding it to anything: the caller must check the subject itself. It is
// for attestations about something other than a commit (a module's files).
func VerifyStatementSignature(attestation []byte, ring *Keyring) (*Statement, []string, error) {
	if ring.Len() == 0 {
		return nil, nil, ErrNoKeys
	}
	env, hint, err := parseAttestation(attestation)
	if err != nil {
		return nil, nil, err
	}
	if env.PayloadType != PayloadType {
		return nil, nil, fmt.Errorf("%w: %q, want %q", ErrPayloadType, env.PayloadType, PayloadType)
	}
	payload, sigs, err := env.check()
	if err != nil {
		return nil, nil, err
	}
	signers, err := ring.verify(env, payload, sigs, hint)
	if err != nil {
		return nil, nil, err
	}
	st, err := readStatement(payload)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: payload: %v", ErrStatement, err)
	}
	if st.Type != StatementType && st.Type != StatementTypeV01 {
		return nil, nil, fmt.Errorf("%w: _type %q", ErrStatement, st.Type)
	}
	return st, signers, nil
}

// Subset returns a keyring of the named keys only (names it lacks are
// left out): the keys one rule of a policy trusts.
func (r *Keyring) Subset(names ...string) *Keyring {
	out := &Keyring{}
	if r == nil {
		return out
	}
	for _, k := range r.keys {
		for _, n := range names {
			if k.name == n {
				out.keys = append(out.keys, k)
				break
			}
		}
	}
	return out
}
