package provenance

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// Normalize puts the record in canonical order in place: authors sorted and
// deduplicated (span references renumbered), files sorted by path, spans by
// start line, parents kept in commit order, derivations sorted. Adjacent
// spans of the same author and class are merged.
func (r *Record) Normalize() {
	// Sort authors, remembering where each went.
	type ia struct {
		a   Author
		old int
	}
	list := make([]ia, len(r.Authors))
	for i, a := range r.Authors {
		list[i] = ia{a, i}
	}
	slices.SortStableFunc(list, func(x, y ia) int { return cmp.Compare(x.a.key(), y.a.key()) })
	remap := make([]int, len(r.Authors))
	authors := make([]Author, 0, len(list))
	for _, e := range list {
		if n := len(authors); n > 0 && authors[n-1] == e.a {
			remap[e.old] = n - 1
			continue
		}
		authors = append(authors, e.a)
		remap[e.old] = len(authors) - 1
	}
	r.Authors = authors
	for fi := range r.Files {
		f := &r.Files[fi]
		for si := range f.Spans {
			if a := f.Spans[si].Author; a >= 0 && a < len(remap) {
				f.Spans[si].Author = remap[a]
			}
		}
		slices.SortStableFunc(f.Spans, func(x, y Span) int { return cmp.Compare(x.Start, y.Start) })
		f.Spans = mergeSpans(f.Spans)
		if f.Spans == nil {
			f.Spans = []Span{}
		}
	}
	slices.SortStableFunc(r.Files, func(x, y File) int { return cmp.Compare(x.Path, y.Path) })
	slices.SortStableFunc(r.DerivedFrom, func(x, y Ref) int {
		return cmp.Or(cmp.Compare(x.Digest, y.Digest), cmp.Compare(x.Commit, y.Commit))
	})
	if r.Authors == nil {
		r.Authors = []Author{}
	}
	if r.Files == nil {
		r.Files = []File{}
	}
}

func mergeSpans(spans []Span) []Span {
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.End+1 == s.Start && last.Author == s.Author && last.Class == s.Class {
				last.End = s.End
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// Encode normalizes the record, validates it, and returns its canonical JSON:
// compact, fields in declaration order, no HTML escaping, no trailing newline.
// The same record always encodes to the same bytes.
func (r *Record) Encode() ([]byte, error) {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	b := appendRecord(make([]byte, 0, r.sizeHint()), r)
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(b), MaxRecordSize)
	}
	return b, nil
}

// sizeHint estimates the encoded size, to allocate once.
func (r *Record) sizeHint() int {
	n := 256 + 200*len(r.Authors)
	for _, f := range r.Files {
		n += 128 + len(f.Path) + 56*len(f.Spans)
	}
	return n
}

// Digest returns "sha256:<hex>" of the record's canonical encoding: the
// digest other records use to name it in [Record.DerivedFrom].
func (r *Record) Digest() (string, error) {
	b, err := r.Encode()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// Decode parses and validates a record. It rejects unknown or repeated
// fields, trailing data, invalid UTF-8, and inputs over [MaxRecordSize].
func Decode(b []byte) (*Record, error) {
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(b), MaxRecordSize)
	}
	r, err := readRecord(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}
