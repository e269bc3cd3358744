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
//	pol, ring, err := r.PolicyAt(ctx, base) // r a *repo.Repo: the policy of a commit
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
// # Paths
//
// Review rules name files by patterns, matched by [Match]: path.Match for
// each slash-separated segment, "**" for any number of directories, and a
// pattern without a slash for the base name anywhere. Matching takes time
// linear in the product of the pattern's and the path's segments, and
// works on a name's bytes as git stores them, valid UTF-8 or not.
package policy
