package orglist_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/orglist"
	"github.com/s54dev/s54/statement"
)

// exported are register entries as s54 writes them: turnover figures and
// bands, websites a person gave and derived, none, names in need of the
// formula guard.
func exported() []statement.RegisterEntry {
	return []statement.RegisterEntry{
		{CompanyNumber: "03926343", Name: "Abel & Cole Limited", Postcode: "HU1 2AA", Region: "humber", RegionName: "Humber", Sector: "Food",
			Turnover: statement.Turnover{Min: 36e6, Max: 60e6}, Website: "https://www.abelandcole.example", WebsiteSource: statement.WebsiteFromList,
			Status: statement.NotChecked, Scope: statement.InScope},
		{CompanyNumber: "SC000123", Name: "Thistle Logistics Ltd", Postcode: "EH1 1YZ", Turnover: statement.Turnover{Min: 500e6},
			Website: "https://thistle.example", WebsiteSource: statement.WebsiteDerived, Status: statement.NotChecked, Scope: statement.InScope},
		{CompanyNumber: "00000042", Name: "=HYPERLINK(\"http://evil\",\"x\") Ltd", Postcode: "LE1 1AA", Turnover: statement.Turnover{Max: 30e6},
			Status: statement.NotChecked, Scope: statement.OutOfScope},
		{CompanyNumber: "00000043", Name: "Café Flöra Limited", Postcode: "SO14 7DX", Turnover: statement.Turnover{Min: 45e6, Max: 45e6},
			Status: statement.NotChecked, Scope: statement.InScope},
		{CompanyNumber: "00000044", Name: "No Turnover Ltd", Postcode: "SO14 7DX", Turnover: statement.Turnover{Text: "about forty million"},
			Status: statement.NotChecked, Scope: statement.ScopeUnknown},
	}
}

// TestRegisterImportsBack: the register downloaded as CSV or as a workbook
// imports back as it was: names, numbers, postcodes, sectors, websites and
// where they came from, and turnover from its text ("£36m–£60m", "over
// £500m").
func TestRegisterImportsBack(t *testing.T) {
	t.Parallel()
	var csvFile, xlsx bytes.Buffer
	if err := export.RegisterCSV(&csvFile, exported()); err != nil {
		t.Fatal(err)
	}
	if err := export.RegisterXLSX(&xlsx, []export.Sheet{{Name: "Humber", Entries: exported()}}); err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string]*bytes.Buffer{"csv": &csvFile, "xlsx": &xlsx} {
		l, err := orglist.Read(file, orglist.FormatAuto)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if l.Format != orglist.FormatS54 || len(l.Orgs) != len(exported()) {
			t.Fatalf("%s: %s, %d organisations: %s", name, l.Format, len(l.Orgs), problems(l))
		}
		if (name == "xlsx") != (l.Sheet == "Humber") {
			t.Errorf("%s: sheet %q", name, l.Sheet)
		}
		for i, e := range exported() {
			o := l.Orgs[i]
			want := statement.Org{CompanyNumber: e.CompanyNumber, Name: e.Name, Postcode: e.Postcode, Sector: e.Sector,
				Website: e.Website, WebsiteSource: e.WebsiteSource, Source: "s54"}
			got := o
			got.Turnover = statement.Turnover{}
			if got != want {
				t.Errorf("%s: row %d:\n got %+v\nwant %+v", name, i+2, got, want)
			}
			if o.Turnover.Min != e.Turnover.Min || o.Turnover.Max != e.Turnover.Max || o.Turnover.Scope() != e.Scope {
				t.Errorf("%s: %s: turnover %+v, want %+v", name, e.Name, o.Turnover, e.Turnover)
			}
		}
		if strings.Contains(problems(l), "turnover \"£") {
			t.Errorf("%s: a turnover s54 wrote is not understood:\n%s", name, problems(l))
		}
	}
}

// workbook makes an .xlsx file: sheets of rows, numbers as numbers.
func workbook(t *testing.T, sheets map[string][][]any, order ...string) *bytes.Buffer {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return &b
}

// TestWorkbookAsPeopleMakeThem: the Home Office list saved as a workbook
// by hand: a title row, numbers typed as numbers (the company number's
// leading zeros gone), a second sheet asked for by name.
func TestWorkbookAsPeopleMakeThem(t *testing.T) {
	t.Parallel()
	sheets := map[string][][]any{
		"Notes": {{"Organisations in our region, from the Home Office"}},
		"Humber": {
			{},
			{"OrganisationName", "Address1", "PostCode", "Sector", "CompanyNumber", "SICCode"},
			{"ABEL & COLE LIMITED", "1 High St", "HU1 2AA", "Private", 3926343, 47910},
			{"Quote \"Q\" Limited", "2 High St", "hu1 3aa", "Private", "SC005653", 10890},
			{"", "3 High St", "HU1 4AA", "Private", 1234, 10890},
			{"Abel and Cole Ltd", "1 High St", "HU1 2AA", "Private", "03926343", 47910},
		},
	}
	file := workbook(t, sheets, "Notes", "Humber")
	if _, err := orglist.Read(bytes.NewReader(file.Bytes()), orglist.FormatAuto); !errors.Is(err, orglist.ErrFormat) {
		t.Errorf("the first sheet, which is notes: %v", err)
	}
	l, err := orglist.ReadSheet(bytes.NewReader(file.Bytes()), orglist.FormatAuto, "Humber")
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != orglist.FormatHomeOffice || l.Sheet != "Humber" || len(l.Orgs) != 2 {
		t.Fatalf("%s %q %+v", l.Format, l.Sheet, l.Orgs)
	}
	if o := l.Orgs[0]; o.CompanyNumber != "03926343" || o.Name != "Abel and Cole Ltd" || o.Postcode != "HU1 2AA" || o.SIC != "47910" {
		t.Errorf("first: %+v", o)
	}
	if o := l.Orgs[1]; o.CompanyNumber != "SC005653" || o.Postcode != "HU1 3AA" {
		t.Errorf("second: %+v", o)
	}
	got := problems(l)
	for _, want := range []string{"5 true no organisation name", "6 false same organisation as row 3 (company 03926343); merged"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q (rows numbered as Excel numbers them):\n%s", want, got)
		}
	}
	if _, err := orglist.ReadSheet(bytes.NewReader(file.Bytes()), orglist.FormatAuto, "Hull"); err == nil ||
		!strings.Contains(err.Error(), `no sheet "Hull" (it has "Notes", "Humber")`) {
		t.Errorf("a sheet it lacks: %v", err)
	}
}

func TestNotAWorkbook(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		data  []byte
		sheet string
		want  string
	}{
		"xls":          {[]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0}, "", "Excel 97-2003 workbook (.xls)"},
		"broken zip":   {[]byte("PK\x03\x04 not really a zip file at all"), "", "not a workbook"},
		"csv, a sheet": {[]byte("company_number,name\n1,A Ltd\n"), "Humber", "not a workbook"},
		"empty sheet":  {workbook(t, map[string][][]any{"Empty": {}}, "Empty").Bytes(), "", "empty"},
	} {
		_, err := orglist.ReadSheet(bytes.NewReader(c.data), orglist.FormatAuto, c.sheet)
		if !errors.Is(err, orglist.ErrFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
