package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/internal/atomicfile"
	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// pageCSRF reads the CSRF token of a staff page's forms.
func pageCSRF(t *testing.T, c *http.Client, f *fixture, page string) string {
	t.Helper()
	_, body := get(t, c, f.srv.URL+page)
	return csrfOf(t, body)
}

// post sends a form and reads the answer.
func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// apiPost calls the API with a token (or, with token "", the client's
// session and the headers given).
func apiPost(t *testing.T, c *http.Client, f *fixture, token, p, body string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+p, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, c, req)
}

// TestHomePage: the month at a glance, each list's count the register's
// own for the filter it links to.
func TestHomePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	// the month the page is of: the month before the request or, had it
	// passed into the next meanwhile, after
	thisMonth := "This month: " + time.Now().In(report.London).Format("January 2006")
	resp, body := get(t, c, f.srv.URL+"/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/: %d", resp.StatusCode)
	}
	if after := "This month: " + time.Now().In(report.London).Format("January 2006"); strings.Contains(body, after) {
		thisMonth = after
	}
	for _, want := range []string{thisMonth, "organisations followed",
		"What changed since last month", "Awaiting a reply", "Could not be read"} {
		if !strings.Contains(body, want) {
			t.Errorf("the home page has no %q", want)
		}
	}
	rows := regexp.MustCompile(`<tr><td><a href="(/register\?[^"]+)">([^<]+)</a></td><td class="n">(\d+)</td>`).FindAllStringSubmatch(body, -1)
	if len(rows) < 6 {
		t.Fatalf("lists: %v", rows)
	}
	for _, row := range rows {
		link := strings.ReplaceAll(row[1], "&amp;", "&")
		var p apiPage
		if status := f.apiGet(t, "/api"+link, &p); status != http.StatusOK {
			t.Fatalf("%s: %d %s", link, status, p.Error)
		}
		if got := strings.TrimSpace(row[3]); got != itoa(p.Total) {
			t.Errorf("%s: the home page says %s, the register has %d", row[2], got, p.Total)
		}
		if resp, _ := get(t, c, f.srv.URL+link); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", link, resp.StatusCode)
		}
	}
	if !strings.Contains(body, `href="/register?status=no_statement"`) {
		t.Error("no link to the organisations with no statement")
	}
	// an account of Hampshire sees Hampshire's figures
	hc, _ := f.account(t, "hants", "hampshire-iow")
	_, body = get(t, hc, f.srv.URL+"/")
	if !strings.Contains(body, "<strong>1</strong> organisations followed") {
		t.Errorf("Hampshire's account: %s", between(body, `class="figures"`, "</ul>"))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// TestSetAddresses: staff set an organisation's website and statement
// address from its page and through the API, checked as the crawler
// would reach them; forms need the CSRF token, API tokens do not; each
// change is in the audit log.
func TestSetAddresses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	csrf := pageCSRF(t, c, f, "/orgs/01000003")
	form := url.Values{"website": {"https://93.184.215.14/"}, "statement_url": {""}}
	if resp, _ := post(t, c, f.srv.URL+"/orgs/01000003", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", resp.StatusCode)
	}
	for _, bad := range []string{"ftp://93.184.215.14/", "http://127.0.0.1:8080/", "http://10.0.0.1/", "javascript:alert(1)"} {
		resp, body := post(t, c, f.srv.URL+"/orgs/01000003", url.Values{"csrf": {csrf}, "website": {bad}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "not an address the crawler can fetch") {
			t.Errorf("website %s: %d", bad, resp.StatusCode)
		}
	}
	form.Set("csrf", csrf)
	resp, _ := post(t, c, f.srv.URL+"/orgs/01000003", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the form: %d", resp.StatusCode)
	}
	o, _ := f.st.OrgByNumber(context.Background(), "01000003")
	if o.Website != "https://93.184.215.14" || o.WebsiteSource != statement.WebsiteFromStaff {
		t.Errorf("website %q (%s)", o.Website, o.WebsiteSource)
	}

	// the API, with a token: no CSRF token needed
	status, body := apiPost(t, f.client(), f, f.token, "/api/orgs/01000003", `{"statement_url": "https://93.184.215.14/msa.pdf"}`)
	var got struct {
		Org statement.Org `json:"org"`
	}
	json.Unmarshal([]byte(body), &got)
	if status != http.StatusOK || got.Org.StatementURL != "https://93.184.215.14/msa.pdf" || got.Org.Website != "https://93.184.215.14" {
		t.Errorf("POST /api/orgs/01000003: %d %s", status, body)
	}
	if status, body := apiPost(t, f.client(), f, f.token, "/api/orgs/01000003", `{"website": "http://169.254.169.254/"}`); status != http.StatusBadRequest {
		t.Errorf("a metadata address: %d %s", status, body)
	}
	if status, _ := apiPost(t, f.client(), f, f.token, "/api/orgs/09999999", `{"website": "https://93.184.215.14"}`); status != http.StatusNotFound {
		t.Errorf("no such organisation: %d", status)
	}
	if status, _ := apiPost(t, f.client(), f, f.token, "/api/orgs/01000003", `{"homepage": "x"}`); status != http.StatusBadRequest {
		t.Errorf("an unknown field: %d", status)
	}
	// from a logged-in browser, the API wants the session's token
	if status, _ := apiPost(t, c, f, "", "/api/orgs/01000003", `{"website": "https://93.184.215.15"}`); status != http.StatusForbidden {
		t.Errorf("a session without X-CSRF-Token: %d", status)
	}
	if status, body := apiPost(t, c, f, "", "/api/orgs/01000003", `{"website": "https://93.184.215.15"}`, "X-CSRF-Token", csrf); status != http.StatusOK {
		t.Errorf("a session with X-CSRF-Token: %d %s", status, body)
	}
	// an account of Hampshire cannot change Leicestershire's
	_, tok := f.account(t, "hants", "hampshire-iow")
	if status, _ := apiPost(t, f.client(), f, tok, "/api/orgs/01000003", `{"website": "https://93.184.215.16"}`); status != http.StatusNotFound {
		t.Errorf("another region's organisation: %d", status)
	}

	_, page := get(t, c, f.srv.URL+"/orgs/01000003")
	for _, want := range []string{"Changes made", "https://93.184.215.14/msa.pdf", "alice"} {
		if !strings.Contains(between(page, `id="audit-h"`, "</section>"), want) {
			t.Errorf("the organisation's changes have no %q", want)
		}
	}
}

// TestFollowUp: a follow-up note from the organisation's page shows there,
// in the register (column, filter, downloads), the audit log and its CSV;
// what staff write is escaped.
func TestFollowUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	csrf := pageCSRF(t, c, f, "/orgs/01000003")
	note := `Wrote to <b>the board</b> & the secretary`
	resp, _ := post(t, c, f.srv.URL+"/orgs/01000003/follow-up", url.Values{"csrf": {csrf}, "status": {"contacted"}, "note": {note}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow-up form: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, f.srv.URL+"/orgs/01000003/follow-up", url.Values{"csrf": {csrf}, "status": {"waiting"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a state that does not exist: %d", resp.StatusCode)
	}
	_, page := get(t, c, f.srv.URL+"/orgs/01000003")
	if !strings.Contains(page, "Follow-up: contacted, awaiting a reply") || !strings.Contains(page, "Wrote to &lt;b&gt;the board&lt;/b&gt; &amp; the secretary") {
		t.Errorf("the organisation's page: %s", between(page, `id="follow-up"`, "</section>"))
	}
	var p apiPage
	f.apiGet(t, "/api/register?follow_up=contacted", &p)
	if p.numbers() != "01000003" {
		t.Errorf("follow_up=contacted: %q", p.numbers())
	}
	if status := f.apiGet(t, "/api/register?follow_up=later", &p); status != http.StatusBadRequest {
		t.Errorf("follow_up=later: %d", status)
	}
	_, reg := get(t, c, f.srv.URL+"/register?follow_up=contacted")
	if !strings.Contains(reg, "Quiet Ltd") || strings.Contains(reg, "Solent Harbour") || !strings.Contains(reg, "contacted, awaiting a reply") {
		t.Error("the register filtered by follow-up")
	}
	_, csv := get(t, c, f.srv.URL+"/register.csv?follow_up=contacted")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], ",follow_up") || !strings.Contains(lines[1], ",contacted") {
		t.Errorf("register.csv: %q", lines)
	}
	// a note alone keeps the state, through the API
	status, body := apiPost(t, f.client(), f, f.token, "/api/orgs/01000003/follow-up", `{"note": "they replied by phone"}`)
	if status != http.StatusOK || !strings.Contains(body, `"follow_up": "contacted"`) || !strings.Contains(body, "they replied by phone") {
		t.Errorf("a note by the API: %d %s", status, body)
	}
	_, audit := get(t, c, f.srv.URL+"/audit")
	for _, want := range []string{"follow up", "contacted", "Wrote to &lt;b&gt;", "they replied by phone", `href="/orgs/01000003"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit page has no %q", want)
		}
	}
	resp, auditCSV := get(t, c, f.srv.URL+"/audit.csv")
	if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(auditCSV, "alice,01000003,Quiet Ltd,follow_up,none,contacted") {
		t.Errorf("audit.csv: %s", auditCSV)
	}
	// an account of Hampshire does not see Leicestershire's changes
	hc, _ := f.account(t, "hants", "hampshire-iow")
	if _, audit := get(t, hc, f.srv.URL+"/audit"); strings.Contains(audit, "Quiet Ltd") {
		t.Error("a Hampshire account sees a Leicestershire organisation's changes")
	}
}

// TestReports: staff make this month's report from the web; it is listed,
// shown with its charts and downloads, and kept from accounts of other
// regions.
func TestReports(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(cfg *web.Config) {
		cfg.MakeReport = func(ctx context.Context, month time.Time, region string) error {
			src := report.SourceFunc(func(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error) {
				return cfg.Store.RegisterAt(ctx, store.OrgFilter{}, at)
			})
			r, err := report.Build(ctx, src, month, region, time.Now())
			if err != nil {
				return err
			}
			dir := filepath.Join(cfg.Store.Dir(), "reports", month.Format("2006-01"), region)
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
			_, err = r.Write(dir, atomicfile.Write)
			return err
		}
	})
	c := f.login(t)
	_, page := get(t, c, f.srv.URL+"/reports")
	if !strings.Contains(page, "No report yet") {
		t.Error("no report yet")
	}
	csrf := pageCSRF(t, c, f, "/reports")
	// this month's as the server makes it: the month before the request
	// or, had it passed into the next meanwhile, after
	month := time.Now().In(report.London).Format("2006-01")
	resp, _ := post(t, c, f.srv.URL+"/reports", url.Values{"csrf": {csrf}})
	if after := time.Now().In(report.London).Format("2006-01"); resp.Header.Get("Location") == "/reports/"+after {
		month = after
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reports/"+month {
		t.Fatalf("make the report: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = get(t, c, f.srv.URL+"/reports")
	if !strings.Contains(page, `href="/reports/`+month+`"`) {
		t.Error("the report is not listed")
	}
	resp, page = get(t, c, f.srv.URL+"/reports/"+month)
	if resp.StatusCode != http.StatusOK || strings.Count(page, "<svg") != 3 {
		t.Fatalf("/reports/%s: %d, %d charts", month, resp.StatusCode, strings.Count(page, "<svg"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script") {
		t.Errorf("the report's CSP: %s", csp)
	}
	for _, want := range []string{"minimum", "policies", "due diligence", `href="/orgs/01000003"`, `href="/reports/` + month + `/register.xlsx"`, "Evil &lt;script&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report has no %q", want)
		}
	}
	resp, csv := get(t, c, f.srv.URL+"/reports/"+month+"/register.csv")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "s54-"+month+"-register.csv") || !strings.Contains(csv, "Quiet Ltd") {
		t.Errorf("register.csv: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	for _, p := range []string{"/reports/" + month + "/register.db", "/reports/2025-13", "/reports/1999-01"} {
		if resp, _ := get(t, c, f.srv.URL+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	// an account limited to a region has its region's reports only
	hc, _ := f.account(t, "hants", "hampshire-iow")
	if resp, _ := get(t, hc, f.srv.URL+"/reports/"+month); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the whole register's report for a Hampshire account: %d", resp.StatusCode)
	}
	csrf = pageCSRF(t, hc, f, "/reports")
	resp, _ = post(t, hc, f.srv.URL+"/reports", url.Values{"csrf": {csrf}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reports/"+month+"?region=hampshire-iow" {
		t.Fatalf("Hampshire's report: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, hc, f.srv.URL+"/reports/"+month+"?region=hampshire-iow"); resp.StatusCode != http.StatusOK {
		t.Errorf("Hampshire's report: %d", resp.StatusCode)
	}
	if resp, _ := get(t, hc, f.srv.URL+"/reports/"+month+"?region=humber"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("Humber's report for a Hampshire account: %d", resp.StatusCode)
	}
	_, page = get(t, hc, f.srv.URL+"/reports")
	if strings.Contains(page, "the whole register") {
		t.Error("a Hampshire account is offered the whole register's report")
	}
}

// TestCheckNow: "check now" answers with the new register entry when the
// check ends within the wait, else 202 with the run's id.
func TestCheckNow(t *testing.T) {
	t.Parallel()
	finish := make(chan error)
	asked := make(chan string, 10)
	f := newFixture(t, func(cfg *web.Config) {
		cfg.CheckOrg = func(ctx context.Context, number, by string) (web.CheckRun, error) {
			asked <- number + " by " + by
			id := make(chan int64, 1)
			if number == "01000002" {
				id <- 8 // started, never ends in this test
			} // else: waiting its turn
			return web.CheckRun{ID: id, Done: finish}, nil
		}
		cfg.CheckWait = time.Millisecond
	})
	status, body := apiPost(t, f.client(), f, f.token, "/api/orgs/01000002/check", "")
	if status != http.StatusAccepted || !strings.Contains(body, `"run_id": 8`) {
		t.Errorf("a check that goes on: %d %s", status, body)
	}
	status, body = apiPost(t, f.client(), f, f.token, "/api/orgs/01000001/check", "")
	if status != http.StatusAccepted || !strings.Contains(body, `"run_id": null`) || !strings.Contains(body, "holds the turn") {
		t.Errorf("a check waiting its turn: %d %s", status, body)
	}
	<-asked // 01000001's
	c := f.login(t)
	// the form, a check waiting its turn: back to the page, which says so
	csrf1 := pageCSRF(t, c, f, "/orgs/01000001")
	if resp, _ := post(t, c, f.srv.URL+"/orgs/01000001/check", url.Values{"csrf": {csrf1}}); resp.StatusCode != http.StatusSeeOther ||
		resp.Header.Get("Location") != "/orgs/01000001?check=waiting#work" {
		t.Errorf("the form, a check waiting its turn: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	<-asked
	if _, page := get(t, c, f.srv.URL+"/orgs/01000001?check=waiting"); !strings.Contains(page, `id="check-waiting"`) {
		t.Error("the organisation page does not say its check waits its turn")
	}
	csrf := pageCSRF(t, c, f, "/orgs/01000002")
	if resp, _ := post(t, c, f.srv.URL+"/orgs/01000002/check", url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/runs" {
		t.Errorf("the form, a check that goes on: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(asked) != 2 {
		t.Errorf("checks asked for: %d", len(asked))
	}
	<-asked // the API's, by the token's user: alice too
	if who := <-asked; who != "01000002 by alice" {
		t.Errorf("the form's check was asked for as %q", who)
	}
	if status, _ := apiPost(t, f.client(), f, f.token, "/api/orgs/09999999/check", ""); status != http.StatusNotFound {
		t.Errorf("no such organisation: %d", status)
	}

	// a check that ends at once: the wait is long, the answer the entry
	g := newFixture(t, func(cfg *web.Config) {
		cfg.CheckOrg = func(ctx context.Context, number, by string) (web.CheckRun, error) {
			id, done := make(chan int64, 1), make(chan error, 1)
			id <- 9
			done <- nil
			return web.CheckRun{ID: id, Done: done}, nil
		}
	})
	status, body = apiPost(t, g.client(), g, g.token, "/api/orgs/01000001/check", "")
	var e statement.RegisterEntry
	json.Unmarshal([]byte(body), &e)
	if status != http.StatusOK || e.CompanyNumber != "01000001" || e.Status != statement.Found || e.RegionName == "" {
		t.Errorf("a check done: %d %s", status, body)
	}
	// a check waiting its turn behind a long crawl is said at once, not
	// after the minute's wait
	q := newFixture(t, func(cfg *web.Config) {
		cfg.CheckOrg = func(ctx context.Context, number, by string) (web.CheckRun, error) {
			return web.CheckRun{ID: make(chan int64), Done: make(chan error)}, nil
		}
		cfg.CheckWait = time.Hour
	})
	answered := make(chan int, 1)
	go func() {
		status, _ := apiPost(t, q.client(), q, q.token, "/api/orgs/01000001/check", "")
		answered <- status
	}()
	select {
	case status := <-answered:
		if status != http.StatusAccepted {
			t.Errorf("a check waiting behind a long crawl: %d", status)
		}
	case <-time.After(time.Minute):
		t.Error("a check waiting behind a long crawl was not answered within a minute")
	}
	// without a way to check, the server says so
	h := newFixture(t, nil)
	if status, _ := apiPost(t, h.client(), h, h.token, "/api/orgs/01000001/check", ""); status != http.StatusNotImplemented {
		t.Errorf("no check now: %d", status)
	}
	if _, page := get(t, h.login(t), h.srv.URL+"/orgs/01000001"); strings.Contains(page, "Check now") {
		t.Error("a Check now button that cannot work")
	}
}

// TestImportFromTheWeb: a list uploaded is imported as s54 orgs import
// does it, with its report; the changes are in the audit log under the
// member of staff.
func TestImportFromTheWeb(t *testing.T) {
	t.Parallel()
	var got struct{ file, by, list string }
	f := newFixture(t, func(cfg *web.Config) {
		cfg.ImportList = func(ctx context.Context, file string, r io.Reader, by string) (string, error) {
			b, _ := io.ReadAll(r)
			got.file, got.by, got.list = file, by, string(b)
			return "list.csv: s54 list, UTF-8, 1 rows: 1 added, 0 updated, 0 unchanged, 0 skipped.\n<b>escaped</b>", nil
		}
	})
	c := f.login(t)
	csrf := pageCSRF(t, c, f, "/import")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("list", "list.csv")
	fw.Write([]byte("company_number,name\n01000009,New Ltd\n"))
	mw.Close()
	resp, err := c.Post(f.srv.URL+"/import", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "1 added") || !strings.Contains(string(page), "&lt;b&gt;escaped") {
		t.Errorf("import: %d %s", resp.StatusCode, between(string(page), "<main", "</main>"))
	}
	if got.file != "list.csv" || got.by != "alice" || !strings.Contains(got.list, "New Ltd") {
		t.Errorf("the import was given %+v", got)
	}
	// without the form's token, nothing is imported
	body.Reset()
	mw = multipart.NewWriter(&body)
	fw, _ = mw.CreateFormFile("list", "other.csv")
	fw.Write([]byte("company_number,name\n01000010,Other Ltd\n"))
	mw.Close()
	resp, _ = c.Post(f.srv.URL+"/import", mw.FormDataContentType(), &body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || got.file != "list.csv" {
		t.Errorf("an import without the CSRF token: %d (%s)", resp.StatusCode, got.file)
	}
}
