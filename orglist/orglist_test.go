package orglist_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/orglist"
	"github.com/s54dev/s54/statement"
)

func read(t *testing.T, name string, f orglist.Format) *orglist.List {
	t.Helper()
	fh, err := os.Open(filepath.Join("../testdata/orgs", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	l, err := orglist.Read(fh, f)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func problems(l *orglist.List) string {
	var b strings.Builder
	for _, p := range l.Problems {
		fmt.Fprintf(&b, "%d %v %s\n", p.Line, p.Skipped, p.Reason)
	}
	return b.String()
}

func TestOwnFormat(t *testing.T) {
	t.Parallel()
	l := read(t, "own.csv", orglist.FormatAuto)
	if l.Format != orglist.FormatS54 || l.Rows != 7 {
		t.Fatalf("format %s rows %d", l.Format, l.Rows)
	}
	want := []statement.Org{
		{CompanyNumber: "04830352", Name: "Harbourside Foods Limited", Website: "https://harbourside.example", WebsiteSource: statement.WebsiteFromList, Postcode: "SO14 7DX",
			Sector: "Food", Turnover: statement.Turnover{Min: 500e6, Text: "over £500m"}, Source: "s54"},
		{CompanyNumber: "SC000123", Name: "Thistle Logistics Ltd", Website: "https://www.thistle.example", WebsiteSource: statement.WebsiteFromList, Postcode: "EH1 1YZ",
			Sector: "Transport", Turnover: statement.Turnover{Min: 36e6, Max: 60e6, Text: "£36m-£60m"}, Source: "s54"},
		{Name: "No Number Trust", Postcode: "LE1 5FQ", Sector: "Charity", Source: "s54"},
		{Name: "Bad Number Ltd", Postcode: "PO1 3AX", Source: "s54"},
		{CompanyNumber: "OC301234", Name: "Carrow & Finch LLP", Website: "https://carrow.example", WebsiteSource: statement.WebsiteFromList, Postcode: "LE1 6AA",
			Sector: "Professional services", Turnover: statement.Turnover{Text: "about forty million"}, Source: "s54"},
	}
	if len(l.Orgs) != len(want) {
		t.Fatalf("%d organisations: %+v", len(l.Orgs), l.Orgs)
	}
	for i := range want {
		if l.Orgs[i] != want[i] {
			t.Errorf("org %d:\n got %+v\nwant %+v", i, l.Orgs[i], want[i])
		}
	}
	got := problems(l)
	for _, w := range []string{
		`5 false company number "12345678901" is not valid; kept without it`,
		"6 true no organisation name",
		"7 false same organisation as line 2 (company 04830352); merged",
		`8 false turnover "about forty million" not understood; turnover kept as unknown`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
}

func TestHomeOfficeWindows1252(t *testing.T) {
	t.Parallel()
	l := read(t, "home-office-1252.csv", orglist.FormatAuto)
	if l.Format != orglist.FormatHomeOffice || !l.Latin1 {
		t.Fatalf("format %s latin1 %v", l.Format, l.Latin1)
	}
	if got := l.Orgs[0]; got.Name != "Café Flöra Limited" || got.Postcode != "HU1 2AA" || got.CompanyNumber != "00987654" ||
		got.Sector != "Accommodation and food services" {
		t.Errorf("first %+v", got)
	}
	if got := l.Orgs[1]; got.Name != `Quote "Q" Limited` || got.Postcode != "LE1 5FQ" || got.CompanyNumber != "SC005653" {
		t.Errorf("second %+v", got)
	}
}

func TestGovUKRegistry(t *testing.T) {
	t.Parallel()
	l := read(t, "govuk.csv", orglist.FormatAuto)
	if l.Format != orglist.FormatGovUKRegistry || len(l.Orgs) != 2 {
		t.Fatalf("format %s orgs %+v", l.Format, l.Orgs)
	}
	k := l.Orgs[0]
	// the later row of the same company (2023) is merged into the first
	if k.CompanyNumber != "01234567" || k.Postcode != "SO14 2AA" || k.Website != "https://www.kestrel.example" ||
		k.Sector != "Retail" || k.Turnover.Min != 500e6 || k.StatementURL == "" {
		t.Errorf("kestrel %+v", k)
	}
	n := l.Orgs[1]
	if n.CompanyNumber != "NI034218" || n.Postcode != "TF3 4NT" || n.StatementURL != "" || n.Turnover.Min != 60e6 || n.Turnover.Max != 100e6 {
		t.Errorf("northfield %+v", n)
	}
	if !strings.Contains(problems(l), `StatementURL "not a url" is not a web address`) {
		t.Errorf("problems %s", problems(l))
	}
}

func TestCompaniesHouse(t *testing.T) {
	t.Parallel()
	l := read(t, "companies-house.csv", orglist.FormatAuto)
	if l.Format != orglist.FormatCompaniesHouse || len(l.Orgs) != 1 {
		t.Fatalf("format %s orgs %+v", l.Format, l.Orgs)
	}
	if o := l.Orgs[0]; o.CompanyNumber != "05551234" || o.Postcode != "WR1 1DB" || o.Sector != "Manufacturing" {
		t.Errorf("%+v", o)
	}
	if !strings.Contains(problems(l), "3 true company status is Dissolved") {
		t.Errorf("problems %s", problems(l))
	}
}

func TestBadFiles(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		body   string
		format orglist.Format
		want   string
	}{
		"empty":            {"", orglist.FormatAuto, "the file is empty"},
		"unknown header":   {"a,b,c\n1,2,3\n", orglist.FormatAuto, "is not one of the formats"},
		"missing columns":  {"company_number,website\n1,x\n", orglist.FormatS54, "lacks name"},
		"bare quote":       {"company_number,name\n1,\"unterminated\n", orglist.FormatAuto, "line 2"},
		"binary":           {"\x00\x01\x02\x03", orglist.FormatAuto, "not one of the formats"},
		"wrong format arg": {"name\nx\n", orglist.Format("excel"), `unknown format "excel"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := orglist.Read(strings.NewReader(tc.body), tc.format)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if name != "wrong format arg" && !errors.Is(err, orglist.ErrFormat) {
				t.Errorf("err %v does not wrap ErrFormat", err)
			}
		})
	}
}

func TestNormalizeCompanyNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"4830352": "04830352", "04830352": "04830352", " 123 ": "00000123", "sc123": "SC000123", "SC156515": "SC156515",
		"NI030281": "NI030281", "OC312644": "OC312644", "so301234": "SO301234", "IP28985R": "IP28985R", "R0000035": "R0000035", "'0123": "00000123",
		"": "",
	} {
		got, err := orglist.NormalizeCompanyNumber(in)
		if err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"123456789", "0", "ABC12", "12-34", "ABCDEF12"} {
		if got, err := orglist.NormalizeCompanyNumber(bad); err == nil {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
}

func TestParseTurnover(t *testing.T) {
	t.Parallel()
	m := func(min, max int64) statement.Turnover { return statement.Turnover{Min: min, Max: max} }
	for in, want := range map[string]statement.Turnover{
		"45000000": m(45e6, 45e6), "£45,000,000": m(45e6, 45e6), "£45m": m(45e6, 45e6), "1.2bn": m(1.2e9, 1.2e9),
		"£36m-£60m": m(36e6, 60e6), "36-60m": m(36e6, 60e6), "£36 million to £60 million": m(36e6, 60e6),
		"Over £500 million": m(500e6, 0), "Under £36 million": m(0, 36e6), "£100 million to £500 million": m(100e6, 500e6),
		"£500m+": m(500e6, 0), "£36m–£60m": m(36e6, 60e6), "36-60 million": m(36e6, 60e6), "36000000": m(36e6, 36e6),
		"Between £36m and £60m": m(36e6, 60e6), "£36,000,000 - £60,000,000": m(36e6, 60e6), "GBP 45m": m(45e6, 45e6),
		"£1.2 bn": m(1.2e9, 1.2e9), "<£36m": m(0, 36e6), "£500m or more": m(500e6, 0), "£500k": m(500e3, 500e3),
	} {
		got, err := orglist.ParseTurnover(in)
		got.Text = ""
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", in, got, err, want)
		}
	}
	// not a figure nor a band: unknown, never the digits picked out of it
	// (a postcode in the wrong column was once read as £1, "1A2B" as £2bn)
	for _, bad := range []string{"unknown", "n/a", "N/A", "1 2 3", "LE1 1AA", "SO14 7DX", "see accounts", "1A2B",
		"SC123456", "£36m turnover 2023", "36mx", "£", "-", "36m-", "over", "2023/24: £45m"} {
		if _, err := orglist.ParseTurnover(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if s := (statement.Turnover{Min: 36e6, Max: 60e6}).Scope(); s != statement.InScope {
		t.Errorf("£36m–£60m scope %s", s)
	}
	if s := (statement.Turnover{Max: 36e6}).Scope(); s != statement.ScopeUnknown {
		t.Errorf("under £36m is %s: a band that ends at the threshold cannot tell", s)
	}
}

// TestRealLists reads the real published lists of ../shared/corpus.
func TestRealLists(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "shared", "corpus", "registry")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared corpus")
	}
	for file, want := range map[string]struct {
		format orglist.Format
		orgs   int
	}{
		"govuk_msu_import_private_orgs_full.csv":                     {orglist.FormatHomeOffice, 16212},
		"govuk_StatementSummaries2022_food_and_beverages_subset.csv": {orglist.FormatGovUKRegistry, 668},
		"govuk_msu_import_public_orgs_full.csv":                      {orglist.FormatHomeOffice, 2220},
		// not one of the formats s54 reads: a clear error, not a wrong import
		"bhrrc_db_statements.csv": {"", 0},
	} {
		fh, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		l, err := orglist.Read(fh, orglist.FormatAuto)
		fh.Close()
		if want.format == "" {
			if !errors.Is(err, orglist.ErrFormat) {
				t.Errorf("%s: %v, want ErrFormat", file, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if l.Format != want.format || len(l.Orgs) != want.orgs {
			t.Errorf("%s: %s with %d organisations, want %s with %d", file, l.Format, len(l.Orgs), want.format, want.orgs)
		}
	}
}

func TestOwnFormatStatementURL(t *testing.T) {
	t.Parallel()
	in := "company_number,name,website,postcode,turnover,sector,statement_url\n" +
		"01234567,Alder Ltd,https://alder.example,SO14 3TJ,,,https://alder.example/msa.pdf\n" +
		"02345678,Birch Ltd,https://birch.example,,,,not a url\n"
	l, err := orglist.Read(strings.NewReader(in), orglist.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Orgs) != 2 || l.Orgs[0].StatementURL != "https://alder.example/msa.pdf" || l.Orgs[1].StatementURL != "" {
		t.Fatalf("orgs %+v", l.Orgs)
	}
	if !strings.Contains(problems(l), `statement_url "not a url" is not a web address`) {
		t.Errorf("problems: %s", problems(l))
	}
}

// TestTurnoverNotUnderstood: junk in the turnover column is kept as an
// unknown turnover, with a note in the import report.
func TestTurnoverNotUnderstood(t *testing.T) {
	t.Parallel()
	junk := []string{"LE1 1AA", "N/A", "see accounts", "1A2B"}
	in := "company_number,name,website,postcode,turnover,sector\n"
	for i, j := range junk {
		in += fmt.Sprintf("0100000%d,Org %d Ltd,,LE1 1AA,%s,\n", i+1, i+1, j)
	}
	l, err := orglist.Read(strings.NewReader(in), orglist.FormatS54)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Orgs) != len(junk) {
		t.Fatalf("%d organisations", len(l.Orgs))
	}
	got := problems(l)
	for i, j := range junk {
		o := l.Orgs[i]
		if o.Turnover.Known() || o.Turnover.Text != j || o.Turnover.Scope() != statement.ScopeUnknown {
			t.Errorf("%q read as %+v (%s)", j, o.Turnover, o.Turnover.Scope())
		}
		if w := fmt.Sprintf("%d false turnover %q not understood; turnover kept as unknown", i+2, j); !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
}

// TestWebsiteFromStatementURL: the registry has no websites; the host of a
// statement's address gives one, marked derived, unless it keeps documents
// for others (the registry itself, a CDN, cloud storage, a file share).
func TestWebsiteFromStatementURL(t *testing.T) {
	t.Parallel()
	csv := "StatementYear,OrganisationName,Address,CompanyNumber,StatementURL\n" +
		"2022,Own Site Ltd,HU1 2AA,00000001,https://www.ownsite.example/msa.pdf\n" +
		"2022,Registry Ltd,HU1 2AA,00000002,https://downloads.modern-slavery-statement-registry.service.gov.uk/publicdownloads/x.pdf\n" +
		"2022,Bucket Ltd,HU1 2AA,00000003,https://vitacress.s3.amazonaws.com/msa.pdf\n" +
		"2022,Cdn Ltd,HU1 2AA,00000004,https://d111.cloudfront.net/msa.pdf\n" +
		"2022,Shared Ltd,HU1 2AA,00000005,https://drive.google.com/file/d/1/view\n" +
		"2022,Issuu Ltd,HU1 2AA,00000006,https://issuu.com/shared/docs/msa\n" +
		"2022,Assets Ltd,HU1 2AA,00000007,https://cdn.assets-ltd.example.com/msa.pdf\n"
	l, err := orglist.Read(strings.NewReader(csv), orglist.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range l.Orgs {
		if o.StatementURL == "" {
			t.Errorf("%s: the statement's address is lost", o.Name)
		}
		if o.Name == "Own Site Ltd" {
			if o.Website != "https://www.ownsite.example" || o.WebsiteSource != statement.WebsiteDerived {
				t.Errorf("own site: %q (%s)", o.Website, o.WebsiteSource)
			}
			continue
		}
		if o.Website != "" || o.WebsiteSource != "" {
			t.Errorf("%s: website %q (%s) from %s", o.Name, o.Website, o.WebsiteSource, o.StatementURL)
		}
	}
	// a list's website on such a host is left out, with the reason
	own := "company_number,name,website,website_source\n00000008,Pasted Ltd,https://d111.cloudfront.net/msa.pdf,\n" +
		"00000009,Exported Ltd,https://exported.example,derived\n00000010,Typed Ltd,typed.example,\n"
	l, err = orglist.Read(strings.NewReader(own), orglist.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	if o := l.Orgs[0]; o.Website != "" || !strings.Contains(problems(l), "a host of documents") {
		t.Errorf("a CDN as a website: %+v\n%s", o, problems(l))
	}
	if o := l.Orgs[1]; o.WebsiteSource != statement.WebsiteDerived {
		t.Errorf("s54's export of a derived website, imported again: %+v", o)
	}
	if o := l.Orgs[2]; o.Website != "https://typed.example" || o.WebsiteSource != statement.WebsiteFromList {
		t.Errorf("a website typed: %+v", o)
	}
}
