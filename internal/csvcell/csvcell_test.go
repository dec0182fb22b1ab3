package csvcell_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"github.com/s54dev/s54/internal/csvcell"
)

func TestNeutralise(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil","x")`: `'=HYPERLINK("http://evil","x")`,
		"=1+2":                          "'=1+2",
		"@SUM(A1)":                      "'@SUM(A1)",
		"+cmd|' /C calc'!A0":            "'+cmd|' /C calc'!A0",
		"-2+3":                          "'-2+3",
		"\t=1+2":                        "'\t=1+2",
		"\r=1+2":                        "'\r=1+2",
		"'=1+2":                         "''=1+2", // so that Restore gives it back
		"-":                             "'-",
		"+44 20 7946 0000":              "'+44 20 7946 0000",
		"-1e5":                          "'-1e5",
		"-.5":                           "'-.5",
		// plain numbers: read as numbers, never as formulas
		"-12.5": "-12.5", "+44": "+44", "36000000": "36000000", "-3": "-3",
		// harmless
		"":                      "",
		"Harbourside Foods Ltd": "Harbourside Foods Ltd",
		"'0123":                 "'0123",
		"A=1":                   "A=1",
		"'":                     "'",
	} {
		got := csvcell.Neutralise(in)
		if got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
		if back := csvcell.Restore(got); back != in {
			t.Errorf("Restore(Neutralise(%q)) = %q", in, back)
		}
	}
}

func TestRestoreLeavesOthers(t *testing.T) {
	t.Parallel()
	// what a person typed, or Excel wrote, that Neutralise would not have
	for _, s := range []string{"'0123", "'Quoted'", "It's", "'", "''", "-12.5", "=1+2"} {
		if got := csvcell.Restore(s); got != s {
			t.Errorf("Restore(%q) = %q", s, got)
		}
	}
	if got := csvcell.Restore("'-12.5"); got != "-12.5" {
		t.Errorf("Restore('-12.5) = %q", got)
	}
}

func TestWriter(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := csvcell.NewWriter(&b)
	if err := w.Write([]string{"=1+2", "a,b", "-7"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "'=1+2,\"a,b\",-7\n" {
		t.Errorf("wrote %q", got)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 1 || rows[0][0] != "'=1+2" {
		t.Errorf("read back %q %v", rows, err)
	}
}

var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"=1+2", "'=1", "''@", "-12.5", "\t", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := csvcell.Neutralise(s)
		if csvcell.Restore(n) != s {
			t.Fatalf("Restore(Neutralise(%q)) = %q", s, csvcell.Restore(n))
		}
		if n != "" && strings.IndexByte("=+-@\t\r", n[0]) >= 0 && !plainNumber.MatchString(n) {
			t.Fatalf("Neutralise(%q) = %q starts a formula", s, n)
		}
	})
}
