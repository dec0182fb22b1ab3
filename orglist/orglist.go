// Package orglist reads lists of organisations in the formats their owners
// publish them: the Home Office list of organisations presumed in scope,
// the GOV.UK modern slavery statement registry download, Companies House
// basic company data, and s54's own CSV. Files come as they are: UTF-8 with
// or without a byte order mark, or windows-1252; fields with line breaks;
// headers with stray spaces. A row that cannot be used is reported with its
// line number and the reason; a file that cannot be read is an error.
package orglist

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/s54dev/s54/internal/csvcell"
	"github.com/s54dev/s54/internal/dochost"
	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/statement"
)

// Format names a list format.
type Format string

// The formats read.
const (
	FormatAuto           Format = "auto"
	FormatS54            Format = "s54"
	FormatGovUKRegistry  Format = "govuk-registry"
	FormatHomeOffice     Format = "home-office-orgs"
	FormatCompaniesHouse Format = "companies-house"
)

// Formats lists the formats a user may name.
var Formats = []Format{FormatAuto, FormatS54, FormatGovUKRegistry, FormatHomeOffice, FormatCompaniesHouse}

// Problem is a row that could not be used as it was.
type Problem struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	// Skipped is true when the row was left out; false when it was kept
	// with the problem noted (a turnover that could not be read, say).
	Skipped bool `json:"skipped"`
}

// List is what a file held.
type List struct {
	Format   Format
	Rows     int // data rows read
	Orgs     []statement.Org
	Problems []Problem
	// Latin1 is true when the file was not UTF-8 and was read as
	// windows-1252.
	Latin1 bool
	// Sheet is the workbook's sheet read; "" for a CSV file. Problems
	// then give its row numbers.
	Sheet string
	// Claims are what the organisations told the GOV.UK registry, by
	// organisation key (statement.Org.Key), when the list is its download.
	Claims map[string][]statement.RegistryClaim
}

// ErrFormat is wrapped by errors about the file as a whole: not CSV, no
// header, a format that cannot be recognised, required columns missing.
var ErrFormat = errors.New("cannot read the list")

// columns are the header names of each format, lower-cased and trimmed;
// required ones must be present.
type columns struct {
	required []string
	// detect are the columns that recognise the format from a header.
	detect []string
}

var formats = map[Format]columns{
	FormatS54: {
		required: []string{"name"},
		detect:   []string{"company_number", "name"},
	},
	FormatGovUKRegistry: {
		required: []string{"organisationname"},
		detect:   []string{"statementyear", "organisationname", "companynumber", "statementurl"},
	},
	FormatHomeOffice: {
		required: []string{"organisationname"},
		detect:   []string{"organisationname", "address1", "postcode", "companynumber", "siccode"},
	},
	FormatCompaniesHouse: {
		required: []string{"companyname", "companynumber"},
		detect:   []string{"companyname", "companynumber", "regaddress.postcode"},
	},
}

// detectOrder: the registry download also has the Home Office columns'
// names in part, so the more specific formats are tried first.
var detectOrder = []Format{FormatGovUKRegistry, FormatCompaniesHouse, FormatHomeOffice, FormatS54}

// Read reads a list: a CSV file, or the first sheet of an Excel workbook
// (.xlsx), told apart by their first bytes. With FormatAuto the format is
// recognised by its header.
func Read(r io.Reader, format Format) (*List, error) { return ReadSheet(r, format, "") }

// ReadSheet is Read of a workbook's sheet by name ("" for the first). A
// workbook's rows are read as a CSV file's: the same columns recognised,
// the same cells cleaned.
func ReadSheet(r io.Reader, format Format, sheet string) (*List, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4)
	switch {
	case bytes.Equal(head, []byte("PK\x03\x04")):
		return readWorkbook(br, format, sheet)
	case bytes.Equal(head, []byte{0xd0, 0xcf, 0x11, 0xe0}):
		return nil, fmt.Errorf("orglist: %w: this is an Excel 97-2003 workbook (.xls): save it as .xlsx or as CSV", ErrFormat)
	case sheet != "":
		return nil, fmt.Errorf("orglist: %w: sheet %q asked for, but the file is not a workbook", ErrFormat, sheet)
	}
	text := decode(br)
	cr := csv.NewReader(text)
	cr.FieldsPerRecord = -1
	list, err := read(&csvRows{r: cr}, format)
	if err != nil {
		return nil, err
	}
	list.Latin1 = text.latin
	return list, nil
}

// rows are a list's records in order, each with its line in a CSV file
// or its row in a sheet; io.EOF after the last.
type rows interface {
	next() (rec []string, line int, err error)
	// unit is what a line is called: "line" or "row"
	unit() string
}

type csvRows struct {
	r      *csv.Reader
	header bool
}

func (c *csvRows) next() ([]string, int, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return nil, 0, err
	}
	line := 0
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		line = pe.StartLine
	case len(rec) > 0:
		line, _ = c.r.FieldPos(0)
	}
	first := !c.header
	c.header = true
	switch {
	case err != nil && first:
		return nil, line, fmt.Errorf("not a CSV file: %v", err)
	case err != nil:
		return nil, line, fmt.Errorf("line %d: %v", line, err)
	}
	return rec, line, nil
}

func (c *csvRows) unit() string { return "line" }

// read reads a list from its rows: the header (the first row that is not
// blank), then each organisation.
func read(src rows, format Format) (*List, error) {
	var header []string
	for header == nil {
		rec, _, err := src.next()
		if err == io.EOF {
			return nil, fmt.Errorf("orglist: %w: the file is empty", ErrFormat)
		}
		if err != nil {
			return nil, fmt.Errorf("orglist: %w: %v", ErrFormat, err)
		}
		if !blank(rec) {
			header = rec
		}
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup && h != "" {
			col[h] = i
		}
	}
	if format == FormatAuto || format == "" {
		format = detectFormat(col)
		if format == "" {
			return nil, fmt.Errorf("orglist: %w: the header (%s) is not one of the formats s54 reads (%s); see `s54 orgs import --help`",
				ErrFormat, shortHeader(header), strings.Join(formatNames(), ", "))
		}
	}
	spec, ok := formats[format]
	if !ok {
		return nil, fmt.Errorf("orglist: unknown format %q (known: %s)", format, strings.Join(formatNames(), ", "))
	}
	var missing []string
	for _, c := range spec.required {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("orglist: %w: the %s header lacks %s", ErrFormat, format, strings.Join(missing, ", "))
	}
	list := &List{Format: format}
	seen := map[string]int{} // org key → index in list.Orgs
	lines := map[string]int{}
	for {
		rec, line, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("orglist: %w: %v", ErrFormat, err)
		}
		if blank(rec) {
			continue
		}
		list.Rows++
		row := row{rec: rec, col: col}
		org, problems := parseRow(format, row)
		for _, p := range problems {
			p.Line = line
			list.Problems = append(list.Problems, p)
		}
		if org == nil {
			continue
		}
		org.Source = string(format)
		key := org.Key()
		if format == FormatGovUKRegistry {
			if c, ok := registryClaim(row); ok {
				if list.Claims == nil {
					list.Claims = map[string][]statement.RegistryClaim{}
				}
				list.Claims[key] = append(list.Claims[key], c)
			}
		}
		if i, dup := seen[key]; dup {
			merge(&list.Orgs[i], org)
			list.Problems = append(list.Problems, Problem{Line: line, Reason: fmt.Sprintf("same organisation as %s %d (%s); merged",
				src.unit(), lines[key], describe(org))})
			continue
		}
		seen[key] = len(list.Orgs)
		lines[key] = line
		list.Orgs = append(list.Orgs, *org)
	}
	return list, nil
}

func describe(o *statement.Org) string {
	if o.CompanyNumber != "" {
		return "company " + o.CompanyNumber
	}
	return o.Name
}

// merge folds a later row about the same organisation into an earlier one:
// what the later row says wins, what it leaves empty is kept.
func merge(dst, src *statement.Org) {
	set := func(d *string, s string) {
		if s != "" {
			*d = s
		}
	}
	set(&dst.Name, src.Name)
	if src.Website != "" && (dst.Website == "" || src.WebsiteSource.Replaces(dst.WebsiteSource)) {
		dst.Website, dst.WebsiteSource = src.Website, src.WebsiteSource
	}
	set(&dst.Postcode, src.Postcode)
	set(&dst.Sector, src.Sector)
	set(&dst.SIC, src.SIC)
	set(&dst.StatementURL, src.StatementURL)
	if src.Turnover.Known() {
		dst.Turnover = src.Turnover
	}
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func detectFormat(col map[string]int) Format {
	for _, f := range detectOrder {
		all := true
		for _, c := range formats[f].detect {
			if _, ok := col[c]; !ok {
				all = false
				break
			}
		}
		if all {
			return f
		}
	}
	return ""
}

func formatNames() []string {
	var out []string
	for _, f := range Formats[1:] {
		out = append(out, string(f))
	}
	return out
}

func shortHeader(h []string) string {
	s := strings.Join(h, ",")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return oneline.Of(s)
}

// row gives access to a record by column name.
type row struct {
	rec []string
	col map[string]int
}

// get returns a cell trimmed, without the apostrophe that s54's own
// export (or a spreadsheet) puts before a cell a spreadsheet would run as a
// formula: "'=1+2 Ltd" is read as "=1+2 Ltd".
func (r row) get(name string) string {
	i, ok := r.col[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	v := csvcell.Restore(strings.TrimSpace(r.rec[i]))
	return strings.TrimSpace(strings.ReplaceAll(v, "\u00a0", " "))
}

func parseRow(f Format, r row) (*statement.Org, []Problem) {
	var o statement.Org
	var probs []Problem
	var number string
	switch f {
	case FormatS54:
		o.Name = r.get("name")
		number = r.get("company_number")
		o.Website = r.get("website")
		if statement.WebsiteSource(r.get("website_source")) == statement.WebsiteDerived {
			// s54's own export, imported again: still derived
			o.WebsiteSource = statement.WebsiteDerived
		}
		o.Postcode = r.get("postcode")
		o.Sector = r.get("sector")
		if u := r.get("statement_url"); u != "" { // optional: a statement already known
			if _, ok := origin(u); ok {
				o.StatementURL = u
			} else {
				probs = append(probs, Problem{Reason: fmt.Sprintf("statement_url %q is not a web address; left out", trim(u, 60))})
			}
		}
		if t := r.get("turnover"); t != "" {
			tv, err := ParseTurnover(t)
			if err != nil {
				probs = append(probs, Problem{Reason: err.Error() + "; turnover kept as unknown"})
			}
			o.Turnover = tv
		}
	case FormatHomeOffice:
		o.Name = r.get("organisationname")
		number = r.get("companynumber")
		o.Postcode = r.get("postcode")
		o.SIC = r.get("siccode")
		o.Sector = SectorOfSIC(o.SIC)
	case FormatGovUKRegistry:
		o.Name = r.get("organisationname")
		number = r.get("companynumber")
		o.Postcode = postcodeIn(r.get("address"))
		o.Sector = firstLine(r.get("organisationsectors"))
		if u := r.get("statementurl"); u != "" {
			if web, ok := origin(u); ok {
				o.StatementURL = u
				// the statement's host is the organisation's own site,
				// unless it keeps documents for others (the registry, a
				// CDN, a file share): the registry has no website column
				if !dochost.Is(web) {
					o.Website, o.WebsiteSource = web, statement.WebsiteDerived
				}
			} else {
				probs = append(probs, Problem{Reason: fmt.Sprintf("StatementURL %q is not a web address; left out", trim(u, 60))})
			}
		}
		if t := r.get("turnover"); t != "" {
			tv, err := ParseTurnover(t)
			if err != nil {
				probs = append(probs, Problem{Reason: err.Error() + "; turnover kept as unknown"})
			}
			o.Turnover = tv
		}
	case FormatCompaniesHouse:
		o.Name = r.get("companyname")
		number = r.get("companynumber")
		o.Postcode = r.get("regaddress.postcode")
		if sic := r.get("siccode.sictext_1"); sic != "" && !strings.EqualFold(sic, "None Supplied") {
			o.SIC, o.Sector = sic, SectorOfSIC(sic)
		}
		if st := strings.ToLower(r.get("companystatus")); strings.Contains(st, "dissolved") || strings.Contains(st, "removed") {
			return nil, append(probs, Problem{Reason: "company status is " + r.get("companystatus"), Skipped: true})
		}
	}
	o.Name = strings.Join(strings.Fields(o.Name), " ")
	if o.Name == "" {
		return nil, append(probs, Problem{Reason: "no organisation name", Skipped: true})
	}
	if number != "" {
		// an organisation without a valid number is still one to follow;
		// it is found again by name and postcode
		n, err := NormalizeCompanyNumber(number)
		if err != nil {
			probs = append(probs, Problem{Reason: err.Error() + "; kept without it"})
		}
		o.CompanyNumber = n
	}
	if o.Website != "" {
		w, ok := normalizeWebsite(o.Website)
		switch {
		case !ok:
			probs = append(probs, Problem{Reason: fmt.Sprintf("website %q is not a web address; left out", trim(o.Website, 60))})
			w = ""
		case dochost.Is(w):
			probs = append(probs, Problem{Reason: fmt.Sprintf("website %q is a host of documents (a CDN, a file share, a registry), not the organisation's site; left out", trim(o.Website, 60))})
			w = ""
		}
		o.Website = w
		if o.WebsiteSource == "" {
			o.WebsiteSource = statement.WebsiteFromList
		}
		if w == "" {
			o.WebsiteSource = ""
		}
	}
	o.Postcode = strings.ToUpper(strings.Join(strings.Fields(o.Postcode), " "))
	return &o, probs
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.ReplaceAll(s, "\r", "\n"), "\n")
	return strings.TrimSpace(s)
}

// rePostcode finds a UK postcode in an address.
var rePostcode = lazyre.New(`(?i)\b([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})\b`)

// postcodeIn returns the last postcode in a multi-line address.
func postcodeIn(addr string) string {
	m := rePostcode().FindAllStringSubmatch(addr, -1)
	if len(m) == 0 {
		return ""
	}
	last := m[len(m)-1]
	return strings.ToUpper(last[1] + " " + last[2])
}

// origin returns scheme://host of a URL.
func origin(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), true
}

// normalizeWebsite accepts "example.co.uk", "www.example.co.uk/path" and
// full URLs, and returns scheme://host.
func normalizeWebsite(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	o, ok := origin(s)
	if !ok || !strings.Contains(o, ".") {
		return "", false
	}
	return o, true
}

// decode returns a reader of UTF-8 text: the BOM dropped, and bytes that
// are not UTF-8 read as windows-1252.
func decode(br *bufio.Reader) *latinFallback {
	if head, err := br.Peek(3); err == nil && string(head) == "\ufeff" {
		br.Discard(3)
	}
	return &latinFallback{r: br}
}
