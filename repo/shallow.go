package repo

import (
	"os"
	"path/filepath"
)

// Shallow reports whether the repository is a shallow clone: its oldest
// commits have parents it does not have, so what they added, and who
// wrote the lines they seem to add, is not known here. Verification and
// reports say so rather than count those lines as if they were known.
func (r *Repo) Shallow() bool {
	info, err := os.Stat(filepath.Join(r.git.GitDir, "shallow"))
	return err == nil && info.Size() > 0
}
