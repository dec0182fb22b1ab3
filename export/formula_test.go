package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/statement"
)

// hostile are names and sectors an attacker could get into the register
// (an imported list, a company's own registration) to run a formula in
// the spreadsheet of whoever opens the register.
var hostile = []string{
	`=HYPERLINK("http://evil","x")`,
	"=1+2",
	"@SUM(A1)",
	"+cmd|' /C calc'!A0",
	"-2+3",
	"\t=1+2",
	"\r=1+2",
	"'=1+2",
}

func hostileEntries() []statement.RegisterEntry {
	var es []statement.RegisterEntry
	for i, h := range hostile {
		es = append(es, statement.RegisterEntry{
			CompanyNumber: "0000000" + string(rune('1'+i)),
			Name:          h, Sector: h, Status: statement.NotChecked, Scope: statement.ScopeUnknown,
			Turnover: statement.Turnover{Text: h}, Failure: h,
		})
	}
	return es
}

var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

func TestRegisterCSVNoFormulas(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := export.RegisterCSV(&b, hostileEntries()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, cell := range row {
			if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 && !plainNumber.MatchString(cell) {
				t.Errorf("row %d column %s: %q starts a formula", r, rows[0][c], cell)
			}
		}
	}
	for i, h := range hostile {
		if got := rows[i+1][1]; got != "'"+h {
			t.Errorf("name %q written as %q, want %q", h, got, "'"+h)
		}
	}
}

// TestRegisterXLSXFormulaIsText: the workbook stores every value as a
// string or a number, never a formula, so it needs no apostrophe.
func TestRegisterXLSXFormulaIsText(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := export.RegisterXLSX(&b, []export.Sheet{{Name: "Register", Entries: hostileEntries()}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, h := range hostile {
		cell, _ := excelize.CoordinatesToCellName(2, i+2) // the name column
		if formula, err := f.GetCellFormula("Register", cell); err != nil || formula != "" {
			t.Errorf("%s (%q): formula %q %v", cell, h, formula, err)
		}
		typ, err := f.GetCellType("Register", cell)
		if err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Errorf("%s (%q): type %v %v, want a string", cell, h, typ, err)
		}
		if v, _ := f.GetCellValue("Register", cell); v != strings.ReplaceAll(h, "\r", "\n") && v != h {
			t.Errorf("%s: value %q, want %q", cell, v, h)
		}
	}
	// and in the file itself: no <f> element anywhere
	if bytes.Contains(unzipSheet(t, b.Bytes()), []byte("<f>")) {
		t.Error("sheet1.xml holds a formula")
	}
}

func unzipSheet(t *testing.T, xlsx []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatal("no sheet1.xml")
	return nil
}
