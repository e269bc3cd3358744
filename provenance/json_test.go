package provenance

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stdEncode is the reference: encoding/json with HTML escaping off.
func stdEncode(t testing.TB, r *Record) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// stdDecode is the reference reader: encoding/json, unknown fields refused.
func stdDecode(b []byte) (*Record, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Record
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	return &r, nil
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	weird := sampleRecord()
	weird.Authors[0].Name = "Zoë \"quoted\" <tag> & \\ \t\n\b\f\x01 \u2028\u2029 😀"
	weird.Files[0].Path = "dir/ünï cödé/\"q\".go"
	weird.DerivedFrom = []Ref{{Digest: digestA, Commit: commitA}}
	weird.Method = MethodCarried
	weird.Tree = commitA
	for _, r := range []*Record{sampleRecord(), weird, {Commit: commitA, Recorder: Recorder{Name: "x"}}} {
		got, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(stdEncode(t, r)), string(got)); diff != "" {
			t.Errorf("encoding differs from encoding/json (-std +ours):\n%s", diff)
		}
		back, err := Decode(got)
		if err != nil {
			t.Fatal(err)
		}
		want, err := stdDecode(got)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, back); diff != "" {
			t.Errorf("decoding differs from encoding/json:\n%s", diff)
		}
	}
}

func TestDecodeStricterThanEncodingJSON(t *testing.T) {
	good, _ := sampleRecord().Encode()
	for _, in := range []string{
		string(bytes.Replace(good, []byte(`"commit"`), []byte(`"Commit"`), 1)),             // case-folded key
		string(bytes.Replace(good, []byte(`{"commit"`), []byte(`{"tree":"","commit"`), 1)), // fine
		string(bytes.Replace(good, []byte(`"lines":10`), []byte(`"lines":10.0`), 1)),
		string(bytes.Replace(good, []byte(`"lines":10`), []byte(`"lines":1e1`), 1)),
		string(bytes.Replace(good, []byte(`"commit":`), []byte(`"commit":"x","commit":`), 1)),
		string(bytes.Replace(good, []byte(`"Ada"`), []byte("\"A\xffda\""), 1)),
	} {
		if _, err := readRecord([]byte(in)); err == nil && in != string(good) {
			if _, serr := stdDecode([]byte(in)); serr != nil {
				t.Errorf("we accept what encoding/json refuses: %s", in)
			}
		}
	}
	if _, err := readRecord(bytes.Replace(good, []byte(`"commit":`), []byte(`"commit":"x","commit":`), 1)); err == nil {
		t.Error("duplicate key accepted")
	}
	if _, err := readRecord(bytes.Replace(good, []byte(`"commit"`), []byte(`"Commit"`), 1)); err == nil {
		t.Error("case-folded key accepted")
	}
}

// FuzzDecodeDifferential holds our reader to encoding/json: whatever we
// accept, encoding/json accepts with the same result, and our encoder
// writes what encoding/json writes.
func FuzzDecodeDifferential(f *testing.F) {
	good, _ := sampleRecord().Encode()
	f.Add(good)
	f.Add([]byte(`{"commit":"` + commitA + `","authors":[],"files":[],"recorder":{"name":"\u0041\ud83d\ude00"}}`))
	odd := sampleRecord()
	odd.Files[1].Path = "caf\xe9 \"q\"\tx"
	oddEnc, _ := odd.Encode()
	f.Add(oddEnc)
	f.Fuzz(func(t *testing.T, b []byte) {
		ours, err := readRecord(b)
		if err != nil {
			return
		}
		std, err := stdDecode(b)
		if err != nil {
			t.Fatalf("we accept what encoding/json refuses (%v): %q", err, b)
		}
		if diff := cmp.Diff(std, ours); diff != "" {
			t.Fatalf("readers disagree on %q:\n%s", b, diff)
		}
		if ours.Validate() == nil {
			ours.Normalize()
			if got, want := appendRecord(nil, ours), stdEncode(t, ours); !bytes.Equal(got, want) {
				t.Fatalf("encoders disagree:\n%s\n%s", got, want)
			}
		}
	})
}
