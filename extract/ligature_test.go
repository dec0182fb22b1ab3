package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMendDroppedLigatures(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"slavery and human tra cking", "slavery and human trafficking"},
		{"Tra cking risks were identi ed", "Trafficking risks were identified"},
		{"an e ective process; our o ce; the o cers", "an effective process; our office; the officers"},
		{"it in uences and re ects", "it influences and reflects"},
		{"during the nancial year", "during the financial year"},
		{"nancial year\nrst, the scal year", "financial year\nfirst, the fiscal year"},
		{"con rm, certi ed, speci cally, signi cant", "confirm, certified, specifically, significant"},
		{"sta ng levels; de ned terms", "staffing levels; defined terms"},
		// left alone: real words either side of a space
		{"the FLA's code of conduct", "the FLA's code of conduct"},
		{"a scale of five; in use; at last", "a scale of five; in use; at last"},
		{"pro bono, de novo", "pro bono, de novo"},
		{"our sta members", "our sta members"}, // a glyph that ended the word: "sta" could be anything
		{"café tra cking", "café trafficking"},
		{"écra cking", "écra cking"},
		{"nancially", "financially"},
		{"", ""},
	} {
		if got := mendDroppedLigatures(c.in); got != c.want {
			t.Errorf("mendDroppedLigatures(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestTidyTextMendsLigatures: every format goes through tidyText, and the
// mending keeps its contract (no double spaces, trimmed lines).
func TestTidyTextMendsLigatures(t *testing.T) {
	got := tidyText("  Modern slavery and human  tra cking \r\n\r\n statement for the  nancial year ")
	want := "Modern slavery and human trafficking\n\nstatement for the financial year"
	if got != want {
		t.Errorf("tidyText = %q, want %q", got, want)
	}
}

func BenchmarkMendDroppedLigatures(b *testing.B) {
	text := strings.Repeat("We identify and assess the risk of slavery and human trafficking in our supply chains. ", 2000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		mendDroppedLigatures(text)
	}
}

// TestLigatureStemsFit: the piece before a gap fits mendDroppedLigatures'
// buffer.
func TestLigatureStemsFit(t *testing.T) {
	for before := range ligatureRepairs {
		if len(before) > 8 {
			t.Errorf("%q: longer than the 8 bytes mendDroppedLigatures looks up", before)
		}
	}
}

// FuzzMendDroppedLigatures: mending never splits a word or breaks UTF-8,
// and a mended text needs no more.
func FuzzMendDroppedLigatures(f *testing.F) {
	f.Add("human tra cking; the nancial year; Identi ed; o ce")
	f.Add("nal")
	f.Add("a ected é cking \n rst")
	f.Fuzz(func(t *testing.T, s string) {
		got := mendDroppedLigatures(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("%q: invalid UTF-8 %q", s, got)
		}
		if len(strings.Fields(got)) > len(strings.Fields(s)) {
			t.Fatalf("%q: more words in %q", s, got)
		}
		if again := mendDroppedLigatures(got); again != got {
			t.Fatalf("%q: mended twice %q then %q", s, got, again)
		}
	})
}
