// Package export writes the compliance register as CSV and as an Excel
// workbook (github.com/xuri/excelize: header frozen, filters on, widths
// set), for `s54 register`, the web downloads and the monthly report alike.
// The workbook stores every value as a string or a number, never a
// formula; the CSV guards the cells a spreadsheet would read as one.
package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/s54dev/s54/internal/csvcell"
	"github.com/s54dev/s54/statement"
)

// BOM is the byte order mark a CSV file begins with.
const BOM = "\ufeff"

// column is one column of the register as a table.
type column struct {
	title string
	width float64
	value func(e *statement.RegisterEntry) any
}

var columns = func() []column {
	cols := []column{
		{"company_number", 14, func(e *statement.RegisterEntry) any { return e.CompanyNumber }},
		{"name", 40, func(e *statement.RegisterEntry) any { return e.Name }},
		{"region", 16, func(e *statement.RegisterEntry) any { return e.Region }},
		{"region_name", 28, func(e *statement.RegisterEntry) any { return e.RegionName }},
		{"postcode", 10, func(e *statement.RegisterEntry) any { return e.Postcode }},
		{"sector", 28, func(e *statement.RegisterEntry) any { return e.Sector }},
		{"turnover", 16, func(e *statement.RegisterEntry) any {
			if !e.Turnover.Known() {
				return e.Turnover.Text
			}
			return e.Turnover.String()
		}},
		{"scope", 12, func(e *statement.RegisterEntry) any { return string(e.Scope) }},
		{"website", 30, func(e *statement.RegisterEntry) any { return e.Website }},
		// derived: worked out from the statement's address, not given by a
		// person; an import of the file keeps it so
		{"website_source", 10, func(e *statement.RegisterEntry) any { return string(e.WebsiteSource) }},
		{"status", 14, func(e *statement.RegisterEntry) any { return e.Status }},
		{"rating", 14, func(e *statement.RegisterEntry) any {
			if e.Rating == nil {
				return ""
			}
			return string(*e.Rating)
		}},
		{"score", 7, func(e *statement.RegisterEntry) any {
			if e.Score == nil {
				return ""
			}
			return *e.Score
		}},
		{"period_end", 11, func(e *statement.RegisterEntry) any { return e.PeriodEnd.String() }},
		{"statement_url", 40, func(e *statement.RegisterEntry) any { return e.StatementURL }},
		{"homepage_link", 9, func(e *statement.RegisterEntry) any {
			if e.HomepageLink == nil {
				return ""
			}
			return strconv.FormatBool(*e.HomepageLink)
		}},
		// the link was there only once the homepage's scripts ran
		{"link_needs_script", 9, func(e *statement.RegisterEntry) any {
			if !e.LinkNeedsScript {
				return ""
			}
			return "true"
		}},
	}
	for _, id := range append(append([]statement.CriterionID{}, statement.TextCriteria...), statement.HomepageLink, statement.Timely, statement.Current) {
		id := id
		if id == statement.HomepageLink {
			continue // the column above
		}
		cols = append(cols, column{string(id), 9, func(e *statement.RegisterEntry) any { return string(e.Criteria[id]) }})
	}
	cols = append(cols,
		column{"checked_at", 20, func(e *statement.RegisterEntry) any { return timeText(e.CheckedAt) }},
		column{"last_fetch", 20, func(e *statement.RegisterEntry) any { return timeText(e.LastFetch) }},
		column{"failure", 30, func(e *statement.RegisterEntry) any { return e.Failure }},
		// where staff stand with the organisation (none, to_contact,
		// contacted, replied, resolved)
		column{"follow_up", 12, func(e *statement.RegisterEntry) any {
			if e.FollowUp == "" {
				return string(statement.FollowUpNone)
			}
			return string(e.FollowUp)
		}},
		// the kinds of finding (statement.FindingKinds), "registry; redated"
		column{"findings", 16, func(e *statement.RegisterEntry) any { return strings.Join(e.Findings, "; ") }},
	)
	return cols
}()

func timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// RegisterCSV writes entries as CSV with a header row, in UTF-8 with a
// byte order mark: without one Excel reads the file as windows-1252 and
// shows "£58m" as "Â£58m". A cell that a spreadsheet would run as a
// formula (a name such as "=HYPERLINK(…)") is written with a leading
// apostrophe (csvcell.Neutralise); orglist takes it off when the file is
// imported again.
func RegisterCSV(w io.Writer, entries []statement.RegisterEntry) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cw := csvcell.NewWriter(w)
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = c.title
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	rec := make([]string, len(columns))
	for i := range entries {
		for j, c := range columns {
			rec[j] = fmt.Sprint(c.value(&entries[i]))
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// Sheet is one worksheet: a list of register entries under a name.
type Sheet struct {
	Name    string
	Entries []statement.RegisterEntry
}

// RegisterXLSX writes a workbook with a worksheet per sheet: header row in
// bold and frozen, filters on, column widths set.
func RegisterXLSX(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE5F0"}}})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for si, sh := range sheets {
		name := sheetName(sh.Name, si)
		if si == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := writeSheet(f, name, sh.Entries, bold); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, name string, entries []statement.RegisterEntry, bold int) error {
	header := make([]any, len(columns))
	for i, c := range columns {
		header[i] = c.title
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, c.width); err != nil {
			return err
		}
	}
	if err := f.SetSheetRow(name, "A1", &header); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(columns), 1)
	if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
		return err
	}
	row := make([]any, len(columns))
	for r := range entries {
		for i, c := range columns {
			row[i] = c.value(&entries[r])
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := f.SetSheetRow(name, cell, &row); err != nil {
			return err
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(len(columns), max(len(entries)+1, 2))
	return f.AutoFilter(name, "A1:"+end, nil)
}

// sheetName makes a name Excel accepts: at most 31 characters, none of
// []:*?/\ , not empty.
func sheetName(s string, i int) string {
	out := []rune{}
	for _, r := range s {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\':
			r = '-'
		}
		out = append(out, r)
	}
	if len(out) > 31 {
		out = out[:31]
	}
	if len(out) == 0 {
		return fmt.Sprintf("Sheet%d", i+1)
	}
	return string(out)
}
