package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// fakeCrawls records what the runs page and the API ask of the server's
// crawls, with one run going on when live is set.
type fakeCrawls struct {
	mu      sync.Mutex
	started []web.CrawlRequest
	stopped []string
	live    *web.LiveRun
	queued  []web.QueuedCheck
	busy    bool
}

func (c *fakeCrawls) Start(_ context.Context, req web.CrawlRequest) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.busy {
		return 0, fmt.Errorf("%w: run 7 (all), started by bob", web.ErrCrawlRunning)
	}
	c.started = append(c.started, req)
	return 42, nil
}

func (c *fakeCrawls) Stop(id int64, by string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live == nil || c.live.ID != id {
		return web.ErrNotRunning
	}
	c.stopped = append(c.stopped, by)
	return nil
}

func (c *fakeCrawls) Live() (web.LiveRun, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live == nil {
		return web.LiveRun{}, false
	}
	return *c.live, true
}

func (c *fakeCrawls) Queued() []web.QueuedCheck {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.queued)
}

func (c *fakeCrawls) Wait(context.Context, int64) (store.RunSummary, error) {
	return store.RunSummary{}, nil
}

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in\n%s", page)
	}
	return m[1]
}

// TestRunsProgress: GET /api/runs in DESIGN.md's shape, the run going on
// with its progress, an estimate of the time left, and who started it;
// the page shows the same, with a stop button and a reload.
func TestRunsProgress(t *testing.T) {
	t.Parallel()
	crawls := &fakeCrawls{}
	f := newFixture(t, func(c *web.Config) { c.Crawls = crawls })
	ctx := context.Background()
	orgs, _ := f.st.Orgs(ctx, store.OrgFilter{})
	old, _ := f.st.BeginRun(ctx, store.NewRun{Selection: "all", By: "schedule", Total: 3})
	f.st.StopRun(ctx, old, "bob", "")
	run, _ := f.st.BeginRun(ctx, store.NewRun{Selection: "region humber", By: "alice", Total: 3})
	f.st.RecordFetch(ctx, store.Fetch{RunID: run, OrgID: orgs[0].ID, Outcome: statement.Found})
	crawls.live = &web.LiveRun{ID: run, Since: time.Now().Add(-time.Minute), Done: 1, Total: 3,
		Outcomes: map[statement.RegisterStatus]int{statement.Found: 1}}

	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/runs", nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var runs []map[string]any
	json.NewDecoder(resp.Body).Decode(&runs)
	resp.Body.Close()
	if len(runs) != 2 {
		t.Fatalf("runs %v", runs)
	}
	for _, k := range []string{"id", "state", "started_at", "finished_at", "done", "total", "outcomes", "by"} {
		if _, ok := runs[0][k]; !ok {
			t.Errorf("no %q in %v", k, runs[0])
		}
	}
	live, stopped := runs[0], runs[1]
	if live["state"] != "running" || live["done"] != 1.0 || live["total"] != 3.0 || live["by"] != "alice" || live["finished_at"] != nil ||
		live["outcomes"].(map[string]any)["found"] != 1.0 {
		t.Errorf("the run going on: %v", live)
	}
	// a minute for one of three: about two minutes left
	if left, ok := live["remaining_seconds"].(float64); !ok || left < 100 || left > 140 {
		t.Errorf("time left %v, want about 120 s", live["remaining_seconds"])
	}
	if stopped["state"] != "stopped" || stopped["by"] != "bob" || stopped["started_by"] != "schedule" || stopped["remaining_seconds"] != nil ||
		stopped["finished_at"] == nil {
		t.Errorf("the stopped run: %v", stopped)
	}

	c := f.login(t)
	_, page := get(t, c, f.srv.URL+"/runs")
	for _, want := range []string{"1 of 3", `http-equiv="refresh"`, fmt.Sprintf(`action="/runs/%d/stop"`, run), "about 2 min", "by bob"} {
		if !strings.Contains(page, want) {
			t.Errorf("the runs page lacks %q:\n%s", want, page)
		}
	}
	// a stop needs the form's token; with it, it is the staff member's
	if resp, _ := c.PostForm(fmt.Sprintf("%s/runs/%d/stop", f.srv.URL, run), url.Values{"csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a stop with a forged token: %d", resp.StatusCode)
	}
	resp, err = c.PostForm(fmt.Sprintf("%s/runs/%d/stop", f.srv.URL, run), url.Values{"csrf": {csrfOf(t, page)}})
	if err != nil || resp.StatusCode != http.StatusSeeOther || !slices.Equal(crawls.stopped, []string{"alice"}) {
		t.Errorf("stop: %v %v, stopped %v", resp.Status, err, crawls.stopped)
	}
	if resp, _ := c.PostForm(f.srv.URL+"/runs/999/stop", url.Values{"csrf": {csrfOf(t, page)}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("stop of a run not going on: %d", resp.StatusCode)
	}
}

// TestRunsStart: staff start a crawl of all, of a region, or of a
// filtered register (confirmed on a page of its own), from forms with
// their token, or through the API with a bearer token; one at a time.
func TestRunsStart(t *testing.T) {
	t.Parallel()
	crawls := &fakeCrawls{}
	f := newFixture(t, func(c *web.Config) { c.Crawls = crawls })
	c := f.login(t)
	_, page := get(t, c, f.srv.URL+"/runs")
	csrf := csrfOf(t, page)
	if !strings.Contains(page, `<option value="humber">`) || strings.Contains(page, "http-equiv") {
		t.Errorf("the runs page with no run going on:\n%s", page)
	}
	if resp, _ := c.PostForm(f.srv.URL+"/runs", url.Values{"region": {"humber"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a start without the token: %d", resp.StatusCode)
	}
	resp, err := c.PostForm(f.srv.URL+"/runs", url.Values{"csrf": {csrf}, "region": {"humber"}, "restart": {"1"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %v %v", resp.Status, err)
	}
	// the register's filter: a link to a page that confirms, then the form
	_, reg := get(t, c, f.srv.URL+"/register?status=no_statement")
	link := regexp.MustCompile(`href="(/runs/new\?[^"]+)"`).FindStringSubmatch(reg)
	if link == nil {
		t.Fatalf("the register has no link to crawl what it shows:\n%s", reg)
	}
	_, confirm := get(t, c, f.srv.URL+strings.ReplaceAll(link[1], "&amp;", "&"))
	if !strings.Contains(confirm, "1 organisation of the register") || !strings.Contains(confirm, "register status=no_statement") {
		t.Errorf("the confirmation:\n%s", confirm)
	}
	filter := regexp.MustCompile(`name="filter" value="([^"]*)"`).FindStringSubmatch(confirm)
	resp, err = c.PostForm(f.srv.URL+"/runs", url.Values{"csrf": {csrf}, "scope": {"register"}, "filter": {strings.ReplaceAll(filter[1], "&amp;", "&")}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start the register's: %v %v", resp.Status, err)
	}
	quiet, _ := f.st.OrgByNumber(context.Background(), "01000003")
	if len(crawls.started) != 2 || crawls.started[0].Region != "humber" || !crawls.started[0].Restart || crawls.started[0].By != "alice" ||
		!slices.Equal(crawls.started[1].OrgIDs, []int64{quiet.ID}) || crawls.started[1].Selection != "register status=no_statement" {
		t.Errorf("started %+v", crawls.started)
	}
	// a filter that matches nothing says so, escaped; one that names
	// nothing is refused as the register refuses it
	resp, body := get(t, c, f.srv.URL+"/runs/new?q=%3Cscript%3Enobody")
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(body, "<script>nobody") || !strings.Contains(body, "no organisation") {
		t.Errorf("a filter of nothing: %d\n%s", resp.StatusCode, body)
	}
	resp, body = get(t, c, f.srv.URL+"/runs/new?status=%3Cscript%3E")
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(body, "<script>") {
		t.Errorf("a filter naming no status: %d\n%s", resp.StatusCode, body)
	}

	// the API: a bearer token, no form token; JSON in and out
	api := func(body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/runs", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+f.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, fmt.Sprint(out)
	}
	if code, out := api(`{"orgs": ["1000001"]}`); code != http.StatusAccepted || !strings.Contains(out, "run_id:42") {
		t.Errorf("start through the API: %d %s", code, out)
	}
	if got := crawls.started[2]; !slices.Equal(got.CompanyNumbers, []string{"1000001"}) || got.By != "alice" {
		t.Errorf("the API's request: %+v", got)
	}
	if code, _ := api(`{"regoin": "humber"}`); code != http.StatusBadRequest {
		t.Errorf("a misspelt field: %d", code)
	}
	crawls.busy = true
	if code, out := api(``); code != http.StatusConflict || !strings.Contains(out, "a crawl is running") {
		t.Errorf("while a run goes on: %d %s", code, out)
	}
	// a session's API call needs its form token
	resp, err = c.Post(f.srv.URL+"/api/runs", "application/json", strings.NewReader(`{}`))
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("the API with a session and no token: %v %v", resp.Status, err)
	}
	// without login: nothing
	if resp, _ := f.client().PostForm(f.srv.URL+"/runs", url.Values{}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a start without login: %d", resp.StatusCode)
	}
}

// TestRunsLimitedAccount: an account limited to regions crawls its
// regions (not every organisation, nor another region, nor an
// organisation outside them: the API says no such organisation), a
// filtered register of its own organisations, and stops its own runs,
// not those started for more than its regions.
func TestRunsLimitedAccount(t *testing.T) {
	t.Parallel()
	crawls := &fakeCrawls{}
	f := newFixture(t, func(c *web.Config) { c.Crawls = crawls })
	c, token := f.account(t, "hull", "humber")
	_, page := get(t, c, f.srv.URL+"/runs")
	csrf := csrfOf(t, page)
	if strings.Contains(page, `<option value="">all</option>`) || !strings.Contains(page, `<option value="humber">Humber</option>`) ||
		strings.Contains(page, `value="leicestershire"`) {
		t.Errorf("a Humber account's choices:\n%s", page)
	}
	for _, region := range []string{"", "leicestershire"} {
		if resp, _ := c.PostForm(f.srv.URL+"/runs", url.Values{"csrf": {csrf}, "region": {region}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a Humber account crawls %q: %d", region, resp.StatusCode)
		}
	}
	if resp, _ := c.PostForm(f.srv.URL+"/runs", url.Values{"csrf": {csrf}, "region": {"humber"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a Humber account crawls Humber: %d", resp.StatusCode)
	}
	// the register's selection is its own organisations only
	resp, err := c.PostForm(f.srv.URL+"/runs", url.Values{"csrf": {csrf}, "scope": {"register"}, "filter": {""}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a Humber account crawls its register: %v %v", resp.Status, err)
	}
	evil, _ := f.st.OrgByNumber(context.Background(), "01000002")
	api := func(p, body string) int {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+p, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		code, _ := do(t, f.client(), req)
		return code
	}
	if code := api("/api/runs", `{"orgs": ["01000001"]}`); code != http.StatusBadRequest {
		t.Errorf("a Humber account crawls a Hampshire organisation: %d", code)
	}
	if code := api("/api/runs", `{"orgs": ["01000002"]}`); code != http.StatusAccepted {
		t.Errorf("a Humber account crawls a Humber organisation: %d", code)
	}
	if len(crawls.started) != 3 || crawls.started[0].Region != "humber" || !slices.Equal(crawls.started[1].OrgIDs, []int64{evil.ID}) ||
		!slices.Equal(crawls.started[2].CompanyNumbers, []string{"01000002"}) {
		t.Errorf("started %+v", crawls.started)
	}
	// stops: its own run, not the schedule's
	ctx := context.Background()
	mine, _ := f.st.BeginRun(ctx, store.NewRun{Selection: "region humber", By: "hull"})
	theirs, _ := f.st.BeginRun(ctx, store.NewRun{Selection: "all", By: "schedule"})
	for _, tc := range []struct {
		id   int64
		want int
	}{{theirs, http.StatusForbidden}, {mine, http.StatusOK}} {
		crawls.mu.Lock()
		crawls.live = &web.LiveRun{ID: tc.id}
		crawls.mu.Unlock()
		if code := api(fmt.Sprintf("/api/runs/%d/stop", tc.id), ""); code != tc.want {
			t.Errorf("a Humber account stops run %d: %d, want %d", tc.id, code, tc.want)
		}
	}
}

// TestRunsQueuedChecks: checks now waiting for the turn are listed on the
// runs page, which refreshes while they wait, each to the accounts that
// see its organisation.
func TestRunsQueuedChecks(t *testing.T) {
	t.Parallel()
	crawls := &fakeCrawls{}
	f := newFixture(t, func(c *web.Config) { c.Crawls = crawls })
	ctx := context.Background()
	for _, number := range []string{"01000001", "01000002"} {
		o, err := f.st.OrgByNumber(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		crawls.queued = append(crawls.queued, web.QueuedCheck{CompanyNumber: o.CompanyNumber, Name: o.Name, Postcode: o.Postcode,
			By: "alice", Since: time.Now()})
	}
	_, page := get(t, f.login(t), f.srv.URL+"/runs")
	for _, want := range []string{"Checks waiting their turn", `href="/orgs/01000001"`, `href="/orgs/01000002"`, "asked by alice", `http-equiv="refresh"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the runs page lacks %q:\n%s", want, page)
		}
	}
	humber, _ := f.account(t, "hull", "humber")
	if _, page := get(t, humber, f.srv.URL+"/runs"); strings.Contains(page, `href="/orgs/01000001"`) || !strings.Contains(page, `href="/orgs/01000002"`) {
		t.Errorf("a Humber account's waiting checks:\n%s", page)
	}
	crawls.mu.Lock()
	crawls.queued = nil
	crawls.mu.Unlock()
	if _, page := get(t, f.login(t), f.srv.URL+"/runs"); strings.Contains(page, "Checks waiting") || strings.Contains(page, `http-equiv="refresh"`) {
		t.Errorf("nothing waits, nothing runs:\n%s", page)
	}
}
