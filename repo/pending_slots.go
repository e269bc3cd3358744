package repo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// slotMagic begins a pending slot: "hallmark-slot SEQ LEN SHA256\n" and
// then the body, LEN bytes whose sha256 is SHA256. Bytes past the body
// are what an earlier, longer write left there.
const slotMagic = "hallmark-slot "

func (s *store) slotPath(i int) string { return filepath.Join(s.dir, "pending."+strconv.Itoa(i)) }

func encodeSlot(seq uint64, body []byte) []byte {
	sum := sha256.Sum256(body)
	head := fmt.Sprintf("%s%d %d %s\n", slotMagic, seq, len(body), hex.EncodeToString(sum[:]))
	return append([]byte(head), body...)
}

// decodeSlot returns a slot's sequence number and body; ok is false
// unless the slot holds a whole body.
func decodeSlot(b []byte) (seq uint64, body []byte, ok bool) {
	head, rest, found := bytes.Cut(b, []byte("\n"))
	if !found || !bytes.HasPrefix(head, []byte(slotMagic)) {
		return 0, nil, false
	}
	f := bytes.Fields(head[len(slotMagic):])
	if len(f) != 3 {
		return 0, nil, false
	}
	seq, err := strconv.ParseUint(string(f[0]), 10, 64)
	if err != nil {
		return 0, nil, false
	}
	n, err := strconv.Atoi(string(f[1]))
	if err != nil || n < 0 || n > len(rest) {
		return 0, nil, false
	}
	body = rest[:n]
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != string(f[2]) {
		return 0, nil, false
	}
	return seq, body, true
}

// slotBase names the snapshot slots of the pending file key.
func slotBase(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// validSlotName reports whether name is a snapshot slot's name, so that a
// state read from disk never names a file elsewhere.
func validSlotName(name string) bool {
	base, n, ok := bytes.Cut([]byte(name), []byte("."))
	if !ok || len(base) != 32 || (string(n) != "0" && string(n) != "1") {
		return false
	}
	_, err := hex.DecodeString(string(base))
	return err == nil
}

// writeExact writes data over path, in place, and cuts the file to its
// length: for a file its reader reads to the end (stagedQueryFile).
func writeExact(path string, data []byte) error { return writeAtStart(path, data, true) }

// writeInPlace writes data at the start of path, creating the file only
// when it is missing. What lies past len(data) is left: readers know the
// length. A file over twice as long as data (plus a little) is cut, so
// that slots do not keep the size of the largest file they ever held.
func writeInPlace(path string, data []byte) error { return writeAtStart(path, data, false) }

func writeAtStart(path string, data []byte, exact bool) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		f.Close()
		return err
	}
	if fi, err := f.Stat(); err == nil && (exact && fi.Size() > int64(len(data)) || fi.Size() > int64(2*len(data)+65536)) {
		if err := f.Truncate(int64(len(data))); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
