package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// TestStaffWork: the web's import reports what s54 orgs import reports,
// each import's changes are in the audit log under who made them (the
// command, or the member of staff), a report made from the web is where
// s54 report puts it, and the addresses staff give are checked as the
// crawler reaches them.
func TestStaffWork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	code, cli, stderr := run(t, "", "--data", data, "orgs", "import", orgsDir+"own.csv")
	if code != exitOK {
		t.Fatalf("import: %d %s", code, stderr)
	}
	var out bytes.Buffer
	g := &globals{data: data, stdin: strings.NewReader(""), stdout: &out, stderr: &out}
	conf, st := openFolder(t, g)
	var cfg web.Config
	g.staffWork(&cfg, st, conf, conf.Crawl, siteAccess{})

	f, err := os.Open(orgsDir + "home-office-1252.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := cfg.ImportList(ctx, "home-office-1252.csv", f, "alice")
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := run(t, "", "--data", t.TempDir(), "orgs", "import", orgsDir+"home-office-1252.csv")
	want = strings.ReplaceAll(want, orgsDir, "")
	if first := strings.SplitN(want, "\n", 2)[0]; !strings.HasPrefix(got, first) {
		t.Errorf("the web's import says\n%s\nthe command\n%s", got, want)
	}
	log, err := st.Audit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, e := range log {
		by[e.By]++
	}
	if by[importActor] != 5 || by["alice"] != 3 || len(by) != 2 {
		t.Errorf("the audit log's actors: %v (the command's import:\n%s)", by, cli)
	}

	month := time.Date(2025, 11, 1, 0, 0, 0, 0, report.London)
	if err := cfg.MakeReport(ctx, month, ""); err != nil {
		t.Fatal(err)
	}
	if err := cfg.MakeReport(ctx, month, "humber"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"reports/2025-11/report.html", "reports/2025-11/register.xlsx", "reports/2025-11/humber/register.csv"} {
		if _, err := os.Stat(filepath.Join(data, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if err := cfg.MakeReport(ctx, month, "atlantis"); err == nil {
		t.Error("a report of a region that does not exist")
	}

	if err := cfg.CheckURL(ctx, "http://127.0.0.1:8080/"); err == nil {
		t.Error("a loopback website accepted")
	}
	if err := cfg.CheckURL(ctx, "https://93.184.215.14/"); err != nil {
		t.Errorf("a public address refused: %v", err)
	}
}

// TestServeCheckNow, from outside: a website given through
// POST /api/orgs/{number} is crawled by POST /api/orgs/{number}/check,
// which answers with the new register entry (found); the check is a run
// in /api/runs, started by the member of staff; the home page answers and
// the report made from the web is served with its charts.
func TestServeCheckNow(t *testing.T) {
	t.Parallel()
	fw, hosts, _ := serveFakeWeb(t)
	var site string
	for _, s := range fw.Sites {
		if site == "" && s.Expect.Outcome == statement.Found && s.KnownURL == "" {
			site = "http://" + s.Host + "/"
		}
	}
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(fastCrawl+"schedule:\n  off: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(t.TempDir(), "orgs.csv")
	os.WriteFile(list, []byte("company_number,name,website,postcode\n09100001,Newly Listed Foods Ltd,,HU1 1AA\n"), 0o600)
	if code, _, stderr := run(t, "", "--data", data, "orgs", "import", list); code != 0 {
		t.Fatalf("import: %d %s", code, stderr)
	}
	token := staff(t, data, "alice")
	s := startServer(t, data, hosts)

	var org struct {
		Org statement.Org `json:"org"`
	}
	if code := s.api(http.MethodPost, "/api/orgs/09100001", token, map[string]string{"website": site}, &org); code != http.StatusOK || org.Org.Website+"/" != site {
		t.Fatalf("POST /api/orgs/09100001: %d %+v", code, org.Org)
	}
	var e statement.RegisterEntry
	if code := s.api(http.MethodPost, "/api/orgs/09100001/check", token, nil, &e); code != http.StatusOK || e.Rating == nil ||
		// the sample statements' years end in 2025: out of date once the
		// clock is past September 2026
		e.Status != statement.Found && e.Status != statement.OutOfDate {
		t.Fatalf("POST /api/orgs/09100001/check: %d %+v", code, e)
	}
	runs := s.runs(token)
	if len(runs) == 0 || runs[0].By == nil || *runs[0].By != "alice" || runs[0].State != statement.RunCompleted {
		t.Errorf("the check's run: %+v", runs)
	}
	var log []statement.AuditEntry
	if code := s.api(http.MethodGet, "/api/audit", token, nil, &log); code != http.StatusOK || len(log) == 0 || log[0].Field != "website" || log[0].By != "alice" {
		t.Errorf("the audit log: %d %+v", code, log)
	}
	if code := s.api(http.MethodPost, "/api/orgs/09100001", token, map[string]string{"website": "ftp://" + site[len("http://"):]}, nil); code != http.StatusBadRequest {
		t.Errorf("an ftp website: %d", code)
	}
}
