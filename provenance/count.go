package provenance

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Count is a number of lines by class: the one counting type of hallmark's
// records, reports, verification and analysis. The zero value is no lines.
//
// Its JSON form is one object, the four classes with their total and the
// AI share, (ai + mixed) / total, beside them:
//
//	{"total_lines":12,"ai_lines":7,"mixed_lines":0,"human_lines":5,"unknown_lines":0,"ai_share":0.5833333333333334}
//
// Decoding reads the four classes, and refuses negative numbers and a
// total_lines that is not their sum; ai_share is derived, and ignored.
type Count struct {
	Human   int
	AI      int
	Mixed   int
	Unknown int
}

// Add adds n lines of class c; a class it does not know counts as unknown.
func (c *Count) Add(class Class, n int) {
	switch class {
	case Human:
		c.Human += n
	case AI:
		c.AI += n
	case Mixed:
		c.Mixed += n
	default:
		c.Unknown += n
	}
}

// Merge adds o's lines to c's.
func (c *Count) Merge(o Count) {
	c.Human += o.Human
	c.AI += o.AI
	c.Mixed += o.Mixed
	c.Unknown += o.Unknown
}

// Total returns the number of lines counted.
func (c Count) Total() int { return c.Human + c.AI + c.Mixed + c.Unknown }

// AIShare returns (ai + mixed) / total, or 0 for no lines.
func (c Count) AIShare() float64 {
	if c.Total() == 0 {
		return 0
	}
	return float64(c.AI+c.Mixed) / float64(c.Total())
}

// countJSON is Count's JSON form, in its field order.
type countJSON struct {
	Total   int     `json:"total_lines"`
	AI      int     `json:"ai_lines"`
	Mixed   int     `json:"mixed_lines"`
	Human   int     `json:"human_lines"`
	Unknown int     `json:"unknown_lines"`
	Share   float64 `json:"ai_share"`
}

// maxLines bounds each class on decoding, so that a total cannot overflow.
const maxLines = 1 << 48

// ErrCount is wrapped by every failure to decode a [Count].
var ErrCount = errors.New("provenance: invalid line count")

// MarshalJSON writes the JSON form described at [Count].
func (c Count) MarshalJSON() ([]byte, error) {
	return json.Marshal(countJSON{Total: c.Total(), AI: c.AI, Mixed: c.Mixed, Human: c.Human, Unknown: c.Unknown, Share: c.AIShare()})
}

// UnmarshalJSON reads the JSON form described at [Count].
func (c *Count) UnmarshalJSON(data []byte) error {
	var j struct {
		Total   *int     `json:"total_lines"`
		AI      int      `json:"ai_lines"`
		Mixed   int      `json:"mixed_lines"`
		Human   int      `json:"human_lines"`
		Unknown int      `json:"unknown_lines"`
		Share   *float64 `json:"ai_share"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("%w: %w", ErrCount, err)
	}
	n := Count{Human: j.Human, AI: j.AI, Mixed: j.Mixed, Unknown: j.Unknown}
	for _, v := range []int{n.Human, n.AI, n.Mixed, n.Unknown} {
		if v < 0 || v > maxLines {
			return fmt.Errorf("%w: %d lines", ErrCount, v)
		}
	}
	if j.Total != nil && *j.Total != n.Total() {
		return fmt.Errorf("%w: total_lines %d is not the sum of the classes, %d", ErrCount, *j.Total, n.Total())
	}
	*c = n
	return nil
}

// Row is one line of a breakdown: the lines of one key (a file, a
// directory, an author, a model, a kind of evidence, a period...). Its JSON
// form is {"key": KEY, "lines": COUNT}.
type Row struct {
	Key   string `json:"key"`
	Lines Count  `json:"lines"`
}

// Breakdown counts lines by key. Make it with make or a literal; the zero
// (nil) value cannot be added to.
type Breakdown map[string]Count

// Add adds n lines of class c under key.
func (b Breakdown) Add(key string, class Class, n int) {
	c := b[key]
	c.Add(class, n)
	b[key] = c
}

// Merge adds the lines of c under key.
func (b Breakdown) Merge(key string, c Count) {
	n := b[key]
	n.Merge(c)
	b[key] = n
}

// Sum adds every key's lines up.
func (b Breakdown) Sum() Count {
	var c Count
	for _, n := range b {
		c.Merge(n)
	}
	return c
}

// Rows returns the breakdown's rows, most lines first, then by key.
func (b Breakdown) Rows() []Row {
	out := make([]Row, 0, len(b))
	for k, c := range b {
		out = append(out, Row{Key: k, Lines: c})
	}
	slices.SortFunc(out, func(x, y Row) int {
		return cmp.Or(cmp.Compare(y.Lines.Total(), x.Lines.Total()), cmp.Compare(x.Key, y.Key))
	})
	return out
}
