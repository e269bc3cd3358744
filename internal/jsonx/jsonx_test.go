package jsonx

import (
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"
)

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `"quote" \back`, "\b\f\n\r\t\x00\x1f", "<>&", "\u2028\u2029", "é😀", "bad\xffutf8", "\xed\xa0\x80"} {
		want, _ := json.Marshal(s)
		// encoding/json escapes <, >, & by default; we never do.
		if got := AppendString(nil, s); string(got) != htmlUnescape(string(want)) {
			t.Errorf("%q: got %s want %s", s, got, want)
		}
	}
}

func htmlUnescape(s string) string {
	r := []rune{}
	for i := 0; i < len(s); i++ {
		if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' && s[i+2:i+5] == "003" {
			switch s[i+5] {
			case 'c':
				r = append(r, '<')
				i += 5
				continue
			case 'e':
				r = append(r, '>')
				i += 5
				continue
			}
		}
		if i+6 <= len(s) && s[i:i+6] == `\u0026` {
			r = append(r, '&')
			i += 5
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		r = append(r, c)
		i += size - 1
	}
	return string(r)
}

func TestReader(t *testing.T) {
	tests := []struct {
		reason string
		in     string
		ok     bool
	}{
		{"an object", `{"a":"x","b":12,"c":[1,2,{"d":null}],"e":true}`, true},
		{"escapes and surrogates", `{"a":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}`, true},
		{"duplicate key", `{"a":"x","a":"y"}`, false},
		{"trailing comma", `{"a":"x",}`, false},
		{"trailing data", `{"a":"x"} {}`, false},
		{"unterminated", `{"a":"x`, false},
		{"raw control character", "{\"a\":\"x\ty\"}", false},
		{"invalid UTF-8", "{\"a\":\"\xff\"}", false},
		{"lone surrogate", `{"a":"\ud83d"}`, false},
		{"bad escape", `{"a":"\q"}`, false},
		{"leading zero", `{"n":01}`, false},
		{"fraction for an int", `{"n":1.5}`, false},
		{"huge int", `{"n":123456789012345678901234567890}`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		rd := NewReader([]byte(tt.in))
		err := rd.Object(func(key string) error {
			if key == "n" {
				_, err := rd.Int()
				return err
			}
			_, err := rd.Raw()
			if key == "a" {
				// Re-read strictly: Raw only delimits.
				sub := NewReader([]byte(`{"k":` + string(mustRaw(t, tt.in, key)) + `}`))
				return sub.Object(func(string) error { _, err := sub.String(); return err })
			}
			return err
		})
		if err == nil {
			err = rd.End()
		}
		if (err == nil) != tt.ok {
			t.Errorf("%s: %q: err = %v, want ok = %v", tt.reason, tt.in, err, tt.ok)
		}
	}
}

// mustRaw returns the raw bytes of key's value, or the input's tail on a
// malformed document (the strict re-read then fails as it should).
func mustRaw(t *testing.T, in, key string) []byte {
	rd := NewReader([]byte(in))
	var out []byte
	_ = rd.Object(func(k string) error {
		b, err := rd.Raw()
		if k == key {
			out = b
			return errors.New("found")
		}
		return err
	})
	if out == nil {
		return []byte(in)
	}
	return out
}

// FuzzString holds the reader to encoding/json: any string we read,
// encoding/json reads the same; anything we write, it reads back.
func FuzzString(f *testing.F) {
	f.Add(`"plain"`)
	f.Add(`"\u00e9\ud83d\ude00\n"`)
	f.Add(`"bad \x"`)
	f.Fuzz(func(t *testing.T, in string) {
		rd := NewReader([]byte(in))
		s, err := rd.String()
		if err == nil && rd.End() == nil {
			var want string
			if err := json.Unmarshal([]byte(in), &want); err != nil {
				t.Fatalf("we read %q, encoding/json refuses: %v", in, err)
			}
			if want != s {
				t.Fatalf("%q: we read %q, encoding/json %q", in, s, want)
			}
		}
		out := AppendString(nil, in)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("encoding/json cannot read what we wrote for %q: %s", in, out)
		}
		if utf8.ValidString(in) && back != in {
			t.Fatalf("round trip of %q gave %q", in, back)
		}
	})
}
