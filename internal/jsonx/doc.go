// Package jsonx is a small, strict, allocation-light JSON reader and writer
// for the fixed schemas hallmark signs and verifies.
//
// encoding/json spends most of a verification's time on reflection; the
// records are large (a record of 2,000 spans is about 130 KB) and their
// shape is fixed, so hand-written code that walks the bytes once is several
// times faster. The writer produces exactly the bytes encoding/json does
// (with HTML escaping off); the reader is stricter than encoding/json: it
// rejects invalid UTF-8, duplicate keys, and numbers that are not plain
// integers. Both are fuzzed against encoding/json.
package jsonx
