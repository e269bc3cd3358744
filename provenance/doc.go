// Package provenance is the pure data model of hallmark: who wrote which
// lines of a commit, and how to read the claims that coding agents already
// leave in commit messages.
//
// It does no I/O and knows nothing of git processes or signatures; callers
// hand it bytes and strings.
//
// # Records
//
// A [Record] describes one commit. It lists the [Author]s involved (people,
// models, tools) and, for every file the commit added or changed lines in, a
// [File] with the file's content digest and the [Span]s that cover those
// lines. Each added line is covered by exactly one span, so totals are exact.
// A span names its author by index into [Record.Authors] and carries a
// [Class]: [Human], [AI], [Mixed] (a model's line later edited by a person) or
// [Unknown].
//
//	rec := &provenance.Record{Commit: id, Authors: []provenance.Author{model}}
//	rec.Files = append(rec.Files, provenance.File{Path: "main.go", Digest: d, Lines: 40,
//		Spans: []provenance.Span{{Start: 1, End: 40, Author: 0, Class: provenance.AI}}})
//	b, err := rec.Encode() // canonical JSON, validated
//
// # Canonical encoding
//
// [Record.Encode] normalizes a record (authors, files and spans sorted) and
// produces compact JSON with a fixed field order, so that the same record
// always encodes to the same bytes; that is what gets signed. [Decode]
// rejects unknown fields, trailing data, invalid records and inputs larger
// than [MaxRecordSize].
//
// # File names
//
// A [File]'s Path is the file's name exactly as git stores it in the tree,
// relative to the repository root with '/' between elements: its bytes,
// never the quoted, escaped or TAB-padded form git's diff output shows.
// Git allows any byte but NUL in a name, so a name need not be UTF-8. In
// JSON, which holds only Unicode text:
//
//   - a UTF-8 name is the "path" string, escaped as JSON escapes any
//     string ("read me.md", "tab\there", "new\nline", "q\"uote\\b");
//   - a name that is not UTF-8 is "path_bytes", its exact bytes in standard
//     padded base64 (RFC 4648 section 4), with "path" beside it showing the
//     name with each stray byte as U+FFFD ([DisplayPath]): for the latin-1
//     name "caf\xe9", {"path":"caf\ufffd","path_bytes":"Y2Fm6Q==",...}.
//
// A reader identifies a file by path_bytes when it is present, and shows
// path. [Decode] refuses path_bytes for a UTF-8 name, a path that does not
// show its path_bytes, and base64 that is not canonical, so that each name
// has one encoding and a signed record one set of bytes. Files are sorted
// by the bytes of their names.
//
// # Trailers
//
// [ParseTrailers] finds and parses a commit message's trailer block exactly
// as `git interpret-trailers --parse` does, and [AddTrailer] appends a
// trailer the way `git interpret-trailers --trailer` does with git's default
// settings. Both are tested against the real git on a corpus of messages.
//
// # Conventions
//
// [Detect] recognizes the marks that coding agents and projects already put
// on commits (Claude Code, Codex, Cursor, aider, Amp, Copilot, Jules, Devin,
// the Linux kernel's and Fedora's Assisted-by, Apache's Generated-by) and
// returns the model and tool when the text names them.
//
// # Agent Trace
//
// [ImportAgentTrace] and [ExportAgentTrace] convert between records and the
// Agent Trace v0.1 JSON format.
package provenance
