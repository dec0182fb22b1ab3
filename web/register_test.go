package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/s54dev/s54/orglist"
	"github.com/s54dev/s54/statement"
)

// apiGet calls the API with the fixture's token and reads the JSON.
func (f *fixture) apiGet(t *testing.T, p string, into any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+p, nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := f.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return resp.StatusCode
}

type apiPage struct {
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Items   []struct {
		CompanyNumber string `json:"company_number"`
		Name          string `json:"name"`
		Region        string `json:"region"`
		RegionName    string `json:"region_name"`
		Status        string `json:"status"`
	} `json:"items"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
	Error string `json:"error"`
}

func (p apiPage) numbers() string {
	var out []string
	for _, e := range p.Items {
		out = append(out, e.CompanyNumber)
	}
	return strings.Join(out, " ")
}

func TestAPIRegisterPagesAndFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	for _, c := range []struct {
		query, want string
		total       int
	}{
		// by name: "Evil <script>…", Quiet, Solent
		{"", "01000002 01000003 01000001", 3},
		{"?per_page=1&page=2", "01000003", 3},
		{"?per_page=2&page=2", "01000001", 3},
		{"?per_page=2&page=3", "", 3},
		{"?sort=-name&per_page=1", "01000001", 3},
		{"?q=solent", "01000001", 1},
		{"?q=SOLENT+harbour", "01000001", 1},
		{"?q=1000003", "01000003", 1},
		{"?q=nobody", "", 0},
		{"?status=no_statement", "01000003", 1},
		{"?rating=none", "01000003", 1},
		{"?rating=strong&region=hampshire-iow", "01000001", 1},
		{"?homepage_link=true&sort=name", "01000002 01000001", 2},
		{"?sector=Hospitality", "01000001", 1},
		{"?website=missing", "", 0},
		{"?scope=unknown&region=humber", "01000002", 1},
	} {
		var p apiPage
		if code := f.apiGet(t, "/api/register"+c.query, &p); code != 200 {
			t.Errorf("%s: %d %s", c.query, code, p.Error)
			continue
		}
		if got := p.numbers(); got != c.want || p.Total != c.total {
			t.Errorf("%s: %d: %s, want %d: %s", c.query, p.Total, got, c.total, c.want)
		}
	}
	var p apiPage
	f.apiGet(t, "/api/register?region=hampshire-iow", &p)
	if p.PerPage != 50 || p.Page != 1 || len(p.Items) != 1 || p.Items[0].Region != "hampshire-iow" ||
		p.Items[0].RegionName != "Hampshire and Isle of Wight" {
		t.Errorf("region and its name: %+v", p)
	}
	if s := p.Facets["sector"]; len(s) != 1 || s[0].Value != "Hospitality" || s[0].Count != 1 {
		t.Errorf("sector facet: %+v", p.Facets)
	}
	for _, q := range []string{"page=0", "per_page=501", "per_page=x", "status=lost", "rating=great", "sort=colour", "scope=maybe",
		"homepage_link=perhaps", "website=none", "region=nowhere"} {
		var p apiPage
		if code := f.apiGet(t, "/api/register?"+q, &p); code != http.StatusBadRequest || p.Error == "" {
			t.Errorf("%s: %d %q, want 400 with an error", q, code, p.Error)
		}
	}
}

func TestRegisterPageIsPaged(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	resp, page := get(t, c, f.srv.URL+"/register?per_page=1&page=2&q=ltd")
	if resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
	for _, want := range []string{"3 organisations match", "page 2 of 3", `rel="prev"`, `rel="next"`, "Quiet Ltd", `value="ltd"`,
		"2–2 shown", "Humber"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "Solent Harbour") {
		t.Error("the second page shows the third organisation")
	}
	// the downloads hold every entry the filters select, not the page
	_, body := get(t, c, f.srv.URL+"/register.csv?per_page=1&q=ltd")
	if !strings.HasPrefix(body, "\ufeffcompany_number,") {
		t.Errorf("the CSV download does not start with a byte order mark: %q", body[:min(20, len(body))])
	}
	if n := strings.Count(body, "\n"); n != 4 {
		t.Errorf("CSV of the filtered register: %d lines, want 4:\n%s", n, body)
	}
	_, body = get(t, c, f.srv.URL+"/register.csv?status=no_statement")
	if n := strings.Count(body, "\n"); n != 2 || !strings.Contains(body, "Quiet Ltd") {
		t.Errorf("CSV filtered by status: %d lines:\n%s", n, body)
	}
	_, page = get(t, c, f.srv.URL+"/register?region=hampshire-iow")
	if !strings.Contains(page, "<td>Hampshire and Isle of Wight</td>") || !strings.Contains(page, `<option value="hampshire-iow" selected>Hampshire and Isle of Wight</option>`) {
		t.Error("the register does not name the region")
	}
	if !strings.Contains(page, `<option value="Hospitality">Hospitality (1)</option>`) {
		t.Error("the sector list is not the sectors present")
	}
}

// TestWebsitesFilledInByHand: the organisations without a website are one
// filter away; downloaded, their website column filled in by hand, the
// same file imports back, and they have one.
func TestWebsitesFilledInByHand(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.st.ImportOrgs(ctx, "home office", "home-office-orgs", []statement.Org{
		{CompanyNumber: "02000001", Name: "No Site One Ltd", Postcode: "HU2 8AA"},
		{CompanyNumber: "02000002", Name: "No Site Two Ltd", Postcode: "HU3 1AA"},
		{CompanyNumber: "02000003", Name: "Derived Ltd", Postcode: "HU3 2AA", Website: "https://derived.example", WebsiteSource: statement.WebsiteDerived},
	}, 0); err != nil {
		t.Fatal(err)
	}
	c := f.login(t)
	_, page := get(t, c, f.srv.URL+"/register?website=missing")
	if !strings.Contains(page, "2 organisations match") || !strings.Contains(page, "no website") {
		t.Errorf("website=missing:\n%s", page)
	}
	_, page = get(t, c, f.srv.URL+"/orgs/02000003")
	if !strings.Contains(page, "(from the statement's address)") {
		t.Error("a derived website is not said to be one")
	}
	_, body := get(t, c, f.srv.URL+"/register.csv?website=missing")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	col := slices.Index(rows[0], "website")
	for i, r := range rows[1:] {
		if r[col] != "" {
			t.Errorf("website column of %s: %q", r[1], r[col])
		}
		r[col] = fmt.Sprintf("www.site%d.example", i+1) // typed as people type them
	}
	var filled bytes.Buffer
	csv.NewWriter(&filled).WriteAll(rows)
	list, err := orglist.Read(&filled, orglist.FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.st.ImportOrgs(ctx, "filled.csv", string(list.Format), list.Orgs, 0)
	if err != nil || res.Updated != 2 || res.Added != 0 {
		t.Fatalf("import of the filled file: %+v %v", res, err)
	}
	var p apiPage
	f.apiGet(t, "/api/register?website=missing", &p)
	if p.Total != 0 {
		t.Errorf("after the import, %d without a website", p.Total)
	}
	o, _ := f.st.OrgByNumber(ctx, "02000001")
	if o.Website != "https://www.site1.example" || o.WebsiteSource != statement.WebsiteFromList || o.Name != "No Site One Ltd" {
		t.Errorf("filled in: %+v", o.Org)
	}
}

// TestRegionNames: where people read a region, they read its name; the
// API keeps the id beside it.
func TestRegionNames(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	for p, want := range map[string]string{
		"/orgs/01000001":       " · Hampshire and Isle of Wight · ",
		"/search?q=agency":     " · Hampshire and Isle of Wight",
		"/register?q=solent":   "<td>Hampshire and Isle of Wight</td>",
		"/search?q=slavery&x=": `">Hampshire and Isle of Wight</a> (1)`,
	} {
		if _, page := get(t, c, f.srv.URL+p); !strings.Contains(page, want) {
			t.Errorf("%s lacks %q", p, want)
		}
	}
	var org struct {
		Region     string `json:"region"`
		RegionName string `json:"region_name"`
		Register   struct {
			RegionName string `json:"region_name"`
		} `json:"register"`
	}
	f.apiGet(t, "/api/orgs/01000001", &org)
	if org.Region != "hampshire-iow" || org.RegionName != "Hampshire and Isle of Wight" || org.Register.RegionName != "Hampshire and Isle of Wight" {
		t.Errorf("API organisation: %+v", org)
	}
}
