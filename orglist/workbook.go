package orglist

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Bounds of a workbook read: its parts unzipped (a zip bomb stops there),
// and the part held in memory, beyond which excelize uses a temporary file.
const (
	maxUnzipped    = 512 << 20
	maxUnzippedXML = 64 << 20
)

// readWorkbook reads a sheet of an Excel workbook as a list: its rows are
// the records a CSV file would give, with the values as Excel shows them
// (a number as "4830352", a date as its format writes it).
func readWorkbook(r io.Reader, format Format, sheet string) (list *List, err error) {
	// excelize is a large parser of untrusted input: a panic in it is a
	// workbook that cannot be read, not a crash
	defer func() {
		if p := recover(); p != nil {
			list, err = nil, fmt.Errorf("orglist: %w: the workbook could not be read (%v)", ErrFormat, p)
		}
	}()
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzippedXML})
	if err != nil {
		return nil, fmt.Errorf("orglist: %w: not a workbook s54 can read (%v)", ErrFormat, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	switch {
	case len(sheets) == 0:
		return nil, fmt.Errorf("orglist: %w: the workbook has no sheet", ErrFormat)
	case sheet == "":
		sheet = sheets[0]
	case !slices.Contains(sheets, sheet):
		return nil, fmt.Errorf("orglist: %w: the workbook has no sheet %q (it has %s)", ErrFormat, sheet, quoteAll(sheets))
	}
	all, err := f.GetRows(sheet)
	if err != nil {
		return nil, fmt.Errorf("orglist: %w: sheet %q: %v", ErrFormat, sheet, err)
	}
	list, err = read(&sheetRows{rows: all}, format)
	if err != nil {
		return nil, err
	}
	list.Sheet = sheet
	return list, nil
}

// sheetRows are a sheet's rows, numbered as Excel numbers them.
type sheetRows struct {
	rows [][]string
	i    int
}

func (s *sheetRows) next() ([]string, int, error) {
	if s.i >= len(s.rows) {
		return nil, 0, io.EOF
	}
	s.i++
	return s.rows[s.i-1], s.i, nil
}

func (s *sheetRows) unit() string { return "row" }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
