package findings

import (
	"strconv"
	"testing"
	"unicode/utf8"
)

// TestWordCodesDistinct: every distinct word of a long text gets a rune of
// its own, a valid one (runes past U+10FFFF would all read as U+FFFD and
// make different words equal to the differ).
func TestWordCodesDistinct(t *testing.T) {
	words := make([]string, 200_000)
	for i := range words {
		words[i] = strconv.Itoa(i)
	}
	var wc wordCodes
	seen := map[rune]bool{}
	for _, r := range wc.encode(words) {
		if !utf8.ValidRune(r) || r == utf8.RuneError || seen[r] {
			t.Fatalf("rune %U given twice or invalid", r)
		}
		seen[r] = true
	}
	if len(seen) != len(words) {
		t.Errorf("%d runes for %d words", len(seen), len(words))
	}
	if got := wc.byRune[wc.codes["199999"]]; got != "199999" {
		t.Errorf("decoded %q", got)
	}
}
