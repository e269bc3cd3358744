package git

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Commit is a parsed commit object.
type Commit struct {
	ID             string
	Tree           string
	Parents        []string
	AuthorName     string
	AuthorEmail    string
	AuthorTime     time.Time
	CommitterName  string
	CommitterEmail string
	CommitTime     time.Time
	Message        string
	Raw            []byte // the object exactly as `git cat-file commit` prints it
}

// ParseCommit parses a raw commit object.
func ParseCommit(id string, raw []byte) (*Commit, error) {
	c := &Commit{ID: id, Raw: raw}
	header, msg, found := bytes.Cut(raw, []byte("\n\n"))
	if !found {
		header = bytes.TrimSuffix(raw, []byte("\n"))
	}
	c.Message = string(msg)
	for _, line := range strings.Split(string(header), "\n") {
		if strings.HasPrefix(line, " ") { // continuation of gpgsig and the like
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "tree", "parent":
			// git fsck's rule: one tree, then parents, each a full id.
			if !IsObjectID(val) || (key == "tree" && c.Tree != "") || (key == "parent" && c.Tree == "") {
				return nil, fmt.Errorf("git: commit %s has a malformed %s line %q", id, key, line)
			}
			if key == "tree" {
				c.Tree = val
			} else {
				c.Parents = append(c.Parents, val)
			}
		case "author":
			c.AuthorName, c.AuthorEmail, c.AuthorTime = parseIdent(val)
		case "committer":
			c.CommitterName, c.CommitterEmail, c.CommitTime = parseIdent(val)
		}
	}
	if c.Tree == "" {
		return nil, fmt.Errorf("git: commit %s has no tree", id)
	}
	return c, nil
}

// parseIdent parses "Name <email> 1700000000 +0100".
func parseIdent(s string) (name, email string, when time.Time) {
	lt := strings.LastIndexByte(s, '<')
	gt := strings.LastIndexByte(s, '>')
	if lt < 0 || gt < lt {
		return strings.TrimSpace(s), "", time.Time{}
	}
	name = strings.TrimSpace(s[:lt])
	email = s[lt+1 : gt]
	f := strings.Fields(s[gt+1:])
	if len(f) >= 1 {
		if sec, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			when = time.Unix(sec, 0).UTC()
			if len(f) >= 2 && len(f[1]) == 5 {
				if off, err := strconv.Atoi(f[1][1:]); err == nil {
					secs := (off/100)*3600 + (off%100)*60
					if f[1][0] == '-' {
						secs = -secs
					}
					when = when.In(time.FixedZone(f[1], secs))
				}
			}
		}
	}
	return name, email, when
}
