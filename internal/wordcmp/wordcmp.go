// Package wordcmp compares two texts word by word, as the PDF extraction
// quality is measured against poppler's pdftotext: by the test suite and by
// the benchmark tool alike.
package wordcmp

import (
	"strings"
	"unicode"
)

// Overlap counts the words ref and got share as multisets, with surrounding
// punctuation trimmed, and the words of each.
func Overlap(ref, got string) (common, refWords, gotWords int) {
	r, nr := count(ref)
	g, ng := count(got)
	for w, n := range r {
		common += min(n, g[w])
	}
	return common, nr, ng
}

// RecallPrecision is Overlap as word recall and precision of got against ref.
func RecallPrecision(ref, got string) (recall, precision float64) {
	c, nr, ng := Overlap(ref, got)
	return float64(c) / float64(max(nr, 1)), float64(c) / float64(max(ng, 1))
}

func count(s string) (map[string]int, int) {
	m, n := map[string]int{}, 0
	for _, w := range strings.Fields(s) {
		w = strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
		if w != "" {
			m[w]++
			n++
		}
	}
	return m, n
}
