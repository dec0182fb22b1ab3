package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/testpdf"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

const password = "correct horse battery"

// fixture is a register of three organisations, two with a statement
// (one of them with a name and text that try to inject HTML), served.
type fixture struct {
	srv   *httptest.Server
	s     *web.Server
	st    *store.Store
	x     *index.Index
	log   *bytes.Buffer
	dir   string
	token string
	sha   string
}

func newFixture(t *testing.T, tweak func(*web.Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{dir: t.TempDir(), log: &bytes.Buffer{}}
	st, err := store.Open(ctx, f.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st
	orgs := []statement.Org{
		{CompanyNumber: "01000001", Name: "Solent Harbour Hotels Ltd", Postcode: "SO14 3TJ", Website: "https://solent.example", Sector: "Hospitality"},
		{CompanyNumber: "01000002", Name: `Evil <script>alert(1)</script> Ltd`, Postcode: "HU1 1AA", Website: "https://evil.example"},
		{CompanyNumber: "01000003", Name: "Quiet Ltd", Postcode: "LE1 1AA", Website: "https://quiet.example"},
	}
	if _, err := st.ImportOrgs(ctx, "test", "s54", orgs, 0); err != nil {
		t.Fatal(err)
	}
	recs, err := st.Orgs(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := index.Open(filepath.Join(f.dir, index.Dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	f.x = x
	chk := checker.Default()
	regions, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	strong, err := os.ReadFile("../testdata/statements/strong.txt")
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{
		"01000001": string(strong),
		"01000002": string(strong) + "\n<img src=x onerror=alert(1)> We never use agency workers.\n",
	}
	yes := true
	for _, o := range recs {
		text, ok := texts[o.CompanyNumber]
		if !ok {
			if _, err := st.RecordFetch(ctx, store.Fetch{OrgID: o.ID, Outcome: statement.NoStatement, URL: o.Website,
				Error: "no link to a modern slavery statement on the homepage"}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		sha, err := st.SaveDocument(ctx, []byte(text), "text/plain; charset=utf-8")
		if err != nil {
			t.Fatal(err)
		}
		if o.CompanyNumber == "01000002" {
			f.sha = sha // the hostile one
		}
		a := chk.CheckWith(statement.Text{Body: text, Format: statement.FormatText}, checker.Facts{HomepageLink: &yes})
		v := store.Version{OrgID: o.ID, URL: o.Website + "/msa", DocumentSHA256: sha, HomepageLink: &yes}
		if _, err := st.RecordCrawl(ctx, store.Fetch{OrgID: o.ID, Outcome: statement.Found, URL: v.URL, DocumentSHA256: sha, HomepageLink: &yes},
			[]store.Assessed{{Version: v, Assessment: a}}, "default"); err != nil {
			t.Fatal(err)
		}
		err = st.Versions(ctx, o.ID, func(vr store.VersionRecord) error {
			return x.Put(pipeline.IndexDoc(vr, text, regions.Match(o.Postcode)))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	hash, err := web.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(ctx, "alice", hash); err != nil {
		t.Fatal(err)
	}
	u, _ := st.UserByName(ctx, "alice")
	tok, th := web.NewToken()
	if err := st.AddAPIToken(ctx, u.ID, th, "test"); err != nil {
		t.Fatal(err)
	}
	f.token = tok
	cfg := web.Config{Store: st, Checker: chk, Index: x, Log: slog.New(slog.NewTextHandler(f.log, nil))}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// client does not follow redirects, so tests see them.
func (f *fixture) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *fixture) login(t *testing.T) *http.Client {
	t.Helper()
	c := f.client()
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"name": {"alice"}, "password": {password}, "next": {"/register"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/register" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestStaffPagesNeedLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.client()
	for _, p := range []string{"/search?q=agency", "/register", "/register.csv", "/register.xlsx", "/orgs/01000001", "/runs", "/snapshots/" + f.sha} {
		resp, _ := get(t, c, f.srv.URL+p)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("%s without login: %d %s, want a redirect to the login", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/api/search?q=agency", "/api/register", "/api/orgs/01000001"} {
		resp, body := get(t, c, f.srv.URL+p)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"error"`) {
			t.Errorf("%s without login: %d %s, want 401", p, resp.StatusCode, body)
		}
		req, _ := http.NewRequest("GET", f.srv.URL+p, nil)
		req.Header.Set("Authorization", "Bearer not-a-token")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with a wrong token: %d, want 401", p, resp.StatusCode)
		}
	}
	// the start page sends the public to the self-check, and is the
	// month at a glance for staff
	if resp, _ := get(t, c, f.srv.URL+"/"); resp.Header.Get("Location") != "/check" {
		t.Errorf("/ without login: %s", resp.Header.Get("Location"))
	}
	if resp, body := get(t, f.login(t), f.srv.URL+"/"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "To act on") {
		t.Errorf("/ logged in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, p := range []string{"/reports", "/reports/2025-11", "/reports/2025-11/register.csv", "/audit", "/audit.csv", "/import"} {
		resp, _ := get(t, c, f.srv.URL+p)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("%s without login: %d %s, want a redirect to the login", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/api/orgs/01000001", "/api/orgs/01000001/check", "/api/orgs/01000001/follow-up"} {
		resp, err := c.Post(f.srv.URL+p, "application/json", strings.NewReader(`{"website":"https://93.184.215.14"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST %s without login: %d, want 401", p, resp.StatusCode)
		}
	}
	// the public pages need none
	for _, p := range []string{"/check", "/login", "/healthz", "/static/style.css"} {
		if resp, _ := get(t, c, f.srv.URL+p); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.client()
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"name": {"alice"}, "password": {"wrong password!"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "do not match") || len(resp.Cookies()) != 0 {
		t.Errorf("wrong password: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	// an open redirect after login is refused
	resp, err = c.PostForm(f.srv.URL+"/login", url.Values{"name": {"alice"}, "password": {password}, "next": {"//evil.example/x"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Location") != "/" {
		t.Errorf("next //evil.example: redirected to %q", resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "s54_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", session)
	}
	r, page := get(t, c, f.srv.URL+"/register")
	if r.StatusCode != http.StatusOK || !strings.Contains(page, "Solent Harbour Hotels Ltd") {
		t.Fatalf("register after login: %d", r.StatusCode)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil {
		t.Fatal("no CSRF token in the page")
	}
	// logging out needs the form's token
	resp, err = c.PostForm(f.srv.URL+"/logout", url.Values{"csrf": {"forged"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a forged token: %d, want 403", resp.StatusCode)
	}
	resp, err = c.PostForm(f.srv.URL+"/logout", url.Values{"csrf": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	// the old cookie is worth nothing now
	old := f.client()
	u, _ := url.Parse(f.srv.URL)
	old.Jar.SetCookies(u, []*http.Cookie{{Name: "s54_session", Value: session.Value}})
	if r, _ := get(t, old, f.srv.URL+"/register"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a logged-out session still opens the register: %d", r.StatusCode)
	}
}

func TestLoginRateLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	web.StopLoginClock(f.s)
	c := f.client()
	// five attempts from one address (at names of its choice), then one
	// more every 12 s: the clock of the limits stands still, so that a
	// slow machine earns none before the refusal comes, nor before the
	// right password after it
	codes := []int{}
	for i := range 10 {
		resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"name": {fmt.Sprintf("guess%d", i)}, "password": {"guess guess guess"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if len(codes) != 6 || codes[4] != http.StatusUnauthorized || codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Errorf("attempts answered %v, want five 401s, then 429", codes)
	}
	// even the right password waits
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"name": {"alice"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password after too many attempts: %d", resp.StatusCode)
	}
}

// TestLoginNotLockedOutFromElsewhere: wrong passwords for a name sent
// from many addresses do not keep out its owner at an address they have
// logged in from before; an address never seen is held back by the name's
// slow limit, and one address by its backoff.
func TestLoginNotLockedOutFromElsewhere(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *web.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	// the limits' clock stands still: a slow machine's minutes of guesses
	// refill no allowance, nor end the backoff, before the checks below
	web.StopLoginClock(f.s)
	login := func(from, pw string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(url.Values{"name": {"alice"}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", from)
		resp, err := f.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	const office, home = "198.51.100.20", "2001:db8:5:6::7"
	for _, from := range []string{office, home} {
		if code, _ := login(from, password); code != http.StatusSeeOther {
			t.Fatalf("first login from %s: %d", from, code)
		}
	}
	// someone else guesses, from forty addresses
	for i := range 40 {
		login(fmt.Sprintf("203.0.113.%d", i+1), "guess guess guess")
	}
	if code, _ := login(office, password); code != http.StatusSeeOther {
		t.Errorf("the owner, from the office, after guesses from elsewhere: %d, want 303", code)
	}
	if code, page := login("192.0.2.99", password); code != http.StatusTooManyRequests || !strings.Contains(page, "attempts for this name") {
		t.Errorf("from an address never seen, after forty guesses at the name: %d, want 429", code)
	}
	// at home, three wrong passwords: then even the right one waits
	for range 3 {
		if code, _ := login(home, "wrong password!"); code != http.StatusUnauthorized {
			t.Fatalf("a wrong password: %d", code)
		}
	}
	if code, page := login(home, password); code != http.StatusTooManyRequests || !strings.Contains(page, "wrong passwords for this name") {
		t.Errorf("the right password at once after three wrong: %d, want 429 for the name at this address", code)
	}
}

func TestCrossSiteRequestsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	for _, h := range []map[string]string{{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}} {
		for _, p := range []string{"/check", "/logout", "/login", "/api/check"} {
			req, _ := http.NewRequest("POST", f.srv.URL+p, strings.NewReader("text=hello"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with %v: %d, want 403", p, h, resp.StatusCode)
			}
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	for _, p := range []string{"/check", "/login", "/search", "/api/register", "/nope"} {
		resp, _ := get(t, f.client(), f.srv.URL+p)
		h := resp.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
}

func TestSearchPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	resp, page := get(t, c, f.srv.URL+"/search?q=agency+workers")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: %d", resp.StatusCode)
	}
	if !strings.Contains(page, "<mark>agency</mark>") || !strings.Contains(page, "statements match") {
		t.Errorf("no highlighted fragment:\n%s", page)
	}
	// what statements and names say is shown, never run
	for _, bad := range []string{"<script>alert", "<img src=x"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page carries %q unescaped", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Error("the hostile name is not shown escaped")
	}
	// facets link to narrower searches
	if !strings.Contains(page, "missing%3A") && !strings.Contains(page, "rating%3A") {
		t.Error("no facet links")
	}
	// a malformed query: a message, not a failure
	resp, page = get(t, c, f.srv.URL+"/search?q=%22unbalanced")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "cannot read the query") {
		t.Errorf("malformed query: %d", resp.StatusCode)
	}
	// paging
	resp, page = get(t, c, f.srv.URL+"/search?q=slavery&limit=1")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `rel="next"`) {
		t.Errorf("paging: %d", resp.StatusCode)
	}
	// nothing found: no paging, no empty "Narrow down"
	_, page = get(t, c, f.srv.URL+"/search?q=zzzqqq")
	if !strings.Contains(page, "No statements match") || strings.Contains(page, "Narrow down") || strings.Contains(page, "page 1 of 0") {
		t.Errorf("no match:\n%s", page)
	}
	// past the last page: said, with a way back, not "page 5 of 2"
	_, page = get(t, c, f.srv.URL+"/search?q=slavery&limit=1&page=5")
	if !strings.Contains(page, "Page 5 is past the last page (2).") || strings.Contains(page, "page 5 of") ||
		!strings.Contains(page, "page=2") {
		t.Errorf("past the last page:\n%s", page)
	}
}

func TestRegisterPageAndDownloads(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	_, page := get(t, c, f.srv.URL+"/register?status=no_statement")
	if !strings.Contains(page, "Quiet Ltd") || strings.Contains(page, "Solent Harbour") {
		t.Errorf("status filter:\n%s", page)
	}
	_, page = get(t, c, f.srv.URL+"/register?sort=-name")
	if strings.Index(page, "Solent Harbour") > strings.Index(page, "Quiet Ltd") {
		t.Error("sorting by name, descending: Solent should come first")
	}
	resp, body := get(t, c, f.srv.URL+"/register.csv")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || strings.Count(body, "\n") < 4 {
		t.Errorf("CSV %s:\n%s", resp.Header.Get("Content-Type"), body)
	}
	resp, body = get(t, c, f.srv.URL+"/register.xlsx")
	if !strings.HasPrefix(body, "PK") || !strings.Contains(resp.Header.Get("Content-Disposition"), "register.xlsx") {
		t.Errorf("XLSX: %q", resp.Header.Get("Content-Disposition"))
	}
	if resp, _ := get(t, c, f.srv.URL+"/register?region=nowhere"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown region: %d", resp.StatusCode)
	}
}

func TestOrgPageEvidenceLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	resp, page := get(t, c, f.srv.URL+"/orgs/01000001")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("org page: %d", resp.StatusCode)
	}
	links := regexp.MustCompile(`href="#(v\d+-[a-z_]+-0)"`).FindAllStringSubmatch(page, -1)
	if len(links) < 3 {
		t.Fatalf("%d evidence links, want the criteria met to link to their evidence", len(links))
	}
	for _, l := range links {
		if !strings.Contains(page, `<mark id="`+l[1]+`" class="ev"`) {
			t.Errorf("link #%s has no target in the text", l[1])
		}
	}
	for _, want := range []string{"Visits to the website", "homepage link: linked", "/snapshots/", "as published"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	_, page = get(t, c, f.srv.URL+"/orgs/01000002")
	if strings.Contains(page, "<img src=x") || strings.Contains(page, "<script>alert") {
		t.Error("the statement's text is not escaped on its page")
	}
	if resp, _ := get(t, c, f.srv.URL+"/orgs/99999999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown organisation: %d", resp.StatusCode)
	}
}

func TestSnapshotIsADownload(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	resp, body := get(t, c, f.srv.URL+"/snapshots/"+f.sha)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") ||
		resp.Header.Get("Content-Type") != "application/octet-stream" || resp.Header.Get("Content-Security-Policy") != "sandbox" ||
		!strings.Contains(body, "<img src=x") {
		t.Errorf("snapshot: %d %v", resp.StatusCode, resp.Header)
	}
	for _, p := range []string{"/snapshots/" + strings.Repeat("0", 64), "/snapshots/abc", "/snapshots/..%2fregister.db"} {
		if resp, _ := get(t, c, f.srv.URL+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, _ := get(t, c, f.srv.URL+"/snapshots/../register.db"); resp.StatusCode == http.StatusOK {
		t.Error("/snapshots/../register.db answered 200")
	}
}

func TestRunsPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	run, _ := f.st.StartRun(context.Background(), "all")
	quiet, _ := f.st.OrgByNumber(context.Background(), "01000003")
	f.st.RecordFetch(context.Background(), store.Fetch{RunID: run, OrgID: quiet.ID, Outcome: statement.Unreachable, Error: "timed out"})
	evil, _ := f.st.OrgByNumber(context.Background(), "01000002")
	f.st.RecordFetch(context.Background(), store.Fetch{RunID: run, OrgID: evil.ID, Outcome: statement.NoStatement,
		Error: "no link to a modern slavery statement on the homepage"})
	f.st.FinishRun(context.Background(), run, statement.RunCompleted, "")
	_, page := get(t, c, f.srv.URL+"/runs")
	if !strings.Contains(page, "timed out") || !strings.Contains(page, "Quiet Ltd") {
		t.Errorf("runs page:\n%s", page)
	}
	// each outcome under its own heading, not all under "no statement"
	none, unreachable := strings.Index(page, "No statement found on the website (1)"), strings.Index(page, "The website could not be reached (1)")
	quietAt, evilAt := strings.Index(page, "Quiet Ltd"), strings.Index(page, "Evil &lt;script&gt;")
	if none < 0 || unreachable < 0 || !(none < evilAt && evilAt < unreachable && unreachable < quietAt) {
		t.Errorf("the last run's failures are not grouped by outcome (%d %d %d %d):\n%s", none, evilAt, unreachable, quietAt, page)
	}
	if !strings.Contains(page, "no link to a statement on the homepage or the pages it links to") {
		t.Error("the failure is not said in words")
	}
}

// upload posts a multipart form with a file or pasted text.
func upload(t *testing.T, c *http.Client, u, field, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	var w io.Writer
	if name != "" {
		w, _ = mw.CreateFormFile(field, name)
	} else {
		w, _ = mw.CreateFormField(field)
	}
	w.Write(data)
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestSelfCheck(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where a multipart parser would spill
	f := newFixture(t, func(c *web.Config) { c.MaxUpload = 1 << 20 })
	c := f.client()
	strong, _ := os.ReadFile("../testdata/statements/strong.txt")
	weak, _ := os.ReadFile("../testdata/statements/weak.txt")
	before := files(t, f.dir)

	resp, page := upload(t, c, f.srv.URL+"/check", "file", "draft.txt", strong)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "meets the legal minimum") {
		t.Errorf("strong draft: %d\n%s", resp.StatusCode, page)
	}
	resp, page = upload(t, c, f.srv.URL+"/check", "text", "", weak)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "does not yet meet") || !strings.Contains(page, `class="advice"`) {
		t.Errorf("weak pasted draft: %d", resp.StatusCode)
	}
	// larger than the limit: refused, with a message
	big := bytes.Repeat([]byte("Our supply chains are audited every year. "), 40000) // 1.7 MB
	resp, page = upload(t, c, f.srv.URL+"/check", "file", "big.txt", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "larger than 1 MB") {
		t.Errorf("oversized upload: %d", resp.StatusCode)
	}
	resp, _ = upload(t, c, f.srv.URL+"/check", "file", "image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00binary"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an image: %d, want 422", resp.StatusCode)
	}
	resp, _ = upload(t, c, f.srv.URL+"/check", "text", "", []byte("   "))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("nothing sent: %d, want 400", resp.StatusCode)
	}
	// drafts leave nothing behind: no file, no log line with their words
	if left := files(t, tmp); len(left) > 0 {
		t.Errorf("files left in TMPDIR: %v", left)
	}
	if after := files(t, f.dir); len(after) != len(before) {
		t.Errorf("the data directory changed: %d files before, %d after", len(before), len(after))
	}
	if n, _ := f.x.Count(); n != 2 {
		t.Errorf("the index holds %d documents, want the 2 crawled", n)
	}
	if strings.Contains(f.log.String(), "supply") || strings.Contains(f.log.String(), "audited") {
		t.Error("the log holds words of a draft")
	}
}

// files lists the regular files under dir (the SQLite WAL files aside).
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, "register.db") && !strings.Contains(p, index.Dir) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.client()
	call := func(method, p string, body io.Reader, ct string) (int, map[string]any, []any) {
		t.Helper()
		req, _ := http.NewRequest(method, f.srv.URL+p, body)
		req.Header.Set("Authorization", "Bearer "+f.token)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var obj map[string]any
		var list []any
		if json.Unmarshal(raw, &obj) != nil {
			json.Unmarshal(raw, &list)
		}
		return resp.StatusCode, obj, list
	}
	code, res, _ := call("GET", "/api/search?q=agency+workers", nil, "")
	if code != 200 || res["total"].(float64) < 1 || len(res["hits"].([]any)) < 1 || res["facets"] == nil {
		t.Errorf("api search: %d %v", code, res)
	} else if hit := res["hits"].([]any)[0].(map[string]any); hit["company_number"] == nil || hit["fragments"] == nil || hit["rating"] == nil {
		t.Errorf("api search hit: %v", hit)
	}
	if code, res, _ := call("GET", "/api/search?q=%22unbalanced", nil, ""); code != 400 || res["error"] == nil {
		t.Errorf("api malformed search: %d", code)
	}
	code, res, _ = call("GET", "/api/register", nil, "")
	if items, _ := res["items"].([]any); code != 200 || len(items) != 3 || res["total"] != 3.0 || res["page"] != 1.0 || res["per_page"] != 50.0 {
		t.Errorf("api register: %d, %v", code, res)
	} else {
		e := items[0].(map[string]any)
		for _, k := range []string{"company_number", "name", "region", "region_name", "website", "statement_url", "homepage_link", "status", "rating", "score", "period_end", "criteria", "checked_at"} {
			if _, ok := e[k]; !ok {
				t.Errorf("api register entry lacks %q", k)
			}
		}
	}
	code, res, _ = call("GET", "/api/orgs/01000001", nil, "")
	if code != 200 || len(res["statements"].([]any)) != 1 || len(res["fetches"].([]any)) != 1 {
		t.Errorf("api org: %d %v", code, res)
	}
	if code, _, _ := call("GET", "/api/orgs/99999999", nil, ""); code != 404 {
		t.Errorf("api unknown org: %d", code)
	}
	strong, _ := os.ReadFile("../testdata/statements/strong.txt")
	code, res, _ = call("POST", "/api/check", bytes.NewReader(strong), "text/plain; charset=utf-8")
	if code != 200 || res["rating"] == nil || len(res["criteria"].([]any)) == 0 {
		t.Errorf("api check: %d %v", code, res)
	}
	if code, res, _ := call("POST", "/api/check", bytes.NewReader([]byte{0, 1, 2, 3}), "application/octet-stream"); code != 422 || res["error"] == nil {
		t.Errorf("api check of junk: %d", code)
	}
	if code, _, _ := call("GET", "/healthz", nil, ""); code != 200 {
		t.Errorf("healthz: %d", code)
	}
}

func TestFragmentsAndLabels(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	pointer := regexp.MustCompile(`0x[0-9a-f]{6,}`)
	_, page := get(t, c, f.srv.URL+"/orgs/01000001")
	if pointer.MatchString(page) || !strings.Contains(page, `class="rating`) {
		t.Error("the rating is shown as a pointer")
	}
	_, page = get(t, c, f.srv.URL+"/register")
	if pointer.MatchString(page) {
		t.Error("the register shows a pointer")
	}
	_, page = get(t, c, f.srv.URL+"/search?q=never+agency")
	if strings.Contains(page, "&amp;#") || strings.Contains(page, "&amp;lt;") || strings.Contains(page, "&amp;amp;") {
		t.Error("a fragment is escaped twice")
	}
}

// TestStaffDownloadsNotCached: what staff download (the register, kept
// documents) is never kept by a browser or a proxy on the way.
func TestStaffDownloadsNotCached(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.login(t)
	for _, p := range []string{"/register.csv", "/register.xlsx", "/snapshots/" + f.sha, "/register", "/api/register"} {
		resp, _ := get(t, c, f.srv.URL+p)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d, Cache-Control %q, want no-store", p, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
}

// TestTrustedProxies: only a peer in web.trusted_proxies sets, with
// X-Forwarded-For, the address the login limit counts. The server sees
// the test's connections from 127.0.0.1, or from 127.0.0.2, the proxy.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *web.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")} })
	// the limits' clock stands still: on a slow machine the attempts
	// take seconds each, and an address's allowance refills one every
	// 12 s (seven attempts before a 429 was seen under load)
	web.StopLoginClock(f.s)
	from := func(local string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
		return &http.Client{Transport: &http.Transport{DialContext: d.DialContext},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	// attempts is how many logins (of names that do not exist) are
	// answered before the first 429, each with another X-Forwarded-For
	attempts := func(c *http.Client, xff func(i int) string) int {
		for i := range 12 {
			req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(url.Values{
				"name": {fmt.Sprintf("nobody%d", i)}, "password": {"guess guess guess"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", xff(i))
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests {
				return i
			}
		}
		return 12
	}
	spoofed := func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) }
	// a peer outside the list: its own address counts, whatever it says
	if n := attempts(from("127.0.0.1"), spoofed); n != 5 {
		t.Errorf("from a peer outside the list, %d attempts with made-up X-Forwarded-For before a 429, want 5", n)
	}
	// the proxy: each client counts on its own
	if n := attempts(from("127.0.0.2"), spoofed); n != 12 {
		t.Errorf("through the proxy, a 429 after %d attempts from as many clients", n)
	}
	// through the proxy, a client that writes X-Forwarded-For itself is
	// counted by the hop the proxy added, the right-most untrusted one
	if n := attempts(from("127.0.0.2"), func(i int) string { return spoofed(i+20) + ", 203.0.113.9" }); n != 5 {
		t.Errorf("through the proxy, a client that changes the left of X-Forwarded-For made %d attempts before a 429, want 5", n)
	}
}

// scannedPDF is a page that only draws an image: a scan, with no text.
func scannedPDF() []byte {
	var b testpdf.Builder
	catalog := b.Add("")
	tree := b.Add("")
	img := b.FlateStream("/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8", bytes.Repeat([]byte{0x80}, 64))
	draw := b.Stream("", "q 595 0 0 842 0 0 cm /Im0 Do Q")
	page := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", tree, img, draw))
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.Bytes(catalog, "")
}

// TestDraftProblemsForPeople: a draft that cannot be read gets a fixed,
// whole sentence that says what to do, on the page and in the API (with a
// short kind), never the reader's error chain or the document's words.
func TestDraftProblemsForPeople(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	secret := "Secret Widget Holdings approved this statement"
	pdf := testpdf.Text("Modern slavery statement", secret+". We audit our suppliers every year.")
	read := func(name string) []byte {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		kind, want string
	}{
		{"truncated PDF", "draft.pdf", pdf[:len(pdf)/2], "corrupt",
			"This PDF is damaged and could not be read. Save it again from the program that made it, or upload the Word file."},
		{"scanned PDF", "scan.pdf", scannedPDF(), "no_text_layer",
			"This PDF is a scanned image with no text to read: upload the Word file or paste the text."},
		{"PDF with a password", "locked.pdf", read("../testdata/pdf/aes256-user.pdf"), "encrypted",
			"This document is protected by a password. Save a copy without the password, or paste the text."},
		{"damaged Word file", "draft.docx", read("../testdata/bad/truncated.docx"), "corrupt",
			"This document is damaged and could not be read. Save it again from the program that made it, or paste the text."},
		{"picture", "draft.png", read("../testdata/bad/image.png"), "unsupported",
			"This kind of file cannot be read. Upload a PDF, a Word file (.docx), a web page or a text file, or paste the text."},
	} {
		resp, page := upload(t, f.client(), f.srv.URL+"/check", "file", tc.file, tc.data)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, html.EscapeString(tc.want)) {
			t.Errorf("%s on the page: %d, want 422 and %q", tc.name, resp.StatusCode, tc.want)
		}
		for _, leak := range []string{"extract", "incorrect format", "EOF", tc.file, "Secret Widget"} {
			if strings.Contains(page, leak) {
				t.Errorf("%s: the page says %q", tc.name, leak)
			}
		}
		resp, err := http.Post(f.srv.URL+"/api/check", "application/octet-stream", bytes.NewReader(tc.data))
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity || got["error"] != tc.want || got["kind"] != tc.kind {
			t.Errorf("%s in the API: %d %v, want 422, %q and kind %q", tc.name, resp.StatusCode, got, tc.want, tc.kind)
		}
	}
}

// TestUploadCutShort: an upload that ends before its Content-Length (the
// client went away) is not "too large": 400, the upload did not complete.
func TestUploadCutShort(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	body := bytes.Repeat([]byte("Our supply chains are audited every year. "), 2000)
	for _, tc := range []struct{ path, ct, want string }{
		{"/check", "multipart/form-data; boundary=xyz", "The upload did not complete"},
		{"/api/check", "text/plain", `"kind": "incomplete"`},
	} {
		form := append([]byte("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"draft.txt\"\r\n\r\n"), body...)
		if tc.path == "/api/check" {
			form = body
		}
		conn, err := net.Dial("tcp", f.srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", tc.path, tc.ct, len(form)*2)
		conn.Write(form)
		conn.(*net.TCPConn).CloseWrite() // gone, half way
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer: %v", tc.path, err)
		}
		page, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(page), tc.want) {
			t.Errorf("%s cut short: %d, want 400 and %q:\n%s", tc.path, resp.StatusCode, tc.want, page)
		}
	}
}

// TestPublicCheckTimeout: a draft on the public page is read within the
// server's CheckTimeout, whatever the extract options allow others.
func TestPublicCheckTimeout(t *testing.T) {
	f := newFixture(t, func(c *web.Config) {
		c.Extract = extract.Options{Timeout: time.Hour}
		c.CheckTimeout = time.Nanosecond
	})
	pdf := testpdf.Text("Modern slavery statement", "This statement was approved by the board.")
	resp, err := http.Post(f.srv.URL+"/api/check", "application/pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || got["kind"] != "timeout" {
		t.Errorf("a check past its time: %d %v, want 422 and kind timeout", resp.StatusCode, got)
	}
}

// TestSelfCheckForPeople: the result opens with the checklist, shows a
// few passages per criterion, keeps pasted text in the form, reminds of
// the homepage link; a document that is not a statement says what it is
// instead of a score, on the page and in the API.
func TestSelfCheckForPeople(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.client()
	strong, _ := os.ReadFile("../testdata/statements/strong.txt")
	_, page := upload(t, c, f.srv.URL+"/check", "text", "", strong)
	for _, want := range []string{`<table class="checklist">`, "Approved by the board", "(legal minimum)", "to check once published",
		"link the statement from a prominent place on your homepage", "A draft is scored without the homepage link", "Check again"} {
		if !strings.Contains(page, want) {
			t.Errorf("result lacks %q", want)
		}
	}
	if !strings.Contains(page, html.EscapeString(strings.Fields(string(strong))[0])) || !strings.Contains(page, `<textarea id="text"`) {
		t.Error("the pasted text is not given back to check again")
	}
	if i, j := strings.Index(page, "checklist"), strings.Index(page, `class="findings"`); i < 0 || j < i {
		t.Error("the checklist does not come before the evidence")
	}
	if n := strings.Count(page, `<p class="evidence">`); n > 2*12 {
		t.Errorf("%d passages of evidence: at most two per criterion", n)
	}

	carbon, _ := os.ReadFile("../testdata/nonstatements/carbon_reduction_plan.txt")
	resp, page := upload(t, c, f.srv.URL+"/check", "file", "plan.txt", carbon)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "does not look like a slavery and human trafficking statement") ||
		!strings.Contains(page, "carbon reduction plan") || strings.Contains(page, "score ") {
		t.Errorf("carbon plan: %d\n%s", resp.StatusCode, page)
	}
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/check", bytes.NewReader(carbon))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	json.NewDecoder(resp.Body).Decode(&got)
	if got["is_statement"] != false || got["score"] != nil || got["rating"] != nil {
		t.Errorf("API: %v", got)
	}
}

// TestSelfCheckTemplateNote: a draft made with a generator whose text
// other organisations published is told it reads as template text, with
// no word of whose; a draft in its own words is not.
func TestSelfCheckTemplateNote(t *testing.T) {
	t.Parallel()
	gen, err := os.ReadFile("../testdata/templates/generator.txt")
	if err != nil {
		t.Fatal(err)
	}
	fill := func(name string) string {
		return strings.NewReplacer("[NAME]", name, "[DATE]", "31 March 2025", "[APPROVED]", "2 July 2025", "[SIGNER]", "Sam Jones").Replace(string(gen))
	}
	published := findings.NewTemplates()
	for i, name := range []string{"Ashdown Print Ltd", "Berrow Farm Supplies Limited", "Corran Logistics Ltd"} {
		published.Add(findings.TemplateDoc{Key: int64(i + 1), OrgID: int64(i + 1), Name: name, Text: fill(name)})
	}
	published.Build()
	f := newFixture(t, func(c *web.Config) {
		c.DraftShared = func(text string) (float64, bool) { return published.Shared(text, ""), true }
	})
	c := f.client()
	_, page := upload(t, c, f.srv.URL+"/check", "text", "", []byte(fill("Foxhole Joinery Ltd")))
	if !strings.Contains(page, "reads as template text") {
		t.Errorf("a generator's draft is not told it is template text:\n%s", page)
	}
	for _, other := range []string{"Ashdown", "Berrow", "Corran"} {
		if strings.Contains(page, other) {
			t.Errorf("the result names %s, whose statement shares the text", other)
		}
	}
	weak, _ := os.ReadFile("../testdata/statements/weak.txt")
	if _, page := upload(t, c, f.srv.URL+"/check", "text", "", weak); strings.Contains(page, "template text") {
		t.Error("a draft in its own words is called template text")
	}
}

// TestCheckAnotherKeepsText: "Check another draft" after a pasted draft
// brings its text back into the check page's box, escaped; a draft that
// fails is given back to correct.
func TestCheckAnotherKeepsText(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.client()
	weak, _ := os.ReadFile("../testdata/statements/weak.txt")
	_, page := upload(t, c, f.srv.URL+"/check", "text", "", weak)
	if !strings.Contains(page, `action="/check/new"`) {
		t.Fatalf("the result has no way to check another draft with the text:\n%s", page)
	}
	draft := "Our <b>draft</b> & more: modern slavery statement."
	resp, err := c.PostForm(f.srv.URL+"/check/new", url.Values{"text": {draft}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Our &lt;b&gt;draft&lt;/b&gt; &amp; more") {
		t.Errorf("check page: %d, the text not in its box:\n%s", resp.StatusCode, body)
	}
	if strings.Contains(f.log.String(), "draft") {
		t.Error("the log holds the draft")
	}
}
