package repo

import (
	"bytes"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
)

// FuzzScanNote feeds arbitrary note lines to the reader every trust
// decision goes through: it must never panic, and whatever it accepts as
// a signed record must be about the commit and signed by the trusted key.
func FuzzScanNote(f *testing.F) {
	k := newTestKey(f, "k")
	ring := ringOf(f, k)
	commit := "0123456789abcdef0123456789abcdef01234567"
	rec := &provenance.Record{Commit: commit, Authors: []provenance.Author{{Kind: provenance.Person, Name: "A"}},
		Files:    []provenance.File{{Path: "a", Digest: "sha256:" + string(bytes.Repeat([]byte("0"), 64)), Lines: 1, Spans: []provenance.Span{{Start: 1, End: 1, Class: provenance.Human}}}},
		Recorder: provenance.Recorder{Name: "t"}}
	env, err := attest.Sign(rec, nil, k.signer)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(env.Bytes())
	unsigned, _ := attest.Unsigned(rec, nil)
	f.Add(unsigned.Bytes())
	f.Add([]byte(`{"hallmark_evidence":1,"commit":"` + commit + `","sources":[],"blobs":{}}`))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, line []byte) {
		s := scanNote([][]byte{line}, commit, nil, &Trust{Keyring: ring})
		for _, sr := range s.records {
			if sr.rec.Commit != commit || len(sr.signers) == 0 {
				t.Fatalf("accepted %+v", sr)
			}
		}
	})
}

// FuzzParseEvidence: the evidence reader rejects or accepts, never panics,
// and what it accepts encodes again.
func FuzzParseEvidence(f *testing.F) {
	f.Add([]byte(`{"hallmark_evidence":1,"commit":"0123456789abcdef0123456789abcdef01234567","sources":[{"commit":"0123456789abcdef0123456789abcdef01234567","object":"dHJlZQ==","envelope":"e30="}],"blobs":{"sha256:00":"eA=="}}`))
	f.Add([]byte(`{"hallmark_evidence":2}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, err := parseEvidence(line)
		if err != nil {
			return
		}
		if _, err := ev.encode(); err != nil {
			t.Fatalf("accepted evidence does not encode: %v", err)
		}
		newEvidencePool().add(ev)
	})
}
