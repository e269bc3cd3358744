// Package diff compares two versions of a file line by line (Myers'
// algorithm) and maps lines of the new version back to the old one. It is
// how hallmark follows attributed lines through edits, commits and
// rewrites without starting a process per file.
package diff

import (
	"bytes"
	"strings"
)

// Lines splits data into lines, each with its terminator, numbered as git
// numbers them: a last line without a newline is still a line.
func Lines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	n := bytes.Count(data, []byte("\n"))
	if data[len(data)-1] != '\n' {
		n++
	}
	out := make([]string, 0, n)
	s := string(data)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// Edit says that lines A[AStart:AEnd] became B[BStart:BEnd]. An insertion
// has AStart == AEnd, a deletion BStart == BEnd.
type Edit struct {
	AStart, AEnd int
	BStart, BEnd int
}

// MaxCost bounds the work of one comparison: past this many differing
// lines in the middle of the files, the rest is reported as one
// replacement rather than searched for the shortest script.
const MaxCost = 4000

// Diff returns the edits that turn a into b, in order. Unchanged lines are
// what is not covered by an edit.
func Diff(a, b []string) []Edit {
	// Common prefix and suffix first: most edits are local.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(am) == 0 && len(bm) == 0 {
		return nil
	}
	// Intern lines so that comparisons are integer compares.
	ids := make(map[string]int32, len(am)+len(bm))
	ai := make([]int32, len(am))
	bi := make([]int32, len(bm))
	for i, s := range am {
		id, ok := ids[s]
		if !ok {
			id = int32(len(ids))
			ids[s] = id
		}
		ai[i] = id
	}
	for i, s := range bm {
		id, ok := ids[s]
		if !ok {
			id = int32(len(ids))
			ids[s] = id
		}
		bi[i] = id
	}
	matches := myers(ai, bi)
	// Turn matched pairs into edits, offset by the prefix.
	var edits []Edit
	x, y := 0, 0
	for _, m := range append(matches, [2]int{len(ai), len(bi)}) {
		if m[0] > x || m[1] > y {
			edits = append(edits, Edit{AStart: pre + x, AEnd: pre + m[0], BStart: pre + y, BEnd: pre + m[1]})
		}
		x, y = m[0]+1, m[1]+1
	}
	return edits
}

// myers returns the matched (i, j) pairs of a shortest edit script, in
// order, or none past MaxCost.
func myers(a, b []int32) [][2]int {
	n, m := len(a), len(b)
	max := n + m
	if max == 0 {
		return nil
	}
	offset := max
	v := make([]int, 2*max+2)
	var trace [][]int
	found := -1
	for d := 0; d <= max && d <= MaxCost; d++ {
		snap := make([]int, 2*d+1)
		copy(snap, v[offset-d:offset+d+1])
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1]
			} else {
				x = v[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
		if found >= 0 {
			break
		}
	}
	if found < 0 {
		return nil // too costly: everything in the middle is one replacement
	}
	// Walk back through the trace. trace[d] holds V as it was before step d.
	var rev [][2]int
	x, y := n, m
	for d := found; d > 0; d-- {
		prev := trace[d] // V before step d, indices -(d)..d mapped from -(d-1)..(d-1)
		get := func(k int) int { return prev[k+d] }
		k := x - y
		var pk int
		if k == -d || (k != d && get(k-1) < get(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := get(pk)
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, [2]int{x, y})
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, [2]int{x, y})
	}
	out := make([][2]int, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}

// Map returns, for each line of b, the index of the line of a it is an
// unchanged copy of, or -1 for a line the edits added.
func Map(a, b []string) []int {
	out := make([]int, len(b))
	ia, ib := 0, 0
	for _, e := range Diff(a, b) {
		for ib < e.BStart {
			out[ib] = ia
			ia++
			ib++
		}
		for ib < e.BEnd {
			out[ib] = -1
			ib++
		}
		ia = e.AEnd
	}
	for ib < len(b) {
		out[ib] = ia
		ia++
		ib++
	}
	return out
}
