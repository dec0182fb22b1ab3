package golden_test

import (
	"testing"

	"github.com/s54dev/s54/internal/golden"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ want, got, diff string }{
		{"a\nb\n", "a\nb\n", ""},
		{"a\nb\nc\n", "a\nx\nc\n", "  a\n- b\n+ x\n  c\n"},
		{"a\n", "a\nb\n", "  a\n+ b\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\n5\n6\n7\n8\nnine\n", "  …\n  6\n  7\n  8\n- 9\n+ nine\n"},
		{"x\n", "", "- x\n"},
	} {
		if got := golden.Diff(tc.want, tc.got); got != tc.diff {
			t.Errorf("Diff(%q, %q) =\n%s\nwant\n%s", tc.want, tc.got, got, tc.diff)
		}
	}
}
