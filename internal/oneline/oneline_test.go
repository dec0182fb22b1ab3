package oneline_test

import (
	"testing"

	"github.com/s54dev/s54/internal/oneline"
)

func TestOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                             "",
		"  one\n":                      "one",
		"open a.pdf:\n\tno such file ": "open a.pdf: no such file",
		"a\u00a0b\r\nc":                "a b c",
	} {
		if got := oneline.Of(in); got != want {
			t.Errorf("Of(%q) = %q, want %q", in, got, want)
		}
	}
}
