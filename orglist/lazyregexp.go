package orglist

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles a regular expression on first use, not when the
// program starts: every run of s54 (one per PDF for the crawler's
// children, one per file for a shell loop) would pay for all of them.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
