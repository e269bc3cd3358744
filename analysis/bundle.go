package analysis

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/sigstore/sigstore/pkg/signature"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// BundlePath is where a module keeps its bundle, relative to its root: a
// file the go command puts in the module zip like any other.
const BundlePath = ".hallmark/bundle.json"

// BundlePredicateType names a module's attribution: a record of every
// line of every file of the module (Method "snapshot").
const BundlePredicateType = "https://hallmark.dev/module-attribution/v1"

// ErrBundle is wrapped by every failure to verify a bundle: a bundle that
// does not verify is an error, never a silent "unknown".
var ErrBundle = errors.New("analysis: bundle does not verify")

// moduleFiles lists the files the go command would put in the module zip,
// with their contents, as golang.org/x/mod/zip decides (no vendor
// directory, no nested modules, no .git), the bundle itself left out.
func moduleFiles(dir, modPath string) (map[string][]byte, error) {
	var buf bytes.Buffer
	mv := module.Version{Path: modPath, Version: "v0.0.0-hallmark"}
	if err := modzip.CreateFromDir(&buf, mv, dir); err != nil {
		return nil, fmt.Errorf("analysis: the module's files: %w", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, err
	}
	prefix := mv.Path + "@" + mv.Version + "/"
	out := map[string][]byte{}
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, prefix)
		if name == BundlePath {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		out[name] = data
	}
	return out, nil
}

// filesDigest is the sha256 of dirhash's "h1" summary of the files: the
// digest a bundle's subject names.
func filesDigest(files map[string][]byte) (string, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	h1, err := dirhash.Hash1(names, func(n string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(files[n])), nil })
	if err != nil {
		return "", err
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h1, "h1:"))
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(raw), nil
}

// BundleOptions are [WriteBundle]'s; the zero value means the defaults.
type BundleOptions struct {
	// Recorder names the program that writes the bundle (a vendor's
	// release tool, and its version), as [repo.StampOptions.Recorder]
	// does for a commit's record; the zero value means
	// [repo.DefaultRecorder].
	Recorder provenance.Recorder
}

// WriteBundle writes, signed, the attribution of every file of the module
// at moduleDir as of the repository's HEAD, into the module's BundlePath.
// Every file must be committed as it is: a bundle speaks of released code.
// A nil opts means the defaults.
func WriteBundle(ctx context.Context, r *repo.Repo, moduleDir string, signer signature.Signer, opts *BundleOptions) (string, error) {
	if opts == nil {
		opts = &BundleOptions{}
	}
	recorder := opts.Recorder
	if recorder == (provenance.Recorder{}) {
		recorder = repo.DefaultRecorder()
	}
	gomod, err := os.ReadFile(filepath.Join(moduleDir, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("analysis: %s is not a module root: %w", moduleDir, err)
	}
	if err := checkBundleTarget(moduleDir); err != nil {
		return "", err
	}
	modPath := modfile.ModulePath(gomod)
	if modPath == "" {
		return "", fmt.Errorf("analysis: %s/go.mod has no module path", moduleDir)
	}
	files, err := moduleFiles(moduleDir, modPath)
	if err != nil {
		return "", err
	}
	a, err := attribution.Analyze(ctx, r, nil)
	if err != nil {
		return "", err
	}
	absMod, err := filepath.Abs(moduleDir)
	if err != nil {
		return "", err
	}
	wt, err := filepath.EvalSymlinks(r.WorkTree())
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(absMod); err == nil {
		absMod = real
	}
	rel, err := filepath.Rel(wt, absMod)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("analysis: %s is outside the repository %s", moduleDir, wt)
	}
	rec := &provenance.Record{Commit: a.Commit, Method: provenance.MethodSnapshot, Recorder: recorder}
	authorIdx := func(au provenance.Author) int {
		if i := slices.Index(rec.Authors, au); i >= 0 {
			return i
		}
		rec.Authors = append(rec.Authors, au)
		return len(rec.Authors) - 1
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		data := files[n]
		sum := sha256.Sum256(data)
		f := provenance.File{Path: n, Digest: "sha256:" + hex.EncodeToString(sum[:]), Spans: []provenance.Span{}}
		if !bytes.Contains(data[:min(len(data), 8000)], []byte{0}) {
			f.Lines = len(diff.Lines(data))
			inRepo := filepath.ToSlash(filepath.Join(rel, n))
			lines, err := a.File(inRepo)
			if err != nil {
				return "", fmt.Errorf("analysis: %s: %w (commit the module before bundling it)", n, err)
			}
			head, err := r.ReadFile(ctx, a.Commit, inRepo)
			if err != nil || !bytes.Equal(head, data) {
				return "", fmt.Errorf("analysis: %s differs from HEAD: commit it before bundling", n)
			}
			for _, l := range lines {
				idx := authorIdx(l.Author)
				if k := len(f.Spans); k > 0 && f.Spans[k-1].End == l.Line-1 && f.Spans[k-1].Author == idx && f.Spans[k-1].Class == l.Class {
					f.Spans[k-1].End = l.Line
					continue
				}
				f.Spans = append(f.Spans, provenance.Span{Start: l.Line, End: l.Line, Author: idx, Class: l.Class})
			}
		}
		rec.Files = append(rec.Files, f)
	}
	pred, err := rec.Encode()
	if err != nil {
		return "", err
	}
	digest, err := filesDigest(files)
	if err != nil {
		return "", err
	}
	st := &attest.Statement{
		Type:          attest.StatementType,
		Subject:       []attest.Subject{{Name: "go-module:" + modPath, Digest: attest.Digest{GitCommit: a.Commit, SHA256: digest}}},
		PredicateType: BundlePredicateType,
		Predicate:     pred,
	}
	b, err := attest.SignToBundle(st, signer)
	if err != nil {
		return "", err
	}
	return writeBundleFile(moduleDir, append(b.Bytes(), '\n'))
}

// ErrSymlink: the bundle's directory or file is a symbolic link. A module
// can commit `.hallmark` as a link to anywhere (a user's ~/.ssh, say), and
// the bundle is written where release tooling runs: it is never written
// through a link.
var ErrSymlink = errors.New("analysis: refusing to write the bundle through a symbolic link")

func bundleTarget(moduleDir string) (dir, file string) {
	return filepath.Join(moduleDir, filepath.FromSlash(path.Dir(BundlePath))), filepath.Join(moduleDir, filepath.FromSlash(BundlePath))
}

// checkBundleTarget fails when the bundle's directory or file, where they
// exist, is a link or not what it should be.
func checkBundleTarget(moduleDir string) error {
	dir, out := bundleTarget(moduleDir)
	if st, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	} else if st.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%w: %s", ErrSymlink, dir)
	} else if !st.IsDir() {
		return fmt.Errorf("analysis: %s is not a directory", dir)
	}
	if st, err := os.Lstat(out); err == nil && !st.Mode().IsRegular() {
		if st.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: %s", ErrSymlink, out)
		}
		return fmt.Errorf("analysis: %s is not a regular file", out)
	}
	return nil
}

// writeBundleFile writes content as the module's BundlePath: the directory
// is made if need be, and neither it nor the file may be a link. The file
// is written beside its place and renamed into it, so that even a link
// planted meanwhile is replaced, never followed.
func writeBundleFile(moduleDir string, content []byte) (string, error) {
	dir, out := bundleTarget(moduleDir)
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("analysis: make %s: %w", dir, err)
	}
	if err := checkBundleTarget(moduleDir); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".bundle-*.json")
	if err != nil {
		return "", err
	}
	_, werr := tmp.Write(content)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), out)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", werr
	}
	return out, nil
}

// VerifyBundle checks the bundle of the module at dir (a module cache
// directory, say): signed by a key the keyring trusts, about this module
// path, naming exactly the files there. It returns the record.
func VerifyBundle(dir, modPath string, ring *attest.Keyring) (*provenance.Record, []string, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(BundlePath)))
	if err != nil {
		return nil, nil, err
	}
	if ring.Len() == 0 {
		return nil, nil, fmt.Errorf("%w: %s: no key is trusted for this module path", ErrBundle, modPath)
	}
	st, signers, err := attest.VerifyStatementSignature(data, ring)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrBundle, modPath, err)
	}
	if st.PredicateType != BundlePredicateType || len(st.Subject) != 1 {
		return nil, nil, fmt.Errorf("%w: %s: not a module bundle", ErrBundle, modPath)
	}
	if st.Subject[0].Name != "go-module:"+modPath {
		return nil, nil, fmt.Errorf("%w: %s: the bundle is about %q (%w)", ErrBundle, modPath, st.Subject[0].Name, attest.ErrSubjectMismatch)
	}
	files, err := moduleFiles(dir, modPath)
	if err != nil {
		return nil, nil, err
	}
	digest, err := filesDigest(files)
	if err != nil {
		return nil, nil, err
	}
	if digest != st.Subject[0].Digest.SHA256 {
		return nil, nil, fmt.Errorf("%w: %s: the files differ from those the bundle names (%w)", ErrBundle, modPath, attest.ErrDigestMismatch)
	}
	rec, err := provenance.Decode(st.Predicate)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrBundle, modPath, err)
	}
	for _, f := range rec.Files {
		sum := sha256.Sum256(files[f.Path])
		if _, ok := files[f.Path]; !ok || "sha256:"+hex.EncodeToString(sum[:]) != f.Digest {
			return nil, nil, fmt.Errorf("%w: %s: %s (%w)", ErrBundle, modPath, f.Path, attest.ErrDigestMismatch)
		}
	}
	return rec, signers, nil
}
