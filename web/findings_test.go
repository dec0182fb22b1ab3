package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// withFindings gives the fixture's Solent Harbour Hotels last year's
// statement, the same text with its years put back one, and makes the
// register's findings: Solent's current statement is re-dated, and the
// two statements of the fixture share their text.
func withFindings(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	strong, err := os.ReadFile("../testdata/statements/strong.txt")
	if err != nil {
		t.Fatal(err)
	}
	last := strings.NewReplacer("2025", "2024", "2024", "2023").Replace(string(strong))
	o, err := f.st.OrgByNumber(ctx, "01000001")
	if err != nil {
		t.Fatal(err)
	}
	sha, err := f.st.SaveDocument(ctx, []byte(last), "text/plain; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	a := checker.Default().CheckWith(statement.Text{Body: last, Format: statement.FormatText}, checker.Facts{HomepageLink: &yes})
	v := store.Version{OrgID: o.ID, URL: o.Website + "/msa-2024", DocumentSHA256: sha, HomepageLink: &yes}
	if _, err := f.st.RecordCrawl(ctx, store.Fetch{OrgID: o.ID, Outcome: statement.Found, URL: v.URL, DocumentSHA256: sha, HomepageLink: &yes},
		[]store.Assessed{{Version: v, Assessment: a}}, "default"); err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.RefreshFindings(ctx, f.st, extract.Options{InProcess: true}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestFindingsInTheInterface(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	withFindings(t, f)
	c := f.login(t)

	_, page := get(t, c, f.srv.URL+"/register?findings=redated")
	if !strings.Contains(page, "Solent Harbour Hotels") || strings.Contains(page, "Quiet Ltd") || !strings.Contains(page, "re-dated, otherwise unchanged") {
		t.Errorf("register, findings=redated:\n%s", page)
	}
	_, page = get(t, c, f.srv.URL+"/register?findings=template")
	if !strings.Contains(page, "Solent Harbour Hotels") || !strings.Contains(page, "Evil &lt;script&gt;") || strings.Contains(page, "Quiet Ltd") {
		t.Errorf("register, findings=template:\n%s", page)
	}
	if resp, _ := get(t, c, f.srv.URL+"/register?findings=copied"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("findings=copied: %d, want 400", resp.StatusCode)
	}
	_, body := get(t, c, f.srv.URL+"/register.csv?findings=any")
	if !strings.Contains(body, ",findings") || !strings.Contains(body, "template; redated") || strings.Contains(body, "Quiet Ltd") {
		t.Errorf("CSV, findings=any:\n%s", body)
	}

	_, page = get(t, c, f.srv.URL+"/orgs/01000001")
	for _, want := range []string{`id="findings"`, "Re-dated, otherwise unchanged:", "Mostly another's text:", `href="/orgs/01000002"`, `href="/orgs/01000001/changes"`} {
		if !strings.Contains(page, want) {
			t.Errorf("organisation page lacks %q:\n%s", want, page)
		}
	}
	resp, page := get(t, c, f.srv.URL+"/orgs/01000001/changes")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "<del>2023") || !strings.Contains(page, "<ins>2024") ||
		!strings.Contains(page, "year ending 2025-03-31 compared with the one for the year ending 2024-03-31") {
		t.Errorf("changes page %d:\n%s", resp.StatusCode, page)
	}
	_, page = get(t, c, f.srv.URL+"/orgs/01000003/changes")
	if !strings.Contains(page, "no statement of an earlier year") {
		t.Errorf("changes of an organisation without two statements:\n%s", page)
	}

	_, page = get(t, c, f.srv.URL+"/findings")
	if !strings.Contains(page, "Solent Harbour Hotels") || !strings.Contains(page, "1 family") || !strings.Contains(page, "(97% shared)") || strings.Contains(page, "<script>alert") {
		t.Errorf("findings page:\n%s", page)
	}

	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/orgs/01000001", nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var org struct {
		Findings *statement.OrgFindings `json:"findings"`
		Register struct {
			Findings []string `json:"findings"`
		} `json:"register"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&org); err != nil {
		t.Fatal(err)
	}
	if org.Findings == nil || org.Findings.Unchanged == nil || !org.Findings.Unchanged.Redated || org.Findings.Template == nil ||
		strings.Join(org.Register.Findings, ",") != "template,redated" {
		t.Errorf("API: %+v, register %v", org.Findings, org.Register.Findings)
	}
}

func TestFailuresExplained(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	o, err := f.st.OrgByNumber(ctx, "01000003")
	if err != nil {
		t.Fatal(err)
	}
	raw := "extract: http://corrupt-pdf.test/msa.pdf: corrupt document: not a PDF file: missing %%EOF (fallbacks: root version: missing root dict)"
	if _, err := f.st.RecordFetch(ctx, store.Fetch{OrgID: o.ID, Outcome: statement.CrawlError, URL: "http://corrupt-pdf.test/msa.pdf", Error: raw}); err != nil {
		t.Fatal(err)
	}
	c := f.login(t)
	_, page := get(t, c, f.srv.URL+"/register?q=quiet")
	if !strings.Contains(page, "damaged PDF") || !strings.Contains(page, `title="extract: http://corrupt-pdf.test`) {
		t.Errorf("register: the failure in words, the detail in its title:\n%s", page)
	}
	_, page = get(t, c, f.srv.URL+"/orgs/01000003")
	if !strings.Contains(page, "last visit: the statement link gives a damaged PDF") ||
		!strings.Contains(page, "<summary>Technical detail of the last visit</summary><p><code>extract: http://corrupt-pdf.test") {
		t.Errorf("organisation page: the failure in words, the detail behind a disclosure:\n%s", page)
	}
	if strings.Contains(page, `>Excel</a>`) {
		t.Error("the organisation page offers no downloads")
	}
	_, page = get(t, c, f.srv.URL+"/register")
	if x, csv := strings.Index(page, `>Excel</a>`), strings.Index(page, `>CSV</a>`); x < 0 || csv < x {
		t.Errorf("the register offers Excel first (it keeps leading zeros): Excel at %d, CSV at %d", x, csv)
	}
	_, page = get(t, c, f.srv.URL+"/register?page=9")
	if !strings.Contains(page, "Page 9 is past the last page.") || !strings.Contains(page, "page=1") || strings.Contains(page, "page 9 of") {
		t.Errorf("register past its last page:\n%s", page)
	}
}
