//go:build !linux

package extract

import "os/exec"

// isolateChild leaves exec's default: the child alone is killed at the
// deadline, and it exits by itself shortly after (see childMain).
func isolateChild(cmd *exec.Cmd) {}
