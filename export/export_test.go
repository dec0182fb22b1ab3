package export_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/statement"
)

func entries() []statement.RegisterEntry {
	r, score, yes := statement.Good, 80, true
	return []statement.RegisterEntry{
		{CompanyNumber: "04830352", Name: "Harbourside Foods Ltd", Region: "hampshire-iow", RegionName: "Hampshire and Isle of Wight", Postcode: "SO14 7DX", Status: statement.Found,
			Rating: &r, Score: &score, HomepageLink: &yes, PeriodEnd: statement.Date{Year: 2025, Month: 3, Day: 31},
			Turnover: statement.Turnover{Min: 36e6, Max: 60e6}, Scope: statement.InScope,
			Criteria: map[statement.CriterionID]statement.Status{statement.Approval: statement.Met, statement.Training: statement.Partial}},
		{CompanyNumber: "SC000123", Name: "Thistle, \"Logistics\" Ltd", Status: statement.NotChecked, Scope: statement.ScopeUnknown},
	}
}

func TestRegisterCSV(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := export.RegisterCSV(&b, entries()); err != nil {
		t.Fatal(err)
	}
	// a byte order mark, so that Excel reads UTF-8 ("£36m", not "Â£36m")
	if !bytes.HasPrefix(b.Bytes(), []byte("\xef\xbb\xbfcompany_number,")) {
		t.Fatalf("no byte order mark: %q", b.Bytes()[:20])
	}
	b.Next(3)
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"company_number", "name", "region", "status", "rating", "score", "period_end", "statement_url", "homepage_link", "approval", "training", "current"} {
		if _, ok := col[h]; !ok {
			t.Errorf("no column %s", h)
		}
	}
	first := rows[1]
	if first[col["rating"]] != "good" || first[col["score"]] != "80" || first[col["period_end"]] != "2025-03-31" ||
		first[col["approval"]] != "met" || first[col["training"]] != "partial" || first[col["homepage_link"]] != "true" || first[col["turnover"]] != "£36m–£60m" ||
		first[col["region"]] != "hampshire-iow" || first[col["region_name"]] != "Hampshire and Isle of Wight" {
		t.Errorf("first row %q", first)
	}
	if second := rows[2]; second[col["name"]] != `Thistle, "Logistics" Ltd` || second[col["rating"]] != "" || second[col["score"]] != "" {
		t.Errorf("second row %q", second)
	}
}

func TestRegisterXLSX(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := export.RegisterXLSX(&b, []export.Sheet{{Name: "Register", Entries: entries()}, {Name: "No statement: [found]", Entries: entries()[1:]}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "Register" || sheets[1] != "No statement- -found-" {
		t.Fatalf("sheets %q", sheets)
	}
	rows, err := f.GetRows("Register")
	if err != nil || len(rows) != 3 || rows[0][0] != "company_number" || rows[1][1] != "Harbourside Foods Ltd" {
		t.Fatalf("rows %q %v", rows, err)
	}
	panes, err := f.GetPanes("Register")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	w, err := f.GetColWidth("Register", "B")
	if err != nil || w < 30 {
		t.Errorf("name column width %v %v", w, err)
	}
	if dn := f.GetDefinedName(); len(dn) == 0 || dn[0].Name != "_xlnm._FilterDatabase" {
		t.Errorf("no filter: %+v", dn)
	}
}
