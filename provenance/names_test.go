package provenance

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// oddNames are names git stores and shows quoted or padded in its diffs.
var oddNames = []string{
	"read me.md", "tab\there", "new\nline", `q"uote\b`, "-dash", "ünï cödé/ü.go",
	"bad\xffname", "latin1 caf\xe9.txt", "\xc3", "mixed \xe2\x82 é", `"quoted"`, "\ufffd.txt",
	"cr\rname", "del\x7f",
}

func TestPathsRoundTrip(t *testing.T) {
	for _, name := range oddNames {
		r := sampleRecord()
		r.Files[1].Path = name
		enc, err := r.Encode()
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		back, err := Decode(enc)
		if err != nil {
			t.Fatalf("%q: decode %s: %v", name, enc, err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Errorf("%q: round trip (-want +got)\n%s", name, diff)
		}
		// encoding/json reads and writes files the same way.
		var std Record
		if err := json.Unmarshal(enc, &std); err != nil {
			t.Fatalf("%q: encoding/json: %v", name, err)
		}
		if diff := cmp.Diff(r, &std); diff != "" {
			t.Errorf("%q: encoding/json read (-want +got)\n%s", name, diff)
		}
		if again := stdEncode(t, &std); !bytes.Equal(again, enc) {
			t.Errorf("%q: encoding/json wrote\n%s\nwant\n%s", name, again, enc)
		}
		hasBytes := bytes.Contains(enc, []byte(`"path_bytes"`))
		if invalid := !utf8.ValidString(name); invalid != hasBytes {
			t.Errorf("%q: path_bytes written %v, want %v: %s", name, hasBytes, invalid, enc)
		}
	}
}

func TestPathBytesStrict(t *testing.T) {
	r := sampleRecord()
	r.Files[1].Path = "caf\xe9"
	good, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(good, []byte(`"path":"caf\ufffd","path_bytes":"Y2Fm6Q=="`)) {
		t.Fatalf("unexpected encoding %s", good)
	}
	for _, tt := range []struct{ reason, from, to string }{
		{"path_bytes for a UTF-8 name", `"path":"caf\ufffd","path_bytes":"Y2Fm6Q=="`, `"path":"caf","path_bytes":"Y2Fm"`},
		{"path that does not show path_bytes", `"path":"caf\ufffd"`, `"path":"cafe"`},
		{"unpadded base64", `"Y2Fm6Q=="`, `"Y2Fm6Q"`},
		{"base64 with non-zero trailing bits", `"Y2Fm6Q=="`, `"Y2Fm6R=="`},
		{"url base64", `"Y2Fm6Q=="`, `"Y2Fm-Q=="`},
		{"path_bytes twice", `"path_bytes":"Y2Fm6Q=="`, `"path_bytes":"Y2Fm6Q==","path_bytes":"Y2Fm6Q=="`},
	} {
		bad := bytes.Replace(good, []byte(tt.from), []byte(tt.to), 1)
		if bytes.Equal(bad, good) {
			t.Fatalf("%s: replacement did nothing", tt.reason)
		}
		if _, err := Decode(bad); err == nil {
			t.Errorf("%s: accepted %s", tt.reason, bad)
		}
	}
}

func TestDisplayPath(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          "plain",
		"caf\xe9":        "caf\ufffd",
		"\xe2\x82 x":     "\ufffd\ufffd x", // a byte each, as encoding/json replaces them
		"é\xff\xfeé":     "é\ufffd\ufffdé",
		"\ufffd literal": "\ufffd literal",
	} {
		if got := DisplayPath(in); got != want {
			t.Errorf("DisplayPath(%q) = %q, want %q", in, got, want)
		}
		b, _ := json.Marshal(in)
		var std string
		_ = json.Unmarshal(b, &std)
		if std != want {
			t.Errorf("encoding/json shows %q as %q, DisplayPath %q", in, std, want)
		}
	}
}
