package provenance

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCountJSON(t *testing.T) {
	var c Count
	c.Add(AI, 7)
	c.Add(Human, 5)
	c.Add(Class("bogus"), 1) // an unknown class counts as unknown
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"total_lines":13,"ai_lines":7,"mixed_lines":0,"human_lines":5,"unknown_lines":1,"ai_share":0.5384615384615384}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
	var back Count
	if err := json.Unmarshal(b, &back); err != nil || back != c {
		t.Errorf("round trip: %+v %v", back, err)
	}
	for _, tc := range []struct{ in, reason string }{
		{`{"total_lines":3,"ai_lines":1}`, "a total that is not the sum"},
		{`{"ai_lines":-1}`, "a negative count"},
		{`{"ai_lines":281474976710657}`, "a count past the bound, whose total could overflow"},
		{`{"ai_lines":"1"}`, "a string"},
		{`[]`, "not an object"},
	} {
		var c Count
		if err := json.Unmarshal([]byte(tc.in), &c); !errors.Is(err, ErrCount) {
			t.Errorf("%s: %s: got %v, want ErrCount", tc.reason, tc.in, err)
		}
	}
	// Without total_lines (written by hand, say), the classes are enough.
	if err := json.Unmarshal([]byte(`{"ai_lines":2,"human_lines":1}`), &back); err != nil || back != (Count{AI: 2, Human: 1}) {
		t.Errorf("no total: %+v %v", back, err)
	}
}

// TestCountInStructs holds the JSON form where counts sit in reports:
// a named field, never embedded (an embedded Count's MarshalJSON would
// stand for the whole report).
func TestCountInStructs(t *testing.T) {
	b := Breakdown{}
	b.Add("b.go", AI, 2)
	b.Add("a.go", Human, 2)
	b.Add("c.go", Mixed, 3)
	b.Merge("a.go", Count{Unknown: 1})
	got, err := json.Marshal(struct {
		Lines Count `json:"lines"`
		Rows  []Row `json:"rows"`
	}{b.Sum(), b.Rows()})
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Lines Count `json:"lines"`
		Rows  []Row `json:"rows"`
	}
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	want := []Row{{"a.go", Count{Human: 2, Unknown: 1}}, {"c.go", Count{Mixed: 3}}, {"b.go", Count{AI: 2}}}
	if diff := cmp.Diff(want, back.Rows); diff != "" {
		t.Errorf("rows: most lines first, then by key (-want +got)\n%s", diff)
	}
	if back.Lines != (Count{Human: 2, AI: 2, Mixed: 3, Unknown: 1}) || back.Lines.AIShare() != 5.0/8 {
		t.Errorf("sum: %+v", back.Lines)
	}
}

func FuzzCountJSON(f *testing.F) {
	f.Add([]byte(`{"total_lines":12,"ai_lines":7,"mixed_lines":0,"human_lines":5,"unknown_lines":0,"ai_share":0.5833333333333334}`))
	f.Add([]byte(`{"ai_lines":-1}`))
	f.Add([]byte(`{"total_lines":1e3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Count
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		if c.Total() < 0 || c.AIShare() < 0 || c.AIShare() > 1 {
			t.Fatalf("decoded %+v from %q", c, data)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Count
		if err := json.Unmarshal(b, &back); err != nil || back != c {
			t.Fatalf("round trip of %q: %+v %v", data, back, err)
		}
	})
}
