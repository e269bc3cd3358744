package policy

import "strings"

// ReviewCovers reports whether a review that names paths (attest.Review's
// Paths) covers a file, both slash-separated paths from the repository's
// root. A review covers:
//
//   - every file, when it names no paths (it is of the whole commit);
//   - a file it names exactly, byte for byte;
//   - every file below a directory it names, with or without a trailing
//     slash ("security" and "security/" cover "security/x.go", never
//     "securityx.go");
//   - every file a pattern it names matches by [Match], when the path
//     holds '*', '?' or '[' ("security/**", "*.sql").
//
// Nothing else: an empty path, "." or "/" covers nothing (only no paths at
// all means the whole commit), and a review of "docs/README.md" does not
// cover "security/x.go". A name holding '*', '?' or '[' is a pattern too;
// a reviewer who means that one file only escapes them with '\'.
func ReviewCovers(reviewPaths []string, file string) bool {
	if len(reviewPaths) == 0 {
		return true
	}
	for _, p := range reviewPaths {
		if p == file && p != "" {
			return true
		}
		if dir := strings.TrimSuffix(p, "/"); dir != "" && dir != "." && strings.HasPrefix(file, dir+"/") {
			return true
		}
		if strings.ContainsAny(p, "*?[") && Match(p, file) {
			return true
		}
	}
	return false
}

// SignedReview is a review whose signature verified under a trusted key
// the policy allows to sign reviews, as [Reviewed] weighs it.
type SignedReview struct {
	Signer   string   // the trusted key's name
	Approved bool     // the verdict: approved, or rejected
	Paths    []string // what it covers, as [ReviewCovers] reads them
}

// Reviewed reports whether a file has an approving review that stands:
// some signer approved a review covering the file, and the same signer
// (the same key, whatever the reviewer names itself) signed no rejection
// covering it. A rejection revokes that signer's approvals of the file
// wherever it stands in the note: notes are merged by union and carry no
// time a verifier can trust, so "later" cannot be told apart from
// "earlier", and a revocation must not depend on the order a sync left.
// Another signer's rejection does not revoke an approval.
func Reviewed(reviews []SignedReview, file string) bool {
	rejected := map[string]bool{}
	for _, r := range reviews {
		if !r.Approved && ReviewCovers(r.Paths, file) {
			rejected[r.Signer] = true
		}
	}
	for _, r := range reviews {
		if r.Approved && !rejected[r.Signer] && ReviewCovers(r.Paths, file) {
			return true
		}
	}
	return false
}
