package policy

import "testing"

func TestReviewCovers(t *testing.T) {
	tests := []struct {
		reason string
		paths  []string
		file   string
		want   bool
	}{
		{"no paths: the whole commit", nil, "security/x.go", true},
		{"no paths, an empty list too", []string{}, "a", true},
		{"the file itself", []string{"docs/README.md"}, "docs/README.md", true},
		{"another file is not covered", []string{"docs/README.md"}, "security/x.go", false},
		{"a directory with a slash", []string{"security/"}, "security/deep/x.go", true},
		{"a directory without one", []string{"security"}, "security/x.go", true},
		{"a directory is not a name prefix", []string{"security"}, "securityx.go", false},
		{"a directory is not a name prefix, with its slash", []string{"sec/"}, "security/x.go", false},
		{"a named path covers what lies below it, whatever the review thought it was", []string{"security/x.go"}, "security/x.go/y", true},
		{"a pattern with **", []string{"security/**"}, "security/a/b.go", true},
		{"a pattern without a slash takes base names", []string{"*.sql"}, "db/m.sql", true},
		{"a pattern that does not match", []string{"docs/*.md"}, "security/x.md", false},
		{"a literal name is not a base-name pattern", []string{"README.md"}, "docs/README.md", false},
		{"one of several paths", []string{"docs/", "security/x.go"}, "security/x.go", true},
		{"an empty path covers nothing", []string{""}, "a.go", false},
		{"an empty path does not cover the empty name", []string{""}, "", false},
		{"dot covers nothing", []string{"."}, "a.go", false},
		{"dot slash covers nothing", []string{"./"}, "a.go", false},
		{"slash covers nothing", []string{"/"}, "a.go", false},
		{"a ./ path is not a root path", []string{"./security"}, "security/x.go", false},
		{"a name with brackets, exactly", []string{"a[1].go"}, "a[1].go", true},
		{"a name with brackets is a pattern too", []string{"a[1].go"}, "a1.go", true},
		{"escaped, it is one file only", []string{`a\[1].go`}, "a1.go", false},
		{"escaped, it is still that file", []string{`a\[1].go`}, "a[1].go", true},
		{"non-UTF-8: below a named directory", []string{"sec/"}, "sec/\xff.go", true},
		{"non-UTF-8: by a pattern", []string{"sec/*.go"}, "sec/\xff\xfe.go", true},
		{"non-UTF-8: U+FFFD is not the byte it replaced", []string{"sec/\ufffd.go"}, "sec/\xff.go", false},
		{"a malformed pattern covers only its exact name", []string{"a["}, "a[", true},
	}
	for _, tt := range tests {
		if got := ReviewCovers(tt.paths, tt.file); got != tt.want {
			t.Errorf("%s: ReviewCovers(%q, %q) = %v, want %v", tt.reason, tt.paths, tt.file, got, tt.want)
		}
	}
}

func TestReviewed(t *testing.T) {
	grace := SignedReview{Signer: "grace", Approved: true}
	graceDocs := SignedReview{Signer: "grace", Approved: true, Paths: []string{"docs/README.md"}}
	graceRejects := SignedReview{Signer: "grace"}
	graceRejectsDocs := SignedReview{Signer: "grace", Paths: []string{"docs/"}}
	heidi := SignedReview{Signer: "heidi", Approved: true, Paths: []string{"security/"}}
	heidiRejects := SignedReview{Signer: "heidi"}
	tests := []struct {
		reason  string
		reviews []SignedReview
		file    string
		want    bool
	}{
		{"no reviews", nil, "security/x.go", false},
		{"an approval of the whole commit", []SignedReview{grace}, "security/x.go", true},
		{"an approval of other paths does not cover the file", []SignedReview{graceDocs}, "security/x.go", false},
		{"an approval of the file's directory", []SignedReview{graceDocs, heidi}, "security/x.go", true},
		{"a rejection after the approval revokes it", []SignedReview{grace, graceRejects}, "security/x.go", false},
		{"a rejection before it revokes it too: the note's order is not time", []SignedReview{graceRejects, grace}, "security/x.go", false},
		{"a rejection of other paths leaves the file approved", []SignedReview{grace, graceRejectsDocs}, "security/x.go", true},
		{"a rejection of the file's directory revokes it for that file", []SignedReview{grace, graceRejectsDocs}, "docs/a.md", false},
		{"another signer's rejection does not revoke", []SignedReview{grace, heidiRejects}, "security/x.go", true},
		{"one signer's approval stands beside another's revoked one", []SignedReview{grace, graceRejects, heidi}, "security/x.go", true},
		{"rejections alone approve nothing", []SignedReview{graceRejects, heidiRejects}, "a.go", false},
	}
	for _, tt := range tests {
		if got := Reviewed(tt.reviews, tt.file); got != tt.want {
			t.Errorf("%s: Reviewed(%s) = %v, want %v", tt.reason, tt.file, got, tt.want)
		}
	}
}
