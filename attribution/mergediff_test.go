package attribution

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/repolink"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestParseRaw reads real `git diff-tree --stdin -r -z -M --raw --always`
// output, a rename and a name with a space and a tab included, and holds it
// to what git prints without -z for the same merge.
func TestParseRaw(t *testing.T) {
	g := gittest.New(t)
	g.Write("a b.txt", gittest.Lines("a", 10))
	g.Write("gone", "g\n")
	g.Commit("base", "")
	g.Git("mv", "a b.txt", "c\td.txt")
	g.Git("rm", "-q", "gone")
	g.Write("new", "n\n")
	g.Commit("rename", "")
	head := strings.TrimSpace(g.Git("rev-parse", "HEAD"))
	base := strings.TrimSpace(g.Git("rev-parse", "HEAD~1"))
	rp, err := repo.Open(context.Background(), g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	raw, err := repolink.Of(rp).Git().OutputStdin(context.Background(), []byte(head+" "+base+"\n"+head+" "+head+"\n"), "diff-tree", "--stdin", "-r", "-z", "-M", "--raw", "--always", "--no-abbrev")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	headers := 0
	if err := parseRaw(raw, func(c string, es []rawEntry) error {
		headers++
		if c != head {
			t.Errorf("header %s, want %s", c, head)
		}
		for _, e := range es {
			got = append(got, string(e.status)+" "+e.src+" -> "+e.dst)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"R a b.txt -> c\td.txt", "D gone -> gone", "A new -> new"}
	if strings.Join(got, "|") != strings.Join(want, "|") || headers != 2 {
		t.Errorf("got %q (%d headers), want %q (2)", got, headers, want)
	}
}

func FuzzParseRaw(f *testing.F) {
	id := strings.Repeat("a", 40)
	f.Add([]byte(id + "\x00:100644 100644 " + id + " " + id + " R090\x00x\x00y\x00:000000 100644 " + strings.Repeat("0", 40) + " " + id + " A\x00z\x00"))
	f.Add([]byte(id + "\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		err := parseRaw(data, func(c string, es []rawEntry) error {
			for _, e := range es {
				if e.src == "" || e.dst == "" {
					t.Errorf("an entry without a path from %q", data)
				}
			}
			n += len(es)
			return nil
		})
		if err == nil && n > bytes.Count(data, []byte{':'}) {
			t.Errorf("%d entries from %d colons", n, bytes.Count(data, []byte{':'}))
		}
	})
}
