// Package lazyre compiles regular expressions on first use, not when the
// program starts: every run of s54 (one per PDF for the crawler's
// children, one per file for a shell loop) would otherwise pay for all of
// them.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called
// and returns the same *regexp.Regexp after. It panics, on that first
// call, if expr is not valid: expressions are constants of the program.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
