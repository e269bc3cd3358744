package jsonx

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Reader walks one JSON value. Its methods return an error that names the
// byte offset of the problem.
type Reader struct {
	data []byte
	pos  int
}

// NewReader reads data.
func NewReader(data []byte) *Reader { return &Reader{data: data} }

// SyntaxError is a malformed input.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("json: %s at offset %d", e.Msg, e.Offset) }

func (r *Reader) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: r.pos, Msg: fmt.Sprintf(format, args...)}
}

func (r *Reader) skipSpace() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

func (r *Reader) peek() byte {
	r.skipSpace()
	if r.pos >= len(r.data) {
		return 0
	}
	return r.data[r.pos]
}

func (r *Reader) expect(c byte) error {
	if r.peek() != c {
		if r.pos >= len(r.data) {
			return r.errorf("unexpected end of input, want %q", c)
		}
		return r.errorf("unexpected %q, want %q", r.data[r.pos], c)
	}
	r.pos++
	return nil
}

// IsNull consumes a null literal if one comes next.
func (r *Reader) IsNull() bool {
	if r.peek() == 'n' && len(r.data)-r.pos >= 4 && string(r.data[r.pos:r.pos+4]) == "null" {
		r.pos += 4
		return true
	}
	return false
}

// ErrDuplicateKey is returned for an object with a key twice.
var ErrDuplicateKey = errors.New("json: duplicate key")

// Object reads an object, calling field for each key; field must read the
// value. Keys may appear once each.
func (r *Reader) Object(field func(key string) error) error {
	if err := r.expect('{'); err != nil {
		return err
	}
	var seenArr [8]string
	seen := seenArr[:0]
	if r.peek() == '}' {
		r.pos++
		return nil
	}
	for {
		key, err := r.key()
		if err != nil {
			return err
		}
		for _, k := range seen {
			if k == key {
				return fmt.Errorf("%w %q at offset %d", ErrDuplicateKey, key, r.pos)
			}
		}
		seen = append(seen, key)
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return nil
		default:
			return r.errorf("want ',' or '}' in object")
		}
	}
}

// Array reads an array, calling elem for each element; elem must read it.
func (r *Reader) Array(elem func() error) error {
	if err := r.expect('['); err != nil {
		return err
	}
	if r.peek() == ']' {
		r.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.pos++
		case ']':
			r.pos++
			return nil
		default:
			return r.errorf("want ',' or ']' in array")
		}
	}
}

// special marks the bytes that end the fast path of a string: the quote,
// the backslash and the control characters.
var special = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// key reads an object key. A key without escapes is returned as a view of
// the input, not a copy: keys are only compared and never outlive the
// parse, and the input is not changed while it is read.
func (r *Reader) key() (string, error) {
	b, copied, err := r.str()
	if err != nil || copied {
		return string(b), err
	}
	if len(b) == 0 {
		return "", nil
	}
	return unsafe.String(&b[0], len(b)), nil
}

// String reads a string. Invalid UTF-8 is an error.
func (r *Reader) String() (string, error) {
	b, _, err := r.str()
	return string(b), err
}

// Bytes reads a string and returns its bytes, which may alias the input:
// for comparing or interning without allocating.
func (r *Reader) Bytes() ([]byte, error) {
	b, _, err := r.str()
	return b, err
}

// str reads a string; copied says whether b is a new buffer (escapes) or
// a view of the input.
func (r *Reader) str() (b []byte, copied bool, err error) {
	if err := r.expect('"'); err != nil {
		return nil, false, err
	}
	start := r.pos
	// Fast path: no escapes. One table look-up a byte; UTF-8 is checked
	// only when a byte above 0x7f was seen.
	var high byte
	data := r.data
	for i := r.pos; i < len(data); i++ {
		c := data[i]
		if !special[c] {
			high |= c
			continue
		}
		if c == '"' {
			s := data[start:i]
			if high >= utf8.RuneSelf && !utf8.Valid(s) {
				r.pos = i
				return nil, false, r.errorf("invalid UTF-8 in string")
			}
			r.pos = i + 1
			return s, false, nil
		}
		r.pos = i
		if c == '\\' {
			break
		}
		return nil, false, r.errorf("control character in string")
	}
	if r.pos == start && (r.pos >= len(data) || data[r.pos] != '\\') {
		r.pos = len(data)
	}
	buf := append([]byte(nil), r.data[start:r.pos]...)
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return nil, false, r.errorf("invalid UTF-8 in string")
			}
			r.pos++
			return buf, true, nil
		case c < 0x20:
			return nil, false, r.errorf("control character in string")
		case c != '\\':
			buf = append(buf, c)
			r.pos++
			continue
		}
		if r.pos+1 >= len(r.data) {
			break
		}
		e := r.data[r.pos+1]
		r.pos += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			rr, ok := r.hex4()
			if !ok {
				return nil, false, r.errorf("bad \\u escape")
			}
			if utf16.IsSurrogate(rr) {
				if r.pos+1 < len(r.data) && r.data[r.pos] == '\\' && r.data[r.pos+1] == 'u' {
					save := r.pos
					r.pos += 2
					if r2, ok := r.hex4(); ok {
						if dec := utf16.DecodeRune(rr, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							continue
						}
					}
					r.pos = save
				}
				return nil, false, r.errorf("unpaired surrogate in \\u escape")
			}
			buf = utf8.AppendRune(buf, rr)
		default:
			return nil, false, r.errorf("bad escape \\%c", e)
		}
	}
	return nil, false, r.errorf("unterminated string")
}

func (r *Reader) hex4() (rune, bool) {
	if r.pos+4 > len(r.data) {
		return 0, false
	}
	var v rune
	for _, c := range r.data[r.pos : r.pos+4] {
		v <<= 4
		switch {
		case '0' <= c && c <= '9':
			v |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			v |= rune(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			v |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	r.pos += 4
	return v, true
}

// Int reads an integer: an optional minus and digits, no fraction or
// exponent, within ±2^53 so that every JSON reader agrees on its value.
func (r *Reader) Int() (int, error) {
	r.skipSpace()
	start := r.pos
	neg := false
	if r.pos < len(r.data) && r.data[r.pos] == '-' {
		neg = true
		r.pos++
	}
	digits := r.pos
	var v int64
	for r.pos < len(r.data) && '0' <= r.data[r.pos] && r.data[r.pos] <= '9' {
		v = v*10 + int64(r.data[r.pos]-'0')
		r.pos++
		if v > 1<<53 {
			return 0, r.errorf("integer out of range")
		}
	}
	n := r.pos - digits
	if n == 0 || (n > 1 && r.data[digits] == '0') {
		r.pos = start
		return 0, r.errorf("want an integer")
	}
	if r.pos < len(r.data) {
		switch r.data[r.pos] {
		case '.', 'e', 'E':
			return 0, r.errorf("want an integer, not a fraction")
		}
	}
	if neg {
		v = -v
	}
	return int(v), nil
}

// Raw reads any value and returns its bytes. An object or array is only
// delimited here (brackets matched outside strings, escapes honoured), not
// validated: the caller parses the bytes it gets, strictly.
func (r *Reader) Raw() ([]byte, error) {
	c := r.peek()
	start := r.pos
	if c != '{' && c != '[' {
		if err := r.skip(0); err != nil {
			return nil, err
		}
		return r.data[start:r.pos], nil
	}
	depth := 0
	for i := start; i < len(r.data); i++ {
		switch r.data[i] {
		case '{', '[':
			depth++
			if depth > maxDepth {
				return nil, r.errorf("nesting too deep")
			}
		case '}', ']':
			depth--
			if depth == 0 {
				r.pos = i + 1
				return r.data[start:r.pos], nil
			}
		case '"':
			// Jump to the closing quote, past escaped ones.
			for i++; i < len(r.data) && r.data[i] != '"'; i++ {
				if r.data[i] == '\\' {
					i++
				}
			}
		}
	}
	return nil, r.errorf("unterminated value")
}

const maxDepth = 1000

func (r *Reader) skip(depth int) error {
	if depth > maxDepth {
		return r.errorf("nesting too deep")
	}
	switch c := r.peek(); {
	case c == '{':
		return r.Object(func(string) error { return r.skip(depth + 1) })
	case c == '[':
		return r.Array(func() error { return r.skip(depth + 1) })
	case c == '"':
		_, _, err := r.str()
		return err
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(r.data)-r.pos >= len(lit) && string(r.data[r.pos:r.pos+len(lit)]) == lit {
				r.pos += len(lit)
				return nil
			}
		}
		return r.errorf("bad literal")
	case c == '-' || '0' <= c && c <= '9':
		return r.number()
	case c == 0:
		return r.errorf("unexpected end of input")
	default:
		return r.errorf("unexpected %q", c)
	}
}

// number skips a JSON number of any form.
func (r *Reader) number() error {
	start := r.pos
	if r.data[r.pos] == '-' {
		r.pos++
	}
	digits := func() int {
		s := r.pos
		for r.pos < len(r.data) && '0' <= r.data[r.pos] && r.data[r.pos] <= '9' {
			r.pos++
		}
		return r.pos - s
	}
	intStart := r.pos
	n := digits()
	if n == 0 || (n > 1 && r.data[intStart] == '0') {
		r.pos = start
		return r.errorf("bad number")
	}
	if r.pos < len(r.data) && r.data[r.pos] == '.' {
		r.pos++
		if digits() == 0 {
			return r.errorf("bad number")
		}
	}
	if r.pos < len(r.data) && (r.data[r.pos] == 'e' || r.data[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.data) && (r.data[r.pos] == '+' || r.data[r.pos] == '-') {
			r.pos++
		}
		if digits() == 0 {
			return r.errorf("bad number")
		}
	}
	return nil
}

// End checks that only whitespace is left.
func (r *Reader) End() error {
	r.skipSpace()
	if r.pos != len(r.data) {
		return r.errorf("trailing data after the value")
	}
	return nil
}
