package orglist_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/orglist"
	"github.com/s54dev/s54/statement"
)

// hostile are names a register may hold that a spreadsheet would run as
// formulas; export writes them with a leading apostrophe.
var hostile = []string{
	`=HYPERLINK("http://evil","x")`,
	"=1+2",
	"@SUM(A1)",
	"+cmd|' /C calc'!A0",
	"-2+3",
	"'=1+2",
	"''@x",
	"'0123 Ltd",
	"-12.5",
	"\t=1+2",
	"\r=1+2",
}

// TestRegisterRoundTrip: the register exported as CSV and imported again
// gives back the same names and sectors.
func TestRegisterRoundTrip(t *testing.T) {
	t.Parallel()
	var entries []statement.RegisterEntry
	for i, h := range hostile {
		entries = append(entries, statement.RegisterEntry{
			CompanyNumber: fmt.Sprintf("%08d", i+1), Name: h, Sector: h, Postcode: "LE1 1AA",
			Status: statement.NotChecked, Scope: statement.ScopeUnknown,
		})
	}
	var b bytes.Buffer
	if err := export.RegisterCSV(&b, entries); err != nil {
		t.Fatal(err)
	}
	l, err := orglist.Read(&b, orglist.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != orglist.FormatS54 || len(l.Orgs) != len(hostile) {
		t.Fatalf("format %s, %d organisations: %s", l.Format, len(l.Orgs), problems(l))
	}
	for i, h := range hostile {
		// the importer folds white space in names and trims it around
		// other cells, exported or not
		name, sector := strings.Join(strings.Fields(h), " "), strings.TrimSpace(h)
		if o := l.Orgs[i]; o.Name != name || o.Sector != sector {
			t.Errorf("%q came back as name %q sector %q", h, o.Name, o.Sector)
		}
	}
}

// TestImportRestoresGuardedCells: each format read takes off the
// apostrophe a spreadsheet or an exporter put before a formula character.
func TestImportRestoresGuardedCells(t *testing.T) {
	t.Parallel()
	for format, body := range map[orglist.Format]string{
		orglist.FormatS54: "company_number,name,website,postcode,turnover,sector\n" +
			"01234567,'=1+2 Ltd,,LE1 1AA,,'@Sector\n",
		orglist.FormatHomeOffice: "OrganisationName,Address1,PostCode,Sector,CompanyNumber,SICCode\n" +
			"'=1+2 Ltd,1 High St,LE1 1AA,Private,01234567,'-12\n",
		orglist.FormatGovUKRegistry: "StatementYear,OrganisationName,Address,CompanyNumber,StatementURL,OrganisationSectors,Turnover\n" +
			"2024,'=1+2 Ltd,\"1 High St\nLE1 1AA\",01234567,https://a.example/msa,'@Sector,Over £500 million\n",
		orglist.FormatCompaniesHouse: "CompanyName,CompanyNumber,RegAddress.PostCode,SICCode.SicText_1\n" +
			"'=1+2 Ltd,01234567,LE1 1AA,'-12\n",
	} {
		l, err := orglist.Read(strings.NewReader(body), orglist.FormatAuto)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if l.Format != format || len(l.Orgs) != 1 {
			t.Fatalf("%s: read as %s, %+v", format, l.Format, l.Orgs)
		}
		o := l.Orgs[0]
		if o.Name != "=1+2 Ltd" {
			t.Errorf("%s: name %q", format, o.Name)
		}
		if (format == orglist.FormatS54 || format == orglist.FormatGovUKRegistry) && o.Sector != "@Sector" {
			t.Errorf("%s: sector %q", format, o.Sector)
		}
		if (format == orglist.FormatHomeOffice || format == orglist.FormatCompaniesHouse) && o.SIC != "-12" {
			t.Errorf("%s: SIC %q", format, o.SIC)
		}
	}
}
