package git

import (
	"strings"
	"testing"
)

// TestParseLogLongLines holds ParseLog, which reads lines in place from a
// buffer of 64 KiB, to lines longer than that buffer, in a commit's
// message and in its diff (one larger than the buffer it keeps for the
// next diff), and to a stream that ends without a newline.
func TestParseLogLongLines(t *testing.T) {
	long := strings.Repeat("x", maxKeptDiff+100) // past the buffer, and past what ParseLog keeps
	header := func(id, msg string) string {
		return logStart + id + "\x00\x00A\x00a@x\x001700000000\x00C\x00c@x\x001700000001\x00" + msg + "\x00hallmark-end\n"
	}
	diff1 := "diff --git a/f b/f\n@@ -0,0 +1 @@\n+" + long + "\n"
	diff2 := "diff --git a/g b/g\n@@ -1 +1 @@\n-a\n+b"
	// The third header is one long line, its markers at both ends.
	stream := header("1111", "subject\n\n"+long+"\n") + diff1 + header("3333", long) + header("2222", "two") + diff2
	type got struct{ id, msg, diff string }
	want := []got{{"1111", "subject\n\n" + long + "\n", diff1}, {"3333", long, ""}, {"2222", "two", diff2}}
	for _, size := range []int{1, 7, 1 << 16, len(stream)} {
		var gots []got
		err := ParseLog(&chunked{strings.NewReader(stream), size}, func(c *Commit, diff []byte) error {
			gots = append(gots, got{c.ID, c.Message, string(diff)})
			return nil
		})
		if err != nil {
			t.Fatalf("reads of %d bytes: %v", size, err)
		}
		if len(gots) != len(want) {
			t.Fatalf("reads of %d bytes: %d commits, want %d", size, len(gots), len(want))
		}
		for i := range want {
			if gots[i] != want[i] {
				t.Errorf("reads of %d bytes: commit %d is %.40q..., want %.40q...", size, i, gots[i], want[i])
			}
		}
	}
}

// chunked reads at most n bytes at a time, as a pipe may.
type chunked struct {
	r *strings.Reader
	n int
}

func (c *chunked) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), c.n)])
}
