package web_test

// Browser tests: a headless Chromium, driven with chromedp, uses the web
// interface as a person would, over a register built by crawling the fake
// web. They skip when Chromium is not installed. S54_CHROMIUM names the
// browser (default /usr/bin/chromium); S54_SCREENSHOTS, when set, is the
// folder where each scenario leaves a screenshot.

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/atomicfile"
	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/internal/sampleweb"
	"github.com/s54dev/s54/internal/testpdf"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

const (
	browserUser     = "alice"
	browserPassword = "correct horse battery"
)

// chromiumPath returns the browser's path, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("S54_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		t.Skip("chromium is not installed: apt-get install chromium")
	}
	return path
}

// browserSite crawls the fake web into a new register and index, adds a
// staff user, and serves the web interface; it returns the base URL.
func browserSite(t *testing.T) (base, reportHTML, site string) {
	t.Helper()
	ctx := context.Background()
	fw, err := fakeweb.Load(sampleweb.FS())
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeweb.Start(fw)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var orgs []statement.Org
	for _, s := range fw.Sites {
		orgs = append(orgs, statement.Org{CompanyNumber: s.CompanyNumber, Name: s.Name, Postcode: s.Postcode,
			Website: "http://" + s.Host + "/", StatementURL: s.KnownURL})
	}
	// and one with no website yet, whose website staff will give: a
	// sample site where the statement is found, with no address of it
	// known beforehand
	var give *fakeweb.Site
	for _, s := range fw.Sites {
		if give == nil && s.Expect.Outcome == statement.Found && s.KnownURL == "" {
			give = s
		}
	}
	orgs = append(orgs, statement.Org{CompanyNumber: browserNewOrg, Name: "Newly Listed Foods Ltd", Postcode: give.Postcode})
	if _, err := st.ImportOrgs(ctx, "fakeweb", "s54", orgs, 0); err != nil {
		t.Fatal(err)
	}
	recs, err := st.Orgs(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := index.Open(filepath.Join(dir, index.Dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	regions, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}

	opts := crawler.DefaultOptions()
	opts.Fetch.AllowPrivate = true
	opts.Fetch.Hosts = srv.Hosts(fw)
	opts.Fetch.Timeout = 8 * time.Second // a loaded machine still answers loopback within it
	opts.Fetch.MaxBytes = 8 << 20
	opts.Delay = 0
	opts.MaxRequests = 20
	cr := pipeline.NewCrawler(opts, checker.Default())
	t.Cleanup(cr.Close)
	p := &pipeline.Pipeline{Store: st, Crawler: cr, Checker: checker.Default(), Extract: pipeline.ExtractOptions(),
		Concurrency: 8, Index: x, Region: regions.Match,
		Now: func() time.Time { return time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC) }}
	sum, err := p.Crawl(ctx, recs, "all")
	if err != nil {
		t.Fatal(err)
	}
	if sum.IndexFailures != 0 {
		t.Fatalf("crawl: %d organisations not indexed", sum.IndexFailures)
	}

	hash, err := web.HashPassword(browserPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(ctx, browserUser, hash); err != nil {
		t.Fatal(err)
	}
	// November's report, to look at too
	src := report.SourceFunc(func(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error) {
		entries, err := st.RegisterAt(ctx, store.OrgFilter{}, at)
		for i := range entries {
			entries[i].Region = regions.Match(entries[i].Postcode)
			entries[i].RegionName = regions.Name(entries[i].Region)
		}
		return entries, err
	})
	cfg := web.Config{Store: st, Checker: checker.Default(), Index: x, Regions: regions,
		// the fake web's sites, on loopback, as the crawl reaches them
		CheckURL: func(ctx context.Context, raw string) error { return crawler.CheckURL(ctx, raw, opts.Fetch) },
		MakeReport: func(ctx context.Context, month time.Time, region string) error {
			r, err := report.Build(ctx, src, month, region, time.Now())
			if err != nil {
				return err
			}
			dir := filepath.Join(dir, "reports", month.Format("2006-01"), region)
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
			_, err = r.Write(dir, atomicfile.Write)
			return err
		},
		// a check now is a crawl of one organisation, done before the
		// answer
		CheckOrg: func(ctx context.Context, number, by string) (web.CheckRun, error) {
			one, err := st.Orgs(ctx, store.OrgFilter{CompanyNumbers: []string{number}})
			if err != nil {
				return web.CheckRun{}, err
			}
			sum, err := p.Crawl(ctx, one, "check now "+number+" by "+by)
			id, done := make(chan int64, 1), make(chan error, 1)
			id <- sum.RunID
			done <- err
			return web.CheckRun{ID: id, Done: done}, nil
		},
	}
	s, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)

	rep, err := report.Build(ctx, src, time.Now(), "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	paths, err := rep.Write(t.TempDir(), atomicfile.Write)
	if err != nil {
		t.Fatal(err)
	}
	return hs.URL, paths[0], "http://" + give.Host + "/"
}

// startBrowser starts a headless Chromium; tabs made from the context it
// returns share that one browser.
func startBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs the tests as root
		chromedp.WindowSize(1280, 1000),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// browserTab opens a tab in a browser context of its own: its own cookies, so
// each scenario starts logged out.
func browserTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tab, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return tab
}

// browserDo runs steps, failing the test at the first error.
func browserDo(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// browserRun runs one action and returns its value, failing the test on error.
func browserRun[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// browserShotDir is $S54_SCREENSHOTS, or a temporary folder.
func browserShotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("S54_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browserShot saves the whole page as a PNG.
func browserShot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png := browserRun(t, ctx, chromedp.FullScreenshot(100)) // 100: PNG
	path := filepath.Join(dir, "browser-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// browserNewOrg is the organisation with no website in the browser's
// register.
const browserNewOrg = "09100001"

// browserLogin logs in through the login form and checks the home page
// follows.
func browserLogin(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	browserDo(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), browserUser),
		chromedp.SendKeys(chromedp.ID("password"), browserPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("act")),
	)
	loc := browserRun(t, ctx, chromedp.Location())
	if u, err := url.Parse(loc); err != nil || u.Path != "/" {
		t.Fatalf("after logging in the browser is at %s, want the home page", loc)
	}
}

// browserNextPage does what sends a form, and waits until the page it
// leads to has replaced the one it was sent from (whose elements a wait
// for the next page's would otherwise find at once).
func browserNextPage(t *testing.T, ctx context.Context, send chromedp.Action[chromedp.Void]) {
	t.Helper()
	browserDo(t, ctx,
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = "yes"`),
		send,
		chromedp.WaitReady(chromedp.CSS("body:not([data-left])")),
	)
}

// browserDraft is a fictional statement, as a business would upload it.
func browserDraft() []byte {
	return testpdf.Text("Modern Slavery Statement of Pennant Hill Joinery Limited",
		"This statement is made pursuant to section 54(1) of the Modern Slavery Act 2015 and sets out the steps "+
			"Pennant Hill Joinery Limited took during the financial year ending 31 March 2025 to prevent modern "+
			"slavery and human trafficking in its business and supply chains.",
		"Our business and supply chains. Pennant Hill Joinery Limited makes timber doors and windows at one "+
			"workshop in Worcestershire and employs 140 people. We buy timber from 35 suppliers in the United "+
			"Kingdom, Latvia and Brazil, and ironmongery from suppliers in China.",
		"Our policies. Our Anti-Slavery Policy forbids forced, bonded and child labour. Our Supplier Code of "+
			"Conduct requires every supplier to pay at least the legal minimum wage and never to charge workers "+
			"recruitment fees. Our Whistleblowing Policy lets workers raise a concern in confidence.",
		"Due diligence and risk. Every new supplier completes a questionnaire on labour standards before it is "+
			"approved, and we assess each supplier against a risk matrix of country and category. Imported "+
			"hardwood and agency labour in our workshop are the parts of our supply chain at highest risk.",
		"Training. All buyers and supervisors completed training on the signs of modern slavery in 2024.",
		"This statement was approved by the Board of Directors of Pennant Hill Joinery Limited on 12 June 2025.",
		"Signed: Rhiannon Price, Director, 12 June 2025",
	)
}

var browserEvidenceAnchor = regexp.MustCompile(`^#v\d+-[a-z_]+-0$`)

// TestBrowser runs the scenarios in one browser, over one register.
func TestBrowser(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	if testing.Short() {
		t.Skip("browser tests crawl the fake web and start a browser")
	}
	base, reportHTML, newSite := browserSite(t)
	browser := startBrowser(t, path)
	shots := browserShotDir(t)

	t.Run("LoginSearch", func(t *testing.T) {
		ctx := browserTab(t, browser)
		browserLogin(t, ctx, base)
		browserDo(t, ctx,
			chromedp.Navigate(base+"/search"),
			chromedp.WaitVisible(chromedp.ID("q")),
			chromedp.SetValue(chromedp.ID("q"), "agency workers"),
			chromedp.Submit(chromedp.ID("q")),
			chromedp.WaitVisible(chromedp.CSS(".fragment mark")),
		)
		marks := browserRun(t, ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('.fragment mark'), m => m.textContent)`))
		browserShot(t, ctx, shots, "search")
		found := false
		for _, m := range marks {
			found = found || strings.Contains(strings.ToLower(m), "agency")
		}
		if !found {
			t.Errorf("no fragment marks agency: marks %q", marks)
		}
	})

	t.Run("Evidence", func(t *testing.T) {
		ctx := browserTab(t, browser)
		browserLogin(t, ctx, base)
		link := chromedp.CSS(`table.criteria a[href^="#v"]`)
		browserDo(t, ctx,
			chromedp.Navigate(base+"/orgs/09000001"),
			chromedp.WaitVisible(link),
		)
		href := browserRun(t, ctx, chromedp.Evaluate[string](
			`document.querySelector('table.criteria a[href^="#v"]').getAttribute('href')`))
		if !strings.Contains(browserRun(t, ctx, chromedp.Text(link)), "see the evidence in the text") {
			t.Errorf("the first evidence link is not the one wanted")
		}
		browserDo(t, ctx,
			chromedp.Click(link),
			chromedp.WaitReady(chromedp.CSS(":target")),
		)
		hash := browserRun(t, ctx, chromedp.Evaluate[string](`location.hash`))
		if !browserEvidenceAnchor.MatchString(hash) || hash != href {
			t.Errorf("after the click the URL's fragment is %q, want %q (of the form #v…-…-0)", hash, href)
		}
		type target struct {
			ID     string `json:"id"`
			Tag    string `json:"tag"`
			Ev     bool   `json:"ev"`
			InText bool   `json:"inText"`
			Text   string `json:"text"`
		}
		got := browserRun(t, ctx, chromedp.Evaluate[*target](`(() => {
			const el = document.querySelector(':target');
			return el && {id: el.id, tag: el.tagName.toLowerCase(), ev: el.classList.contains('ev'),
				inText: el.closest('section.version .text') !== null, text: el.textContent};
		})()`))
		browserShot(t, ctx, shots, "evidence")
		switch {
		case got == nil:
			t.Fatalf("no element is the target of %s", hash)
		case "#"+got.ID != hash || got.Tag != "mark" || !got.Ev || !got.InText:
			t.Errorf("the target of %s is %+v, want a mark.ev in the statement's text", hash, *got)
		case strings.TrimSpace(got.Text) == "":
			t.Errorf("the evidence marked is empty")
		}
	})

	t.Run("SelfCheck", func(t *testing.T) {
		ctx := browserTab(t, browser)
		draft := filepath.Join(t.TempDir(), "draft.pdf")
		if err := os.WriteFile(draft, browserDraft(), 0o644); err != nil {
			t.Fatal(err)
		}
		browserDo(t, ctx,
			chromedp.Navigate(base+"/check"),
			chromedp.WaitVisible(chromedp.ID("file")),
			chromedp.SetUploadFiles(chromedp.ID("file"), []string{draft}),
			chromedp.Submit(chromedp.ID("file")),
			chromedp.WaitVisible(chromedp.CSS(".verdict")),
		)
		verdict := browserRun(t, ctx, chromedp.Text(chromedp.CSS(".verdict")))
		browserShot(t, ctx, shots, "self-check")
		t.Logf("verdict: %s", verdict)
		if !strings.Contains(verdict, "meets the legal minimum") && !strings.Contains(verdict, "does not yet meet") {
			t.Errorf("verdict %q says neither that the draft meets the legal minimum nor that it does not", verdict)
		}
	})

	t.Run("Report", func(t *testing.T) {
		ctx := browserTab(t, browser)
		browserDo(t, ctx,
			chromedp.Navigate("file://"+reportHTML),
			chromedp.WaitVisible(chromedp.CSS(".chart svg")),
		)
		charts := browserRun(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.chart svg').length`))
		text := browserRun(t, ctx, chromedp.Evaluate[string](`document.body.innerText`))
		browserShot(t, ctx, shots, "report")
		if charts != 3 {
			t.Errorf("%d charts drawn, want 3", charts)
		}
		for _, want := range []string{"Headline figures", "What changed this month", "No statement found", "Coverage of the six areas"} {
			if !strings.Contains(text, want) {
				t.Errorf("the report as shown lacks %q", want)
			}
		}
	})

	t.Run("StaffWorkflow", func(t *testing.T) {
		ctx := browserTab(t, browser)
		browserLogin(t, ctx, base)
		// the home page's list of organisations with no website, into the
		// register filtered so
		list := chromedp.CSS(`table.lists a[href="/register?website=missing"]`)
		count := browserRun(t, ctx, chromedp.Evaluate[string](
			`document.querySelector('table.lists a[href="/register?website=missing"]').closest('tr').querySelector('td.n').textContent`))
		browserShot(t, ctx, shots, "home")
		browserDo(t, ctx, chromedp.Click(list), chromedp.WaitVisible(chromedp.CSS("table.register")))
		rows := browserRun(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.register tbody tr td:first-child a'), a => a.textContent)`))
		if count != "1" || len(rows) != 1 || rows[0] != "Newly Listed Foods Ltd" {
			t.Fatalf("the list of %s organisations with no website led to %q", count, rows)
		}
		// its page: give its website, check it now
		site := newSite
		browserDo(t, ctx,
			chromedp.Click(chromedp.CSS(`table.register tbody a[href="/orgs/`+browserNewOrg+`"]`)),
			chromedp.WaitVisible(chromedp.ID("website")),
			chromedp.SetValue(chromedp.ID("website"), site),
		)
		browserNextPage(t, ctx, chromedp.Submit(chromedp.ID("website")))
		browserDo(t, ctx, chromedp.WaitVisible(chromedp.ID("check-now")))
		if got := browserRun(t, ctx, chromedp.Value(chromedp.ID("website"))); got+"/" != site {
			t.Errorf("the website after saving: %q, want %q", got, site)
		}
		browserNextPage(t, ctx, chromedp.Click(chromedp.ID("check-now")))
		browserDo(t, ctx, chromedp.WaitVisible(chromedp.ID("note")))
		status := browserRun(t, ctx, chromedp.Text(chromedp.CSS("main > p:nth-of-type(2)")))
		if !strings.Contains(status, "Status: found") {
			t.Errorf("after checking it now: %q, want Status: found", status)
		}
		// a follow-up note
		browserDo(t, ctx,
			chromedp.SetValue(chromedp.ID("status"), "contacted"),
			chromedp.SendKeys(chromedp.ID("note"), "Wrote to the company secretary about the homepage link"),
			chromedp.Submit(chromedp.ID("note")),
			chromedp.WaitVisible(chromedp.CSS("table.follow-ups")),
		)
		browserShot(t, ctx, shots, "organisation-work")
		if h := browserRun(t, ctx, chromedp.Text(chromedp.ID("follow-up-h"))); !strings.Contains(h, "contacted") {
			t.Errorf("the follow-up reads %q", h)
		}
		// the audit log, and the register's export
		browserDo(t, ctx, chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(chromedp.CSS("table.audit")))
		audit := browserRun(t, ctx, chromedp.Evaluate[string](`document.querySelector('table.audit').innerText`))
		for _, want := range []string{site[:len(site)-1], "Wrote to the company secretary", "contacted", browserUser} {
			if !strings.Contains(audit, want) {
				t.Errorf("the audit log lacks %q", want)
			}
		}
		csv := browserRun(t, ctx, chromedp.Evaluate[string](`fetch('/register.csv?follow_up=contacted').then(r => r.text())`,
			chromedp.EvalAwaitPromise))
		if !strings.Contains(csv, browserNewOrg+",Newly Listed Foods Ltd") || !strings.Contains(csv, ",found,") || !strings.Contains(csv, ",contacted") {
			t.Errorf("the register's export of those contacted:\n%s", csv)
		}
		// this month's report, made now: every chart label there
		browserDo(t, ctx,
			chromedp.Navigate(base+"/reports"),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/reports"] button`)),
			chromedp.Click(chromedp.CSS(`form[action="/reports"] button`)),
			chromedp.WaitVisible(chromedp.CSS(".chart svg")),
		)
		browserShot(t, ctx, shots, "report-in-s54")
		labels := browserRun(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.chart svg text'), t => t.textContent)`))
		want := []string{"strong", "good", "minimum", "below minimum"}
		for _, a := range statement.Areas {
			want = append(want, a.Label())
		}
		// the months of the report made, which its address names: not
		// the test's clock, which may have passed into the next month
		// since, nor its day of the month, from which AddDate would skip
		// a month (31 December less one month is 1 December)
		loc := browserRun(t, ctx, chromedp.Location())
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		month, err := time.ParseInLocation("2006-01", strings.TrimPrefix(u.Path, "/reports/"), report.London)
		if err != nil {
			t.Fatalf("the report made is at %s, not /reports/ and its month", loc)
		}
		for i := range 12 {
			want = append(want, month.AddDate(0, i-11, 0).Format("Jan 06"))
		}
		for _, w := range want {
			if !slices.Contains(labels, w) {
				t.Errorf("the report's charts lack the label %q", w)
			}
		}
		if n := browserRun(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href="/orgs/`+browserNewOrg+`"]').length`)); n == 0 {
			t.Error("the report does not link the organisation's name to its page")
		}
	})

	t.Run("RegisterNeedsLogin", func(t *testing.T) {
		ctx := browserTab(t, browser)
		browserDo(t, ctx,
			chromedp.Navigate(base+"/register"),
			chromedp.WaitVisible(chromedp.ID("password")),
		)
		loc := browserRun(t, ctx, chromedp.Location())
		browserShot(t, ctx, shots, "register-login")
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		if u.Path != "/login" || u.Query().Get("next") != "/register" {
			t.Errorf("/register without a session went to %s, want /login?next=/register", loc)
		}
	})
}
