// Package atomicfile writes a file so that it is either whole or absent
// under its name: through a temporary file in the same directory, synced,
// then renamed. A crash or an error part way leaves no half-written file.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write creates or replaces path with what write writes. The file has
// the permissions of its folder, less the execute bits.
func Write(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	werr := write(tmp)
	if werr == nil {
		// a temporary file is the owner's alone: the file takes its
		// folder's permissions instead (without the execute bits), so
		// that a report in a folder the group reads is the group's too
		if fi, err := os.Stat(filepath.Dir(path)); err == nil {
			werr = tmp.Chmod(fi.Mode().Perm() &^ 0o111)
		}
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
	}
	return werr
}
