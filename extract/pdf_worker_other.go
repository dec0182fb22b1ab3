//go:build !linux

package extract

import (
	"os"
	"os/exec"
)

// isolateChild leaves exec's default: the worker alone is killed at the
// deadline, and it exits by itself shortly after (see workDocument).
func isolateChild(cmd *exec.Cmd) {}

func killGroup(p *os.Process) { p.Kill() }

// limitMemory is not available here: the soft heap limit alone applies.
func limitMemory(int64) error { return nil }

func residentBytes(int) int64 { return 0 }
