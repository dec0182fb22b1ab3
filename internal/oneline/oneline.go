// Package oneline puts text on one line: an error chain for a message on
// stderr or in the register, a passage for a terminal.
package oneline

import "strings"

// Of is s with every run of white space, line breaks included, made one
// space, and none at either end.
func Of(s string) string { return strings.Join(strings.Fields(s), " ") }
