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
// # Counting lines
//
// [Count] is the one type hallmark counts lines with, by class: a record's
// lines ([Record.Count]), a report's, a verification's, a package's. It
// adds ([Count.Add], [Count.Merge]) and gives the total and the AI share,
// (ai + mixed) / total. Its JSON form, wherever it appears (a field named
// "lines" in reports, "own" and "closure" for packages), is
//
//	{"total_lines":12,"ai_lines":7,"mixed_lines":0,"human_lines":5,"unknown_lines":0,"ai_share":0.5833333333333334}
//
// A [Breakdown] counts by key (a file, a model, a kind of evidence) and
// lists its [Row]s, {"key": KEY, "lines": COUNT}, most lines first.
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
// [ParseCommitTrailers] finds and parses a commit message's trailer block
// exactly as git's readers of commits do (`git log
// --format=%(trailers:only,unfold)`): a "---" line does not end the
// message. [ParseTrailers] reads a message being composed or a patch as
// `git interpret-trailers --parse` does, where it does, and [AddTrailer]
// appends a trailer the way `git interpret-trailers --trailer` does with
// git's default settings. All three are held to the real git on a corpus
// of messages.
//
// # Conventions
//
// [Detect] recognizes the marks that coding agents and projects already put
// on commits, reading trailers as git's log readers do
// ([ParseCommitTrailers]). Each mark gives the commit's lines a class
// ([Marker.Class]); model names are normalized to models.dev ids
// ([NormalizeModel]) and kept as written beside them ([Author.Model]):
//
//	mark                                                   class    source
//	🤖 Generated with [Claude Code](https://claude.com/...)  ai       Claude Code's commit attribution
//	Co-Authored-By: Claude [MODEL] <noreply@anthropic.com>  ai       Claude Code (a person who is only named Claude is not it)
//	Co-authored-by: Codex <noreply@openai.com>             ai       Codex
//	Co-authored-by: Cursor <cursoragent@cursor.com>,
//	  Made-with: Cursor                                    ai       Cursor
//	author NAME (aider), Co-authored-by: aider (MODEL)
//	  <aider@aider.chat>, subject "aider: "                ai       aider, aider/repo.py GitRepo.commit()
//	committer NAME (aider) alone                           human    the same: aider ran git commit, for the person's changes too
//	Co-authored-by: Amp <amp@ampcode.com>, Amp-Thread-ID   ai       Amp
//	author/co-author Copilot <198982749+Copilot@...>,
//	  Agent-Logs-Url:                                      ai       GitHub Copilot's cloud agent
//	google-labs-jules[bot]                                 ai       Jules
//	devin-ai-integration[bot], as author or
//	  Co-Authored-By: Devin <...devin-ai-integration[bot]@...> ai   Devin
//	Assisted-by: AGENT:MODEL [TOOL]...                     ai       Linux, Documentation/process/coding-assistants.rst
//	Assisted-by: AGENT:MODEL hallmark                      unknown  hallmark ([AssistedBy]): which lines is in the note
//	Assisted-By: TOOL [MODEL] (free form)                  mixed    OpenInfra AI policy (a person materially revised it), Fedora
//	Generated-By: TOOL [MODEL]                             ai       OpenInfra AI policy (mostly machine-written), Apache
//	Co-authored-by-AI: TOOL (MODEL)                        ai       Open Liberty, GENAI_GUIDELINES.md
//	Entire-Attribution: N% agent (A/B lines)               share    entireio/cli docs/architecture/attribution.md
//
// Entire's mark is a commit-level share ([Share]): the commit is the
// agent's when A equals B, the person's when A is 0, and otherwise its
// lines are unknown, the share kept for totals; it is never spread over the
// lines as ai. A mark in prose ("ask Claude later") is not a mark.
//
// # Agent Trace
//
// [ExportAgentTrace] writes a record as an Agent Trace v0.1 record
// (github.com/cursor/agent-trace) that validates against the spec's JSON
// schema: its id a UUID made from the record's digest, its timestamp given.
// [ParseAgentTraces] reads one record or JSONL, and [AgentTrace.Claims]
// says what a trace claims of which lines (a range's contributor over its
// conversation's, "unknown" where neither is given); [ImportAgentTrace]
// turns one trace into a record of method [MethodImported].
//
// # git-ai
//
// [ParseGitAINote] reads a git-ai authorship log (refs/notes/ai, "Git AI
// Standard v3.0.0", authorship/3.0.0, its legacy prompt keys too) as
// git-ai's own reader does, and [GitAINote.Claims] gives each session's and
// legacy prompt's lines to its model and tool, each known human's to that
// person. The repository layer covers a commit's remaining lines as unknown.
package provenance
