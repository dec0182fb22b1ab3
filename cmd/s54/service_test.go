package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// testServer is s54 serve run in this process on a data folder, as the
// tests start it.
type testServer struct {
	t      *testing.T
	data   string
	addr   string // the web's host:port
	out    *syncBuffer
	errs   *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

// startServer runs s54 serve on data (loopback, any port, the fake web's
// hosts) and waits for its socket to answer.
func startServer(t *testing.T, data string, hosts map[string]string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{t: t, data: data, out: &syncBuffer{}, errs: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	g := &globals{stdin: strings.NewReader(""), stdout: s.out, stderr: s.errs, hosts: hosts}
	go func() {
		s.done <- g.main(ctx, []string{"--data", data, "serve", "--addr", "127.0.0.1:0", "--allow-private"})
	}()
	t.Cleanup(func() { s.stop() })
	client := &globals{data: data}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case code := <-s.done:
			s.done <- code
			t.Fatalf("s54 serve ended (exit %d) before it served:\n%s\n%s", code, s.out, s.errs)
		default:
		}
		if srv, err := client.server(); err == nil && srv != nil {
			resp, err := srv.call(ctx, http.MethodGet, "/v1/hello", nil)
			if err == nil {
				var h helloJSON
				json.NewDecoder(resp.Body).Decode(&h)
				resp.Body.Close()
				s.addr = h.Addr
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("s54 serve did not answer on its socket within 60 s:\n%s\n%s", s.out, s.errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// the socket answers before the start's lines are printed; the web
	// address answers only after the last of them (schedule, unset
	// settings, a resumed run), so one answer from it means all are out
	hc := &http.Client{Timeout: 60 * time.Second}
	resp, err := hc.Get("http://" + s.addr + "/login")
	if err != nil {
		t.Fatalf("s54 serve did not answer on %s: %v\n%s\n%s", s.addr, err, s.out, s.errs)
	}
	resp.Body.Close()
	return s
}

// stop stops the server as Ctrl-C does and returns its exit code.
func (s *testServer) stop() int {
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(90 * time.Second):
		s.t.Fatalf("s54 serve did not stop:\n%s", s.errs)
		return -1
	}
}

// staff makes a staff account and returns an API token of it.
func staff(t *testing.T, data, name string) string {
	t.Helper()
	if code, _, stderr := run(t, "a long enough password\n", "--data", data, "users", "add", name); code != 0 {
		t.Fatalf("users add: exit %d %s", code, stderr)
	}
	code, stdout, stderr := run(t, "", "--data", data, "users", "token", name)
	if code != 0 {
		t.Fatalf("users token: exit %d %s", code, stderr)
	}
	return strings.TrimSpace(stdout)
}

// apiRun is a run of GET /api/runs.
type apiRun struct {
	ID               int64              `json:"id"`
	State            statement.RunState `json:"state"`
	StartedAt        *time.Time         `json:"started_at"`
	FinishedAt       *time.Time         `json:"finished_at"`
	Done             *int               `json:"done"`
	Total            *int               `json:"total"`
	Outcomes         map[string]int     `json:"outcomes"`
	By               *string            `json:"by"`
	ElapsedSeconds   *int64             `json:"elapsed_seconds"`
	RemainingSeconds *int64             `json:"remaining_seconds"`
}

// api calls the server's JSON API with a token.
func (s *testServer) api(method, path, token string, body any, into any) int {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, "http://"+s.addr+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if into != nil {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			s.t.Fatalf("%s %s: %d, %v", method, path, resp.StatusCode, err)
		}
	}
	return resp.StatusCode
}

func (s *testServer) runs(token string) []apiRun {
	s.t.Helper()
	var runs []apiRun
	if code := s.api(http.MethodGet, "/api/runs", token, nil, &runs); code != http.StatusOK {
		s.t.Fatalf("GET /api/runs: %d", code)
	}
	return runs
}

// waitRun waits until the newest run satisfies ok.
func (s *testServer) waitRun(token string, what string, ok func(apiRun) bool) apiRun {
	s.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		runs := s.runs(token)
		if len(runs) > 0 && ok(runs[0]) {
			return runs[0]
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no run %s within 90 s: %+v\n%s", what, runs, s.errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// gate is a site on loopback whose homepage answers only when let go: a
// crawl of it stays running until then.
type gate struct {
	srv     *httptest.Server
	release chan struct{}
	once    sync.Once
	hit     chan struct{}
}

func newGate(t *testing.T) *gate {
	g := &gate{release: make(chan struct{}), hit: make(chan struct{}, 100)}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		g.hit <- struct{}{}
		select {
		case <-g.release:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, `<html><body><p>Gate Ltd makes gates.</p></body></html>`)
	}))
	t.Cleanup(func() { g.open(); g.srv.Close() })
	return g
}

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

// gatedFolder is a data folder of three organisations, two of the fake web
// and the gate's, with a crawl config patient enough to wait for the gate.
func gatedFolder(t *testing.T, web *fakeweb.Web, g *gate, schedule string) string {
	t.Helper()
	data := t.TempDir()
	conf := "crawl:\n  delay: 0s\n  timeout: 60s\n  max_requests: 20\n  contact: https://partnership.example/s54\n" + schedule
	if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("company_number,name,website,postcode,turnover,sector\n")
	for _, s := range web.Sites[:2] {
		csv.WriteString(s.CompanyNumber + "," + s.Name + ",http://" + s.Host + "/," + s.Postcode + ",50000000,Manufacturing\n")
	}
	csv.WriteString("09999999,Gate Ltd," + g.srv.URL + "/,HU1 1AA,50000000,Manufacturing\n")
	path := filepath.Join(t.TempDir(), "orgs.csv")
	os.WriteFile(path, []byte(csv.String()), 0o600)
	if code, _, stderr := run(t, "", "--data", data, "orgs", "import", path); code != 0 {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	return data
}

// TestServeFirstStartAndCommandLine: s54 serve on a fresh folder of
// imported organisations crawls nothing by itself and says when it will,
// and what is unset; s54 crawl, search, register and index rebuild then
// work beside it, the crawl and the rebuild made by the server, which
// GET /api/runs shows; a second server on the folder is refused in one
// line; stopping the server logs no error.
func TestServeFirstStartAndCommandLine(t *testing.T) {
	t.Parallel()
	web, hosts, orgs := serveFakeWeb(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(fastCrawl), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "--data", data, "orgs", "import", orgs); code != 0 {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	token := staff(t, data, "alice")
	srv := startServer(t, data, hosts)
	out := srv.out.String()
	if !strings.Contains(out, "first start on this data folder: nothing is crawled until the first scheduled crawl and report") ||
		!strings.Contains(out, "not set yet in s54.yaml: email") || strings.Contains(out, "crawl.contact") {
		t.Errorf("s54 serve's first words:\n%s", out)
	}
	if runs := srv.runs(token); len(runs) != 0 {
		t.Fatalf("the first start crawled: %+v", runs)
	}
	if fi, err := os.Stat(filepath.Join(data, serverDirName)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("server folder: %v %v", fi.Mode(), err)
	}
	for _, f := range []string{socketName, tokenName} {
		if fi, err := os.Stat(filepath.Join(data, serverDirName, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, fi.Mode(), err)
		}
	}

	// the command line beside it: the crawl is the server's, shown here
	code, stdout, stderr := run(t, "", "--data", data, "crawl", "--allow-private")
	if code != 0 || strings.Count(stdout, "\n[")+1 < len(web.Sites) || !strings.Contains(stdout, "organisations crawled") {
		t.Fatalf("crawl beside the server: exit %d\n%s\n%s", code, stdout, stderr)
	}
	runs := srv.runs(token)
	if len(runs) != 1 || runs[0].State != statement.RunCompleted || runs[0].Done == nil || runs[0].Total == nil ||
		*runs[0].Done != len(web.Sites) || *runs[0].Total != len(web.Sites) || runs[0].By == nil ||
		!strings.HasPrefix(*runs[0].By, "s54 crawl") || runs[0].FinishedAt == nil || len(runs[0].Outcomes) == 0 {
		t.Errorf("/api/runs after the crawl: %+v", runs)
	}
	code, stdout, stderr = run(t, "", "--data", data, "search", "--json", "slavery")
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			Snapshot string `json:"snapshot"`
		} `json:"hits"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil || res.Total == 0 {
		t.Fatalf("search beside the server: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(res.Hits[0].Snapshot); err != nil {
		t.Errorf("snapshot: %v", err)
	}
	if code, _, stderr := run(t, "", "--data", data, "search", `"unbalanced`); code != exitUsage || !strings.Contains(stderr, "query") {
		t.Errorf("a bad query beside the server: exit %d %q", code, stderr)
	}
	if code, stdout, _ := run(t, "", "--data", data, "register", "--json"); code != 0 || strings.Count(stdout, `"company_number"`) != len(web.Sites) {
		t.Errorf("register beside the server: exit %d", code)
	}
	code, stdout, stderr = run(t, "", "--data", data, "index", "rebuild")
	if code != 0 || !strings.Contains(stdout, "by the s54 serve running on it") {
		t.Errorf("index rebuild beside the server: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// recheck writes the index as it assesses: the server does it, with
	// its rules, and refuses other rules than its own
	code, stdout, stderr = run(t, "", "--data", data, "recheck", "--all")
	if code != 0 || !strings.Contains(stdout, "by the s54 serve running on it") ||
		!regexp.MustCompile(`Assessed [1-9]\d* statement versions again`).MatchString(stdout) {
		t.Errorf("recheck beside the server: exit %d\n%s\n%s", code, stdout, stderr)
	}
	other := filepath.Join(t.TempDir(), "rules")
	if code, _, stderr := run(t, "", "rules", "--export", other); code != 0 {
		t.Fatalf("rules --export: %s", stderr)
	}
	p := filepath.Join(other, "training.yaml")
	rules, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(rules), "weight: 10\n", "weight: 10\nmet: 3\n", 1)), 0o644)
	code, _, stderr = run(t, "", "--data", data, "--rules", other, "recheck")
	if code == 0 || !strings.Contains(stderr, "restart it with the rules you mean") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("recheck with other rules than the server's: exit %d %q", code, stderr)
	}
	code, stdout, _ = run(t, "", "--data", data, "search", "--json", "slavery")
	var again struct {
		Total int `json:"total"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &again) != nil || again.Total != res.Total {
		t.Errorf("search after the server's rebuild: exit %d, %d hits, before %d", code, again.Total, res.Total)
	}

	// a second server on the folder: one line, before it opens anything
	code, _, stderr = run(t, "", "--data", data, "serve", "--addr", "127.0.0.1:0")
	if code != exitUnreadable || !strings.Contains(stderr, "s54 serve is running on "+data+" already (pid") ||
		strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("a second server: exit %d %q", code, stderr)
	}
	if code := srv.stop(); code != 0 {
		t.Errorf("stopping the server: exit %d\n%s", code, srv.errs)
	}
	if logs := srv.errs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("the server logged an error:\n%s", logs)
	}
	// without a server, the command line works alone again
	if code, _, stderr := run(t, "", "--data", data, "search", "slavery"); code != 0 {
		t.Errorf("search after the server stopped: exit %d %s", code, stderr)
	}
}

// TestServeRunsSteered: /api/runs shows a crawl's progress as it goes
// (done of total, outcomes so far, elapsed, time left); staff stop it from
// the runs page, and it stays stopped, by them, across a restart; a run
// cut by a shutdown is interrupted, and resumes at the next start; s54
// crawl whose run staff stop exits 1 saying who stopped it.
func TestServeRunsSteered(t *testing.T) {
	t.Parallel()
	web, hosts, _ := serveFakeWeb(t)
	g := newGate(t)
	data := gatedFolder(t, web, g, "")
	token := staff(t, data, "alice")
	srv := startServer(t, data, hosts)

	// staff log in and start a crawl of all from the runs page
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm("http://"+srv.addr+"/login", url.Values{"name": {"alice"}, "password": {"a long enough password"}, "next": {"/runs"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil || !strings.Contains(string(page), `action="/runs"`) {
		t.Fatalf("the runs page has no form to start a crawl:\n%s", page)
	}
	csrf := string(m[1])
	if resp, err := c.PostForm("http://"+srv.addr+"/runs", url.Values{"region": {""}}); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a start without the form's token: %v %v", resp.Status, err)
	}
	resp, err = c.PostForm("http://"+srv.addr+"/runs", url.Values{"csrf": {csrf}, "region": {""}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("start from the runs page: %v %v", resp.Status, err)
	}
	resp.Body.Close()
	<-g.hit
	live := srv.waitRun(token, "with the two sites done", func(r apiRun) bool { return r.Done != nil && *r.Done == 2 })
	if live.State != statement.RunRunning || *live.Total != 3 || live.FinishedAt != nil || live.StartedAt == nil ||
		live.ElapsedSeconds == nil || live.RemainingSeconds == nil || live.By == nil || *live.By != "alice" {
		t.Errorf("a run going on: %+v", live)
	}
	n := 0
	for _, v := range live.Outcomes {
		n += v
	}
	if n != 2 {
		t.Errorf("outcomes so far %v, want two", live.Outcomes)
	}
	resp, _ = c.Get("http://" + srv.addr + "/runs")
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "2 of 3") || !strings.Contains(string(page), `http-equiv="refresh"`) ||
		!strings.Contains(string(page), fmt.Sprintf(`action="/runs/%d/stop"`, live.ID)) {
		t.Errorf("the runs page while a crawl runs:\n%s", page)
	}
	// another crawl meanwhile is refused
	if code := srv.api(http.MethodPost, "/api/runs", token, map[string]any{}, nil); code != http.StatusConflict {
		t.Errorf("a second crawl at once: %d, want 409", code)
	}
	resp, err = c.PostForm(fmt.Sprintf("http://%s/runs/%d/stop", srv.addr, live.ID), url.Values{"csrf": {csrf}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("stop from the runs page: %v %v", resp.Status, err)
	}
	resp.Body.Close()
	stopped := srv.runs(token)[0]
	if stopped.ID != live.ID || stopped.State != statement.RunStopped || stopped.By == nil || *stopped.By != "alice" ||
		*stopped.Done != 2 || stopped.FinishedAt == nil {
		t.Errorf("the stopped run: %+v", stopped)
	}
	// a restart does not resume a stopped run
	srv.stop()
	srv = startServer(t, data, hosts)
	if runs := srv.runs(token); len(runs) != 1 || runs[0].State != statement.RunStopped || strings.Contains(srv.out.String(), "resuming") {
		t.Errorf("after a restart, the stopped run: %+v\n%s", runs, srv.out)
	}

	// a crawl cut by the server's shutdown is resumed at its next start
	var started struct {
		RunID int64 `json:"run_id"`
	}
	if code := srv.api(http.MethodPost, "/api/runs", token, map[string]any{"restart": true}, &started); code != http.StatusAccepted || started.RunID == 0 {
		t.Fatalf("start through the API: %d %+v", code, started)
	}
	<-g.hit
	srv.waitRun(token, "with the two sites done again", func(r apiRun) bool { return r.ID == started.RunID && *r.Done == 2 })
	srv.stop()
	if logs := srv.errs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("the shutdown logged an error:\n%s", logs)
	}
	st, err := store.Open(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	cut, err := st.Run(context.Background(), started.RunID)
	st.Close()
	if err != nil || cut.State != statement.RunInterrupted || cut.Done() != 2 {
		t.Errorf("the run cut by the shutdown: %+v %v", cut, err)
	}
	g.open()
	srv = startServer(t, data, hosts)
	if !strings.Contains(srv.out.String(), fmt.Sprintf("resuming run %d", started.RunID)) {
		t.Errorf("the interrupted run was not resumed:\n%s", srv.out)
	}
	done := srv.waitRun(token, "completed", func(r apiRun) bool { return r.State == statement.RunCompleted })
	if done.ID != started.RunID || *done.Done != 3 || *done.Total != 3 {
		t.Errorf("the resumed run: %+v", done)
	}
}

// TestServeCommandLineCrawlStopped: s54 crawl whose run staff stop exits
// 1 and says who stopped it.
func TestServeCommandLineCrawlStopped(t *testing.T) {
	t.Parallel()
	web, hosts, _ := serveFakeWeb(t)
	g := newGate(t)
	data := gatedFolder(t, web, g, "")
	token := staff(t, data, "alice")
	srv := startServer(t, data, hosts)
	type result struct {
		code           int
		stdout, stderr string
	}
	cli := make(chan result, 1)
	go func() {
		code, stdout, stderr := run(t, "", "--data", data, "crawl", "--allow-private")
		cli <- result{code, stdout, stderr}
	}()
	<-g.hit
	live := srv.waitRun(token, "with the two sites done", func(r apiRun) bool { return r.Done != nil && *r.Done == 2 })
	var stopped struct {
		State     statement.RunState `json:"state"`
		StoppedBy string             `json:"stopped_by"`
	}
	if code := srv.api(http.MethodPost, fmt.Sprintf("/api/runs/%d/stop", live.ID), token, nil, &stopped); code != http.StatusOK ||
		stopped.State != statement.RunStopped || stopped.StoppedBy != "alice" {
		t.Errorf("stop through the API: %d %+v", code, stopped)
	}
	r := <-cli
	if r.code != exitUnreadable || !strings.Contains(r.stderr, "crawl stopped by alice: 2 of 3 organisations done") ||
		strings.Count(r.stdout, "\n[")+1 != 2 {
		t.Errorf("s54 crawl stopped by staff: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// openFolder opens a data folder's configuration and register, as a
// command does; the register is closed at the test's end.
func openFolder(t *testing.T, g *globals) (*config, *store.Store) {
	t.Helper()
	conf, err := g.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	st, err := g.openStore(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return conf, st
}

// gatedRunner is s54 serve's runner on a gated folder of the fake web.
func gatedRunner(t *testing.T) (*fakeweb.Web, *gate, *store.Store, *runner) {
	t.Helper()
	fw, hosts, _ := serveFakeWeb(t)
	gt := newGate(t)
	g := &globals{data: gatedFolder(t, fw, gt, ""), hosts: hosts, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	conf, st := openFolder(t, g)
	x, err := g.openIndex(t.Context(), conf, st, true)
	if err != nil {
		t.Fatal(err)
	}
	rn := newRunner(t.Context(), g, st, x, conf, siteAccess{allowPrivate: true, hosts: hosts}, slog.New(slog.DiscardHandler))
	t.Cleanup(func() {
		gt.open()
		rn.drain()
		x.Close()
	})
	return fw, gt, st, rn
}

// TestRunnerWait: Crawls.Wait, for a caller that answers within a time (a
// "check now"): while the run goes on, a wait whose context ends returns
// the run as it stands and the context's error, and the run goes on; a
// wait to the end returns the run completed; a run that has ended is
// returned at once.
func TestRunnerWait(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	_, gt, st, rn := gatedRunner(t)
	gate, err := st.OrgByNumber(ctx, "09999999")
	if err != nil {
		t.Fatal(err)
	}
	id, err := rn.Start(ctx, web.CrawlRequest{OrgIDs: []int64{gate.ID}, Selection: "check now 09999999", By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	<-gt.hit
	short, cancel := context.WithCancel(ctx)
	cancel()
	run, err := rn.Wait(short, id)
	if !errors.Is(err, context.Canceled) || run.State != statement.RunRunning || run.ID != id {
		t.Errorf("a wait cut short: %+v %v", run, err)
	}
	gt.open()
	run, err = rn.Wait(ctx, id)
	if err != nil || run.State != statement.RunCompleted || run.Done() != 1 || run.StartedBy != "alice" {
		t.Errorf("a wait to the end: %+v %v", run, err)
	}
	if again, err := rn.Wait(short, id); err != nil || again.State != statement.RunCompleted {
		t.Errorf("a wait for a run ended: %+v %v", again, err)
	}
}

// TestRunnerCheckNowWaitsItsTurn: a check now while a crawl goes on is
// no run yet; it starts when that crawl ends, as a run of its own.
func TestRunnerCheckNowWaitsItsTurn(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fw, gt, st, rn := gatedRunner(t)
	first, err := rn.Start(ctx, web.CrawlRequest{CompanyNumbers: []string{"09999999"}, By: "schedule"})
	if err != nil {
		t.Fatal(err)
	}
	<-gt.hit
	check, err := rn.checkNow(ctx, fw.Sites[0].CompanyNumber, "alice")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-check.ID:
		t.Fatalf("the check started as run %d while run %d held the turn", id, first)
	default:
	}
	if q := rn.Queued(); len(q) != 1 || q[0].CompanyNumber != fw.Sites[0].CompanyNumber || q[0].By != "alice" || q[0].Name == "" {
		t.Errorf("waiting its turn: queued %+v", q)
	}
	gt.open()
	id := <-check.ID
	if err := <-check.Done; err != nil || id == first {
		t.Fatalf("the check, run %d after run %d: %v", id, first, err)
	}
	if q := rn.Queued(); len(q) != 0 {
		t.Errorf("once it has run: queued %+v", q)
	}
	run, err := st.Run(ctx, id)
	if err != nil || run.State != statement.RunCompleted || run.StartedBy != "alice" || run.Done() != 1 {
		t.Errorf("the check's run: %+v %v", run, err)
	}
	if _, err := rn.checkNow(ctx, "08888888", "alice"); !errors.Is(err, web.ErrCrawlRequest) {
		t.Errorf("a check of no organisation: %v", err)
	}
}

// TestRunnerIndexWorkOutlivesItsCaller: an index rebuild or a recheck
// holds the crawls' turn (a crawl meanwhile is refused, saying what holds
// it); it runs on the server's context, not its caller's; when the server
// stops, the work is cut short with a sentence saying so, and drain waits
// for it to end before the store and the index close.
func TestRunnerIndexWorkOutlivesItsCaller(t *testing.T) {
	t.Parallel()
	base, stop := context.WithCancel(context.Background())
	defer stop()
	rn := newRunner(base, &globals{}, nil, nil, nil, siteAccess{}, slog.New(slog.DiscardHandler))
	started, ended := make(chan struct{}), make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- rn.withIndexTurn("the statements are being assessed again", func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			time.Sleep(50 * time.Millisecond) // the work takes a moment to wind down
			close(ended)
			return ctx.Err()
		})
	}()
	<-started
	err := rn.errBusy()
	if !errors.Is(err, web.ErrCrawlRunning) || err.Error() != "the statements are being assessed again; try again when it is done" {
		t.Errorf("a crawl while a recheck runs: %v", err)
	}
	if err := rn.withIndexTurn("the search index is being made again", func(context.Context) error { return nil }); !errors.Is(err, web.ErrCrawlRunning) {
		t.Errorf("a rebuild while a recheck runs: %v", err)
	}
	stop()
	rn.drain()
	select {
	case <-ended:
	default:
		t.Fatal("drain returned before the work ended")
	}
	if err := <-result; !errors.Is(err, errStopping) || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("work cut by the server's stop: %v", err)
	}
	if err := rn.withIndexTurn("x", func(context.Context) error { t.Error("work started on a stopping server"); return nil }); !errors.Is(err, errStopping) {
		t.Errorf("work on a stopping server: %v", err)
	}
}
