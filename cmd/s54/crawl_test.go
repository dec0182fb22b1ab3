package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/internal/sampleweb"
	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// serveFakeWeb serves the sample web and writes an organisations file for
// its sites; runOn with its hosts points the crawler at it.
func serveFakeWeb(t *testing.T) (*fakeweb.Web, map[string]string, string) {
	t.Helper()
	web, err := fakeweb.Load(sampleweb.FS())
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeweb.Start(web)
	t.Cleanup(srv.Close)
	var csv strings.Builder
	csv.WriteString("company_number,name,website,postcode,turnover,sector,statement_url\n")
	for _, s := range web.Sites {
		csv.WriteString(s.CompanyNumber + "," + s.Name + ",http://" + s.Host + "/," + s.Postcode + ",50000000,Manufacturing," + s.KnownURL + "\n")
	}
	path := filepath.Join(t.TempDir(), "orgs.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return web, srv.Hosts(web), path
}

// fastCrawl is a config for tests: no politeness delay, time limits a
// loaded machine (the race detector, other packages' tests) still keeps.
const fastCrawl = "crawl:\n  delay: 0s\n  timeout: 8s\n  max_bytes: 8388608\n  max_requests: 20\n  contact: https://partnership.example/s54\n"

func TestCrawlThenRegister(t *testing.T) {
	t.Parallel()
	web, hosts, orgs := serveFakeWeb(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(fastCrawl), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "--data", data, "orgs", "import", orgs); code != 0 {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	code, stdout, stderr := runOn(t, hosts, "--data", data, "crawl", "--allow-private", "--concurrency", "8")
	if code != 0 {
		t.Fatalf("crawl: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// not a terminal: a line per organisation, then the summary
	if n := strings.Count(stdout, "\n["); n+1 < len(web.Sites) || !strings.Contains(stdout, "organisations crawled") {
		t.Errorf("crawl output:\n%s", stdout)
	}
	for _, r := range web.Requests() {
		if !strings.Contains(r.UserAgent, "https://partnership.example/s54") {
			t.Fatalf("User-Agent %q lacks the contact URL from the config", r.UserAgent)
		}
	}
	code, stdout, stderr = run(t, "", "--data", data, "register", "--json")
	if code != 0 {
		t.Fatalf("register: exit %d %s", code, stderr)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(stdout), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(web.Sites) {
		t.Fatalf("%d entries for %d sites", len(entries), len(web.Sites))
	}
	fields := []string{"company_number", "name", "region", "website", "statement_url", "homepage_link",
		"status", "rating", "score", "period_end", "criteria", "checked_at"}
	for _, e := range entries {
		for _, f := range fields {
			if _, ok := e[f]; !ok {
				t.Errorf("%v: no %q field", e["name"], f)
			}
		}
		site := siteByNumber(web, e["company_number"].(string))
		if !sameStatus(statement.RegisterStatus(e["status"].(string)), site.Expect.Outcome) {
			t.Errorf("%s: status %v, want %s", site.Host, e["status"], site.Expect.Outcome)
		}
	}
	// every statement found is searchable, with highlights and facets
	found := 0
	for _, e := range entries {
		if e["rating"] != nil {
			found++
		}
	}
	search := func(args ...string) map[string]any {
		t.Helper()
		code, stdout, stderr := run(t, "", append([]string{"--data", data, "search", "--json", "--limit", "50"}, args...)...)
		if code != 0 {
			t.Fatalf("search %q: exit %d %s", args, code, stderr)
		}
		var res map[string]any
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := search("slavery")
	if int(res["total"].(float64)) != found {
		t.Errorf("search slavery: %v hits, want the %d statements found", res["total"], found)
	}
	hit := res["hits"].([]any)[0].(map[string]any)
	for _, f := range []string{"company_number", "name", "statement_url", "period_end", "rating", "score", "fragments", "snapshot"} {
		if _, ok := hit[f]; !ok {
			t.Errorf("search hit has no %q: %v", f, hit)
		}
	}
	if fr := hit["fragments"].([]any); len(fr) == 0 || !strings.Contains(strings.ToLower(fr[0].(string)), "<mark>slavery</mark>") {
		t.Errorf("fragments %v", hit["fragments"])
	}
	if _, err := os.Stat(hit["snapshot"].(string)); err != nil {
		t.Errorf("snapshot: %v", err)
	}
	if res["facets"].(map[string]any)["rating"] == nil {
		t.Errorf("no rating facet: %v", res["facets"])
	}
	// a rebuild from the register gives the same
	if code, stdout, stderr := run(t, "", "--data", data, "index", "rebuild"); code != 0 || !strings.Contains(stdout, "Indexed") {
		t.Fatalf("index rebuild: exit %d %s %s", code, stdout, stderr)
	}
	if again := search("slavery"); again["total"] != res["total"] {
		t.Errorf("after a rebuild: %v hits, before %v", again["total"], res["total"])
	}
	// history from a statements index is searchable with --all-versions
	if all := search("slavery", "--all-versions"); all["total"].(float64) <= res["total"].(float64) {
		t.Errorf("all versions: %v hits, latest only %v", all["total"], res["total"])
	}
	// a malformed query: a clear message, exit 2
	if code, _, stderr := run(t, "", "--data", data, "search", `"unbalanced`); code != exitUsage || !strings.Contains(stderr, "query") {
		t.Errorf("malformed query: exit %d %q", code, stderr)
	}
	code, stdout, _ = run(t, "", "--data", data, "search", "slavery", "--limit", "2")
	if code != 0 || !strings.Contains(stdout, "statements match") || !strings.Contains(stdout, "[slavery]") && !strings.Contains(stdout, "[Slavery]") {
		t.Errorf("search output:\n%s", stdout)
	}

	// this month's report, from the register as it is
	month := time.Now().In(report.London).Format("2006-01")
	code, stdout, stderr = run(t, "", "--data", data, "report", "--month", month)
	if code != 0 || !strings.Contains(stdout, "organisations followed") {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, f := range report.Files {
		if _, err := os.Stat(filepath.Join(data, "reports", month, f)); err != nil {
			t.Errorf("report file: %v", err)
		}
	}
	if code, _, stderr := run(t, "", "--data", data, "report", "--month", "13-2025"); code != exitUsage {
		t.Errorf("report with a bad month: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "--data", data, "report", "--email"); code != exitUsage || !strings.Contains(stderr, "email") {
		t.Errorf("report --email without settings: exit %d %s", code, stderr)
	}
	// a scheduled run the server's stop cut, as s54 schedule tells it
	st, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	job, _ := st.StartJob(context.Background(), scheduledJob)
	st.FinishJob(context.Background(), job, statement.RunInterrupted, "the server stopped")
	st.Close()
	code, stdout, _ = run(t, "", "--data", data, "schedule")
	if code != 0 || !strings.Contains(stdout, "Next crawls") || !strings.Contains(stdout, "interrupted: the server stopped") {
		t.Errorf("schedule: exit %d\n%s", code, stdout)
	}

	// without --allow-private the loopback web is refused, and recorded so
	code, stdout, _ = runOn(t, hosts, "--data", data, "crawl", "--org", web.Sites[0].CompanyNumber)
	if code != 0 || !strings.Contains(stdout, "1 error") {
		t.Errorf("crawl without --allow-private: exit %d\n%s", code, stdout)
	}
}

// sameStatus compares a register status with an expected one: a statement
// found is out_of_date once its year ended 18 months ago, which the fake
// web's fixed statements all will be one day.
func sameStatus(got, want statement.RegisterStatus) bool {
	return got == want || (want == statement.Found && got == statement.OutOfDate)
}

func siteByNumber(web *fakeweb.Web, n string) *fakeweb.Site {
	for _, s := range web.Sites {
		if s.CompanyNumber == n {
			return s
		}
	}
	return &fakeweb.Site{}
}

// TestCrawlKilled kills (SIGKILL) a crawl part way and checks that the
// register is whole and the next crawl resumes the run.
func TestCrawlKilled(t *testing.T) {
	if os.Getenv("S54_CRAWL_CHILD") != "" {
		return // the child's work is done by TestMain's hook
	}
	if testing.Short() {
		t.Skip("kills a crawl in a child process")
	}
	web, hosts, orgs := serveFakeWeb(t)
	data := t.TempDir()
	// slow enough to be killed in the middle: one site at a time
	if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(fastCrawl+"  concurrency: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "--data", data, "orgs", "import", orgs); code != 0 {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	hostsJSON, _ := json.Marshal(hosts)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "S54_CRAWL_CHILD="+data, "S54_CRAWL_HOSTS="+string(hostsJSON))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, ok, _ := st.UnfinishedRun(ctx)
		if ok {
			done, _ := st.RunDone(ctx, r.ID)
			if len(done) >= 4 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child crawl recorded nothing in 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed, ok, err := st.UnfinishedRun(ctx)
	if err != nil || !ok {
		t.Fatalf("after the kill: no unfinished run (%v)", err)
	}
	doneBefore, _ := st.RunDone(ctx, killed.ID)
	if len(doneBefore) >= len(web.Sites) {
		t.Skip("the child finished before it was killed")
	}
	st.Close()
	code, stdout, stderr := runOn(t, hosts, "--data", data, "crawl", "--allow-private")
	if code != 0 || !strings.Contains(stdout, "resumed run") {
		t.Fatalf("crawl after the kill: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "", "--data", data, "register", "--json")
	var entries []struct {
		Name   string                   `json:"name"`
		Status statement.RegisterStatus `json:"status"`
		Rating *string                  `json:"rating"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &entries) != nil {
		t.Fatalf("register: exit %d %s", code, stdout)
	}
	for _, e := range entries {
		if e.Status == statement.NotChecked || sameStatus(e.Status, statement.Found) != (e.Rating != nil) {
			t.Errorf("%s: status %s, rating %v after the resumed run", e.Name, e.Status, e.Rating)
		}
	}
}

// crawlChild is the killed crawl of TestCrawlKilled, run by TestMain.
func crawlChild() {
	data := os.Getenv("S54_CRAWL_CHILD")
	if data == "" {
		return
	}
	g := &globals{stdout: os.Stdout, stderr: os.Stderr}
	json.Unmarshal([]byte(os.Getenv("S54_CRAWL_HOSTS")), &g.hosts)
	os.Exit(g.main(context.Background(), []string{"--data", data, "crawl", "--allow-private"}))
}
