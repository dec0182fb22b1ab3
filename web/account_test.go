package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// account adds a staff account limited to regions, logs it in and makes
// it an API token.
func (f *fixture) account(t *testing.T, name string, regions ...string) (*http.Client, string) {
	t.Helper()
	ctx := context.Background()
	hash, _ := web.HashPassword(password)
	if err := f.st.AddUser(ctx, name, hash, regions...); err != nil {
		t.Fatal(err)
	}
	u, _ := f.st.UserByName(ctx, name)
	tok, th := web.NewToken()
	if err := f.st.AddAPIToken(ctx, u.ID, th, ""); err != nil {
		t.Fatal(err)
	}
	c := f.client()
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"name": {name}, "password": {password}, "next": {"/register"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", name, resp.StatusCode)
	}
	return c, tok
}

func apiAs(t *testing.T, f *fixture, token, p string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+p, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return do(t, f.client(), req)
}

func do(t *testing.T, c *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestAccountLimitedToRegions: an account of the Humber partnership sees,
// searches and downloads the organisations of the Humber only, on every
// page and in the API; the others are as if they did not exist.
func TestAccountLimitedToRegions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	c, tok := f.account(t, "hull", "humber")
	// the fixture: Solent Harbour Hotels (SO14, Hampshire), "Evil" (HU1,
	// the Humber), Quiet (LE1, Leicestershire)
	var solentSHA string
	orgs, _ := f.st.Orgs(ctx, store.OrgFilter{CompanyNumbers: []string{"01000001"}})
	f.st.Versions(ctx, orgs[0].ID, func(v store.VersionRecord) error { solentSHA = v.SHA256; return nil })

	_, page := get(t, c, f.srv.URL+"/register")
	if !strings.Contains(page, "Evil &lt;script&gt;") || strings.Contains(page, "Solent") || strings.Contains(page, "Quiet") {
		t.Errorf("the register of a Humber account:\n%s", page)
	}
	if !strings.Contains(page, "hull sees Humber") || strings.Contains(page, `value="hampshire-iow"`) || !strings.Contains(page, "all of yours") {
		t.Error("the page does not say which regions the account sees, or offers others")
	}
	for p, want := range map[string]int{
		"/register?region=hampshire-iow":         http.StatusForbidden,
		"/register?region=humber":                http.StatusOK,
		"/orgs/01000001":                         http.StatusNotFound,
		"/orgs/01000002":                         http.StatusOK,
		"/snapshots/" + solentSHA:                http.StatusNotFound,
		"/snapshots/" + f.sha:                    http.StatusOK,
		"/search?q=slavery&region=hampshire-iow": http.StatusForbidden,
	} {
		if resp, _ := get(t, c, f.srv.URL+p); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", p, resp.StatusCode, want)
		}
	}
	_, csv := get(t, c, f.srv.URL+"/register.csv")
	if strings.Count(csv, "\n") != 2 || !strings.Contains(csv, "01000002") {
		t.Errorf("CSV of a Humber account:\n%s", csv)
	}
	_, xl := get(t, c, f.srv.URL+"/register.xlsx")
	wb, err := excelize.OpenReader(strings.NewReader(xl))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := wb.GetRows(wb.GetSheetName(0))
	if len(rows) != 2 || rows[1][0] != "01000002" {
		t.Errorf("workbook of a Humber account: %v", rows)
	}
	_, page = get(t, c, f.srv.URL+"/search?q=slavery")
	if !strings.Contains(page, "01000002") || strings.Contains(page, "01000001") || !strings.Contains(page, `<option value="humber" selected>Humber</option>`) {
		t.Errorf("search of a Humber account:\n%s", page)
	}
	// a region: filter in the words narrows, never widens
	if _, page := get(t, c, f.srv.URL+"/search?q=slavery+region:hampshire-iow"); strings.Contains(page, "01000001") {
		t.Error("region: in the words searched another region")
	}
	_, page = get(t, c, f.srv.URL+"/runs")
	if strings.Contains(page, "Quiet") {
		t.Error("the runs page lists another region's failures")
	}

	for p, want := range map[string]int{
		"/api/orgs/01000001":                          http.StatusNotFound,
		"/api/orgs/01000002":                          http.StatusOK,
		"/api/register?region=hampshire-iow":          http.StatusForbidden,
		"/api/search?q=slavery&region=humber":         http.StatusOK,
		"/api/search?q=slavery&region=leicestershire": http.StatusForbidden,
	} {
		if code, body := apiAs(t, f, tok, p); code != want {
			t.Errorf("API %s: %d, want %d: %s", p, code, want, body)
		}
	}
	if _, body := apiAs(t, f, tok, "/api/register"); !strings.Contains(body, `"total": 1,`) || strings.Contains(body, "01000001") {
		t.Errorf("API register of a Humber account: %s", body)
	}
	if _, body := apiAs(t, f, tok, "/api/search?q=slavery"); !strings.Contains(body, "01000002") || strings.Contains(body, "01000001") {
		t.Errorf("API search of a Humber account: %s", body)
	}

	// the regions changed: at once, on the session already open
	if err := f.st.SetUserRegions(ctx, "hull", []string{"humber", "hampshire-iow"}); err != nil {
		t.Fatal(err)
	}
	if _, page := get(t, c, f.srv.URL+"/register"); !strings.Contains(page, "Solent") || strings.Contains(page, "Quiet") {
		t.Error("two regions: the register")
	}
	if resp, _ := get(t, c, f.srv.URL+"/orgs/01000001"); resp.StatusCode != http.StatusOK {
		t.Errorf("two regions: Solent's page %d", resp.StatusCode)
	}
	// the index filters by one region at a time: the API asks which
	if code, body := apiAs(t, f, tok, "/api/search?q=slavery"); code != http.StatusBadRequest || !strings.Contains(body, "region=") {
		t.Errorf("API search of two regions, none chosen: %d %s", code, body)
	}
	// a region the configuration no longer has: nothing, not everything
	if err := f.st.SetUserRegions(ctx, "hull", []string{"atlantis"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/register", "/register.csv", "/search?q=slavery", "/orgs/01000002", "/runs"} {
		if resp, _ := get(t, c, f.srv.URL+p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an account of an unknown region: %s %d", p, resp.StatusCode)
		}
	}
	if code, _ := apiAs(t, f, tok, "/api/register"); code != http.StatusForbidden {
		t.Errorf("an account of an unknown region: API %d", code)
	}
}
