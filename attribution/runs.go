package attribution

import "github.com/hallmark-dev/hallmark/internal/git"

// run is Len consecutive lines of one source: the first is line N of
// source S, the next line N+1, and so on. A file's origins are kept as
// runs: a commit's hunk is one run, and the lines between hunks are
// copied as the runs they already were, so a file of 1,000 lines written
// in 50 hunks is 50 runs (600 bytes) rather than 1,000 origins (8,000),
// and a replay costs per run and hunk, not per line. Boundary lines
// (S = boundary) are numbered as the lines of the boundary file, so a
// file outside the range is one run.
type run struct {
	S, N, Len int32
}

type fileState struct {
	Runs   []run
	Count  int // lines: the sum of the runs' lengths
	Binary bool
}

// each calls fn for every line's origin, in order.
func (f *fileState) each(fn func(o origin)) {
	for _, r := range f.Runs {
		for k := int32(0); k < r.Len; k++ {
			fn(origin{S: r.S, N: r.N + k})
		}
	}
}

// origins returns every line's origin.
func (f *fileState) origins() []origin {
	out := make([]origin, 0, f.Count)
	f.each(func(o origin) { out = append(out, o) })
	return out
}

// boundaryFile is a file of n lines from before the range.
func boundaryFile(n int) *fileState {
	fs := &fileState{Count: n}
	if n > 0 {
		fs.Runs = []run{{S: boundary, N: 1, Len: int32(n)}}
	}
	return fs
}

// appendRun appends r to runs, joining it to the last run when it
// continues that run.
func appendRun(runs []run, r run) []run {
	if r.Len <= 0 {
		return runs
	}
	if k := len(runs) - 1; k >= 0 && runs[k].S == r.S && runs[k].N+runs[k].Len == r.N {
		runs[k].Len += r.Len
		return runs
	}
	return append(runs, r)
}

// fromOrigins is the file state of these line origins.
func fromOrigins(lines []origin) *fileState {
	runs := 0
	for i, o := range lines {
		if i == 0 || o.S != lines[i-1].S || o.N != lines[i-1].N+1 {
			runs++
		}
	}
	fs := &fileState{Count: len(lines), Runs: make([]run, 0, runs)}
	for _, o := range lines {
		fs.Runs = appendRun(fs.Runs, run{S: o.S, N: o.N, Len: 1})
	}
	return fs
}

// runCursor copies lines of a run list in order: pos is the line (0-based)
// that the run at index i, offset off, holds.
type runCursor struct {
	runs []run
	i    int
	off  int32
	pos  int
}

// seek moves forward to line p (never back).
func (c *runCursor) seek(p int) {
	for c.pos < p && c.i < len(c.runs) {
		left := int(c.runs[c.i].Len - c.off)
		if step := p - c.pos; step < left {
			c.off += int32(step)
			c.pos = p
			return
		}
		c.pos += left
		c.i++
		c.off = 0
	}
	c.pos = max(c.pos, p)
}

// copyTo appends the lines from the cursor up to line p (exclusive) to
// out, and moves the cursor there.
func (c *runCursor) copyTo(p int, out []run) []run {
	for c.pos < p && c.i < len(c.runs) {
		r := c.runs[c.i]
		left := int(r.Len - c.off)
		n := min(left, p-c.pos)
		out = appendRun(out, run{S: r.S, N: r.N + c.off, Len: int32(n)})
		c.seek(c.pos + n)
	}
	return out
}

// spliced builds a file's new state from its old one and a -U0 diff:
// runs of unchanged lines are copied, added lines belong to commit source
// si; n is the new file's line count. The runs are built in *scratch and
// copied out at their exact length: the states of every live tree hold
// them, and on git.git the slack of grown slices was an eighth of the
// heap.
func spliced(old *fileState, f *git.FileDiff, n int, si int32, scratch *[]run) *fileState {
	var src []run
	oldN := 0
	if old != nil && !old.Binary {
		src, oldN = old.Runs, old.Count
	}
	out := (*scratch)[:0]
	defer func() { *scratch = out[:0] }()
	cur := runCursor{runs: src}
	oi, total := 0, 0 // next old line to copy, 0-based; lines written
	for _, h := range f.Hunks {
		// Old lines before the hunk are unchanged. With no old lines, the
		// hunk comes after old line OldStart.
		upto := h.OldStart - 1
		if h.OldLines == 0 {
			upto = h.OldStart
		}
		if upto > oi && upto <= oldN {
			cur.seek(oi)
			out = cur.copyTo(upto, out)
			total += upto - oi
			oi = upto
		}
		if h.NewLines > 0 {
			out = appendRun(out, run{S: si, N: int32(h.NewStart), Len: int32(h.NewLines)})
			total += h.NewLines
		}
		oi += h.OldLines
	}
	if oi < oldN {
		cur.seek(oi)
		out = cur.copyTo(oldN, out)
		total += oldN - oi
	}
	if total == n {
		return &fileState{Runs: append([]run(nil), out...), Count: n}
	}
	// The diff and the state disagree (a state read from a file git treats
	// differently): fall back to line-by-line mapping.
	var lines []origin
	if old != nil && !old.Binary {
		lines = old.origins()
	}
	res := make([]origin, 0, max(n, 0))
	for ln := 1; ln <= n; ln++ {
		if ol, ok := f.OldLine(ln); ok && ol >= 1 && ol <= len(lines) {
			res = append(res, lines[ol-1])
		} else {
			res = append(res, origin{S: si, N: int32(ln)})
		}
	}
	return fromOrigins(res)
}
