package attribution

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/internal/repolink"
	"go.yaml.in/yaml/v3"
)

// The reasons a report leaves a file out, in the order they are decided:
// a file left out for one is not counted again under a later one.
const (
	ExcludedGenerated = "generated" // linguist-generated in .gitattributes
	ExcludedVendored  = "vendored"  // linguist-vendored in .gitattributes
	ExcludedLockFile  = "lock file" // a package manager's lock file (see [LockFiles])
	ExcludedConfig    = "config"    // the exclude: list of [ConfigFile]
)

var excludedWhy = map[string]string{
	ExcludedGenerated: "marked linguist-generated in .gitattributes",
	ExcludedVendored:  "marked linguist-vendored in .gitattributes",
	ExcludedLockFile:  "lock files of package managers",
	ExcludedConfig:    "the exclude: list of " + ConfigFile,
}

// ConfigFile is the repository's report configuration, read from the tree
// of the revision reported (never from the work tree).
const ConfigFile = ".hallmark/config.yaml"

// LockFiles are the base names of the lock files that package managers
// write, which people leave out of a count of code as GitHub's linguist
// does (it counts them as generated). Each is the name its tool documents:
// go.sum (Go modules reference), package-lock.json and
// npm-shrinkwrap.json (npm docs), yarn.lock (Yarn), pnpm-lock.yaml
// (pnpm), bun.lock (Bun), deno.lock (Deno), Cargo.lock (the Cargo book),
// poetry.lock (Poetry), Pipfile.lock (Pipenv), pdm.lock (PDM), uv.lock
// (uv), Gemfile.lock (Bundler), composer.lock (Composer), mix.lock (Mix),
// pubspec.lock (Dart pub), Podfile.lock (CocoaPods), Package.resolved
// (Swift Package Manager), packages.lock.json (NuGet), gradle.lockfile
// (Gradle), flake.lock (Nix flakes), conan.lock (Conan).
var LockFiles = []string{
	"Cargo.lock", "Gemfile.lock", "Package.resolved", "Pipfile.lock", "Podfile.lock",
	"bun.lock", "composer.lock", "conan.lock", "deno.lock", "flake.lock", "go.sum",
	"gradle.lockfile", "mix.lock", "npm-shrinkwrap.json", "package-lock.json",
	"packages.lock.json", "pdm.lock", "pnpm-lock.yaml", "poetry.lock", "pubspec.lock",
	"uv.lock", "yarn.lock",
}

// Config is [ConfigFile].
type Config struct {
	// Exclude lists what reports leave out, as git pathspecs with glob
	// magic (git help glossary, "glob"): a path or a directory ("testdata",
	// "docs/") leaves out itself and what is under it; "*" and "?" match
	// within one name, "**/" any number of directories, "/**" everything
	// inside; "[a-z]" a set. Paths are from the repository's root.
	Exclude []string `yaml:"exclude"`
}

// ErrConfig is wrapped by the errors of [ParseConfig].
var ErrConfig = errors.New("attribution: bad " + ConfigFile)

// ParseConfig reads [ConfigFile]. Unknown keys and patterns that are not
// plain glob pathspecs are errors.
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	for i, p := range c.Exclude {
		q, err := cleanPattern(p)
		if err != nil {
			return nil, fmt.Errorf("%w: exclude: %q: %v", ErrConfig, p, err)
		}
		c.Exclude[i] = q
	}
	return &c, nil
}

func cleanPattern(p string) (string, error) {
	switch {
	case p == "":
		return "", errors.New("empty")
	case strings.HasPrefix(p, ":"):
		return "", errors.New("pathspec magic is not supported; the patterns are glob pathspecs already")
	case strings.HasPrefix(p, "/"):
		return "", errors.New("paths are from the repository's root, without a leading /")
	case strings.Contains(p, "[:"):
		return "", errors.New("character classes ([:alpha:]) are not supported")
	case strings.ContainsRune(p, 0):
		return "", errors.New("a NUL byte")
	}
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return "", errors.New("no .. in a pattern")
		}
		if _, err := path.Match(globSegment(seg), ""); err != nil {
			return "", errors.New("malformed")
		}
	}
	return p, nil
}

// MatchPathspec reports whether a file's path matches a glob pathspec as
// git matches one (dir.c, match_pathspec_item, with glob magic): the
// pattern names the file or a directory above it, or wildmatches the
// whole path with "*" not crossing a "/".
func MatchPathspec(pattern, file string) bool {
	if strings.HasPrefix(file, pattern) {
		n := len(pattern)
		if n == len(file) || (n > 0 && pattern[n-1] == '/') || file[n] == '/' {
			return true
		}
	}
	if !strings.ContainsAny(pattern, `*?[\`) {
		return false
	}
	return wildmatch(strings.Split(pattern, "/"), strings.Split(file, "/"))
}

// wildmatch runs the pattern's segments over the path's as a set of
// states (no backtracking): a "**" segment takes any number of segments,
// at the end one or more; any other segment is one name's glob.
func wildmatch(pat, parts []string) bool {
	cur := make([]bool, len(pat)+1)
	next := make([]bool, len(pat)+1)
	cur[0] = true
	stars := func(st []bool) {
		for i := 0; i < len(pat); i++ {
			if st[i] && pat[i] == "**" && i+1 < len(pat) {
				st[i+1] = true
			}
		}
	}
	stars(cur)
	for _, part := range parts {
		clear(next)
		for i := 0; i < len(pat); i++ {
			if !cur[i] {
				continue
			}
			if pat[i] == "**" {
				next[i] = true // take this segment, stay
				if i+1 == len(pat) {
					next[i+1] = true
				}
				continue
			}
			if ok, _ := path.Match(globSegment(pat[i]), part); ok {
				next[i+1] = true
			}
		}
		stars(next)
		cur, next = next, cur
	}
	return cur[len(pat)]
}

// globSegment writes one segment of a git glob in path.Match's syntax:
// git's "[!...]" is path.Match's "[^...]".
func globSegment(s string) string {
	if !strings.Contains(s, "[!") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '[':
			if i+1 < len(s) && s[i+1] == '!' {
				b.WriteByte('^')
				i++
			}
		}
	}
	return b.String()
}

// exclusions decides, for the files of the tree (text and binary), which
// a report leaves out and why. The .gitattributes rules are git's own:
// git check-attr reads them from the tree at the commit (through a
// temporary index), with the system and global attribute files left out,
// so that every clone reports alike.
func (a *Analysis) exclusions(ctx context.Context) (map[string]string, error) {
	files := make([]string, 0, len(a.blame.Files))
	for p := range a.blame.Files {
		if a.selected(p) {
			files = append(files, p)
		}
	}
	slices.Sort(files)
	out := map[string]string{}
	attrs, err := a.linguist(ctx, files)
	if err != nil {
		return nil, err
	}
	var cfg *Config
	if data, err := a.r.ReadFile(ctx, a.Commit, ConfigFile); err == nil {
		if cfg, err = ParseConfig(data); err != nil {
			return nil, err
		}
	}
	for _, p := range files {
		at := attrs[p]
		switch {
		case isTrue(at.generated):
			out[p] = ExcludedGenerated
		case isTrue(at.vendored):
			out[p] = ExcludedVendored
		case slices.Contains(LockFiles, path.Base(p)) && !isFalse(at.generated):
			// A lock file is generated unless .gitattributes says it is
			// not (-linguist-generated), as linguist decides.
			out[p] = ExcludedLockFile
		case cfg != nil && slices.ContainsFunc(cfg.Exclude, func(pat string) bool { return MatchPathspec(pat, p) }):
			out[p] = ExcludedConfig
		}
	}
	return out, nil
}

type linguistAttrs struct{ generated, vendored string }

func isTrue(v string) bool  { return v == "set" || v == "true" }
func isFalse(v string) bool { return v == "unset" || v == "false" }

// linguist asks git for the linguist attributes of the files at the
// commit. Without an attributes file that names them, git is not asked.
func (a *Analysis) linguist(ctx context.Context, files []string) (map[string]linguistAttrs, error) {
	g := repolink.Of(a.r).Git()
	named := false
	for p, f := range a.blame.Files {
		if path.Base(p) == ".gitattributes" && !f.Binary {
			data, err := a.r.ReadFile(ctx, a.Commit, p)
			if err != nil {
				return nil, err
			}
			named = named || bytes.Contains(data, []byte("linguist-"))
		}
	}
	if info, err := os.ReadFile(g.GitDir + "/info/attributes"); err == nil && bytes.Contains(info, []byte("linguist-")) {
		named = true
	}
	if !named || len(files) == 0 {
		return nil, nil
	}
	tmp, err := os.MkdirTemp("", "hallmark-attr")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	env := []string{"GIT_INDEX_FILE=" + tmp + "/index", "GIT_ATTR_NOSYSTEM=1"}
	if err := g.Stream(ctx, env, nil, []string{"read-tree", a.Commit}, func(io.Reader) error { return nil }); err != nil {
		return nil, err
	}
	var in bytes.Buffer
	for _, p := range files {
		in.WriteString(p)
		in.WriteByte(0)
	}
	out := map[string]linguistAttrs{}
	err = g.Stream(ctx, env, &in, []string{"-c", "core.attributesFile=" + os.DevNull, "check-attr", "--cached", "-z", "--stdin", "linguist-generated", "linguist-vendored"}, func(r io.Reader) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		fields := bytes.Split(data, []byte{0})
		for i := 0; i+2 < len(fields); i += 3 {
			p, attr, val := string(fields[i]), string(fields[i+1]), string(fields[i+2])
			la := out[p]
			if attr == "linguist-generated" {
				la.generated = val
			} else {
				la.vendored = val
			}
			out[p] = la
		}
		return nil
	})
	if err != nil {
		var ge *git.Error
		if errors.As(err, &ge) {
			return nil, fmt.Errorf("attribution: reading .gitattributes: %w", err)
		}
		return nil, err
	}
	return out, nil
}
