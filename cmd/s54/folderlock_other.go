//go:build !unix

package main

import (
	"fmt"
	"os"
)

// lockFile does nothing where flock is not: there, a second server finds
// the index in use instead.
func lockFile(*os.File) error { return nil }

// ownDir checks that dir is a directory, not a link.
func ownDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}
