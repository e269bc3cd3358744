package repo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/git"
)

// carryEvidence travels in a carried record's note, beside its envelope:
// what a verifier needs to check the carried record once the commits it
// came from are gone (a deleted branch, `git gc --prune=now`, a fresh
// clone of the target branch alone). It needs no signature of its own:
// each source envelope is signed, each commit object is named by its id,
// and each file's content by the digest a signed source record gives it.
// A verifier that finds anything here that does not match what it is
// named by ignores it, and then fails for want of evidence.
type carryEvidence struct {
	Version int               `json:"hallmark_evidence"`
	Commit  string            `json:"commit"`
	Sources []evidenceSource  `json:"sources"`
	Blobs   map[string][]byte `json:"blobs"` // "sha256:<hex>" of the content → content
}

// evidenceSource is one source commit: its commit object and the note
// line holding the record the carried record names.
type evidenceSource struct {
	Commit   string `json:"commit"`
	Object   []byte `json:"object"`
	Envelope []byte `json:"envelope"`
}

const evidencePrefix = `{"hallmark_evidence":`

// MaxEvidenceSize bounds one evidence line; a carry whose evidence would
// be larger stores none, and the carried record then verifies only where
// its sources are still present.
const MaxEvidenceSize = MaxEnvelopeSize

var errEvidence = errors.New("repo: malformed carry evidence")

func isEvidence(line []byte) bool { return bytes.HasPrefix(line, []byte(evidencePrefix)) }

func parseEvidence(line []byte) (*carryEvidence, error) {
	if len(line) > MaxEvidenceSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", errEvidence, len(line), MaxEvidenceSize)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var ev carryEvidence
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("%w: %v", errEvidence, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", errEvidence)
	}
	if ev.Version != 1 {
		return nil, fmt.Errorf("%w: version %d, want 1", errEvidence, ev.Version)
	}
	if !git.IsObjectID(ev.Commit) {
		return nil, fmt.Errorf("%w: commit %q", errEvidence, ev.Commit)
	}
	for _, s := range ev.Sources {
		if !git.IsObjectID(s.Commit) {
			return nil, fmt.Errorf("%w: source commit %q", errEvidence, s.Commit)
		}
	}
	return &ev, nil
}

func (ev *carryEvidence) encode() ([]byte, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxEvidenceSize {
		return nil, fmt.Errorf("repo: carry evidence of %d bytes is over the limit of %d", len(b), MaxEvidenceSize)
	}
	return b, nil
}

// addSource adds a source, once.
func (ev *carryEvidence) addSource(s evidenceSource) {
	for _, x := range ev.Sources {
		if x.Commit == s.Commit && bytes.Equal(x.Envelope, s.Envelope) {
			return
		}
	}
	ev.Sources = append(ev.Sources, s)
	slices.SortFunc(ev.Sources, func(a, b evidenceSource) int {
		if c := cmpString(a.Commit, b.Commit); c != 0 {
			return c
		}
		return bytes.Compare(a.Envelope, b.Envelope)
	})
}

func (ev *carryEvidence) addBlob(data []byte) {
	if ev.Blobs == nil {
		ev.Blobs = map[string][]byte{}
	}
	ev.Blobs[digestOf(data)] = data
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// evidencePool gathers the evidence of several notes, checking each piece
// against what names it before it is used.
type evidencePool struct {
	objects   map[string][]byte   // commit id → commit object (id checked)
	envelopes map[string][][]byte // commit id → note lines
	blobs     map[string][]byte   // digest → content (digest checked)
}

func newEvidencePool() *evidencePool {
	return &evidencePool{objects: map[string][]byte{}, envelopes: map[string][][]byte{}, blobs: map[string][]byte{}}
}

func (p *evidencePool) add(ev *carryEvidence) {
	for _, s := range ev.Sources {
		if attest.GitObjectID(s.Object, len(s.Commit)) == s.Commit {
			p.objects[s.Commit] = s.Object
		}
		if len(s.Envelope) > 0 && !slices.ContainsFunc(p.envelopes[s.Commit], func(l []byte) bool { return bytes.Equal(l, s.Envelope) }) {
			p.envelopes[s.Commit] = append(p.envelopes[s.Commit], s.Envelope)
		}
	}
	for d, data := range ev.Blobs {
		if digestOf(data) == d {
			p.blobs[d] = data
		}
	}
}
