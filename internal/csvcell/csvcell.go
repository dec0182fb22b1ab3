// Package csvcell keeps spreadsheet formulas out of the CSV files s54
// writes (CSV injection: an organisation named `=HYPERLINK(…)` must not
// become a live formula in the spreadsheet of the person who opens the
// register), and takes the guard off again when s54 reads a list back.
//
// The rule is OWASP's: a cell that begins with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, which spreadsheets read as
// "this is text". A cell that is a plain decimal number ("-12.5", "+44",
// "36000000") is left alone: spreadsheets read it as a number, not a
// formula, and an apostrophe would turn a number into text.
package csvcell

import (
	"encoding/csv"
	"io"
	"strings"
)

// triggers are the first characters that make a spreadsheet read a cell
// as a formula (or, for tab and carriage return, hide one after them).
const triggers = "=+-@\t\r"

// Neutralise returns s as a CSV cell that no spreadsheet runs as a formula.
// A cell that already begins with apostrophes before a trigger gets one
// more, so that Restore gives back exactly s.
func Neutralise(s string) string {
	if guarded(s) && !isNumber(s) {
		return "'" + s
	}
	return s
}

// Restore undoes Neutralise: an apostrophe before a trigger (or before
// more apostrophes and a trigger) is dropped. Other cells, numbers and
// Excel's "'0123" that keeps a leading zero among them, come back as they
// are.
func Restore(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && guarded(rest) {
		return rest
	}
	return s
}

// guarded reports whether s begins with a trigger, after any apostrophes.
func guarded(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.IndexByte(triggers, s[0]) >= 0
}

// isNumber reports whether s is a plain decimal number: an optional sign,
// digits, and optionally a point and more digits.
func isNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	whole, frac, point := strings.Cut(s, ".")
	return digits(whole) && (!point || digits(frac))
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Writer is a csv.Writer whose every cell goes through Neutralise: every
// CSV s54 writes goes through one.
type Writer struct {
	cw  *csv.Writer
	rec []string
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{cw: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised.
func (w *Writer) Write(record []string) error {
	w.rec = w.rec[:0]
	for _, c := range record {
		w.rec = append(w.rec, Neutralise(c))
	}
	return w.cw.Write(w.rec)
}

// Flush writes any buffered data and returns the first error of any write
// or of the flush.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}
