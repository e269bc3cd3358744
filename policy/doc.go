// Package policy reads a repository's trust policy (.hallmark/policy.yaml):
// which keys are trusted, what each may sign, and what a history must
// satisfy. Apart from [LoadFile], it does no I/O: the caller hands it bytes,
// a function that opens key files, and the facts to judge.
//
//	keys:
//	  - name: alice
//	    public_key: .hallmark/keys/alice.pub   # see "Key files"
//	    may: [record, review]
//	  - name: ci
//	    public_key: .hallmark/keys/ci.pub
//	    may: [carry]
//	require:
//	  signed: true                      # every commit has a verified record
//	  signed_since: 2c1e9a4f7d3b8e6a5c0f1d2e3b4a5968778695a4  # ... from here on
//	  max_ai_share: 0.8                 # (ai + mixed) / all lines added
//	  review:                           # AI lines here need a reviewer's attestation
//	    - paths: ["security/**", "*.sql"]
//	bundles:                            # who may sign dependencies' bundles
//	  - module: example.com/dep
//	    keys: [dep-release]
//
// Reading one and its keys:
//
//	pol, ring, err := policy.LoadFile("/etc/hallmark/policy.yaml")
//	pol, ring, err = r.PolicyAt(ctx, base)  // r a *repo.Repo: the policy of a commit
//
// # Claims
//
// "record" (a record made when the commit was: captured or from
// conventions), "carry" (a record carried through a rewrite) and "review"
// (a reviewer's attestation). A key with no "may" may sign all three.
//
// # Key files
//
// A key's public_key is either the PEM block itself or the name of a file
// that holds it. [Load] hands the name to the open function it is given,
// which decides what it is relative to; the rule is:
//
//   - A policy read from a revision (the default, [File] in the commit's
//     tree): the name is a path in that same commit's tree, relative to the
//     repository's root, as git's own paths in tracked files are
//     (.gitmodules). Nothing is read from the work tree, and a name that
//     leaves the tree ("/etc/k.pub", "../k.pub") is an error.
//   - A policy given as a file ([LoadFile], `verify --policy FILE`): the
//     name is relative to that file's directory; an absolute name is taken
//     as it is.
//
// So a policy committed at .hallmark/policy.yaml names its keys
// ".hallmark/keys/alice.pub", and a copy of it used with --policy names
// them relative to where the copy is.
//
// # Adopting on an existing history
//
// require.signed asks every commit for a record signed by a trusted key.
// A repository that adopts hallmark late names its adoption point in
// require.signed_since: the commits reachable from that commit's parents
// (`git rev-list ID^@`) are exempt from require.signed; the commit itself
// and every commit not reachable from its parents must be signed, so a
// branch forked before the adoption point and merged after it is not
// exempt. The exemption is only from require.signed: an exempt commit
// that carries a record is checked like any other.
//
// It must be a full commit id (40 or 64 hex digits), not a branch or tag
// name: a name is resolved in the repository being verified, where anyone
// who can push that ref could move it and exempt their own commits. It
// goes with signed: true; alone it is an error. A verifier that does not
// have the commit fails rather than guess.
//
// # Reviews
//
// require.review asks, for every commit with AI or mixed lines in a file a
// rule's patterns match ([Policy.NeedsReview]), for an approving review of
// that file by a key that may sign reviews. A review covers only the paths
// it names ([ReviewCovers]: files, directories, patterns; none named means
// the whole commit), so a review of docs/README.md does not satisfy a rule
// on security/**. A rejection revokes its signer's approvals of the files
// it covers, wherever it stands in the note ([Reviewed]).
//
// # Paths
//
// Review rules name files by patterns, matched by [Match]: path.Match for
// each slash-separated segment, "**" for any number of directories, and a
// pattern without a slash for the base name anywhere. Matching takes time
// linear in the product of the pattern's and the path's segments, and
// works on a name's bytes as git stores them, valid UTF-8 or not. A policy
// file itself must be UTF-8 (YAML's "\xff" is the character U+00FF, not
// the byte), so a rule reaches a name that is not UTF-8 through a
// directory or a wildcard: "*" and "?" take a stray byte as one character.
package policy
