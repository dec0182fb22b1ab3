// Package golden compares what a test made with a golden file kept beside
// the test, says what differs as a line diff, and rewrites the file when
// the tests run with -update: one flag, the same in every package.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files (read the diff before committing)")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Check compares got with the file at path: a difference fails the test
// with a diff; with -update the file is written instead.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", path, Diff(string(want), string(got)))
	}
}

// context is the number of unchanged lines shown around a change.
const context = 3

// maxCells bounds the work of a diff: past it, the diff shows the first
// line that differs.
const maxCells = 16 << 20

// Diff is a line diff of want and got: "-" before a line only in want, "+"
// before a line only in got, two spaces before the unchanged lines around
// them, "…" for those left out. It is "" when they are equal.
func Diff(want, got string) string {
	if want == got {
		return ""
	}
	a, b := lines(want), lines(got)
	if len(a)*len(b) > maxCells {
		return firstDifference(a, b)
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:]
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '-', '+'
		line string
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	// show the changes with the unchanged lines near them
	show := make([]bool, len(ops))
	for k, o := range ops {
		if o.kind != ' ' {
			for n := max(0, k-context); n <= min(len(ops)-1, k+context); n++ {
				show[n] = true
			}
		}
	}
	var out strings.Builder
	skipped := false
	for k, o := range ops {
		if !show[k] {
			if !skipped {
				out.WriteString("  …\n")
			}
			skipped = true
			continue
		}
		skipped = false
		fmt.Fprintf(&out, "%c %s\n", o.kind, o.line)
	}
	return out.String()
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func firstDifference(a, b []string) string {
	for i := 0; ; i++ {
		switch {
		case i >= len(a):
			return fmt.Sprintf("line %d: want the end, got\n+ %s\n", i+1, b[i])
		case i >= len(b):
			return fmt.Sprintf("line %d: want\n- %s\ngot the end\n", i+1, a[i])
		case a[i] != b[i]:
			return fmt.Sprintf("line %d:\n- %s\n+ %s\n", i+1, a[i], b[i])
		}
	}
}
