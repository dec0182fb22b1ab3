package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/internal/sampleweb"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// setup serves the fake web, imports its organisations into a new
// register, and returns a pipeline for them.
func setup(t testing.TB, web *fakeweb.Web) (*pipeline.Pipeline, []store.OrgRecord) {
	t.Helper()
	ctx := context.Background()
	srv := fakeweb.Start(web)
	t.Cleanup(srv.Close)
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var orgs []statement.Org
	for _, s := range web.Sites {
		orgs = append(orgs, statement.Org{CompanyNumber: s.CompanyNumber, Name: s.Name, Postcode: s.Postcode,
			Website: "http://" + s.Host + "/", StatementURL: s.KnownURL})
	}
	if _, err := st.ImportOrgs(ctx, "fakeweb", "s54", orgs, 0); err != nil {
		t.Fatal(err)
	}
	recs, err := st.Orgs(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	opts := crawler.DefaultOptions()
	opts.Fetch.AllowPrivate = true
	opts.Fetch.Hosts = srv.Hosts(web)
	opts.Fetch.Timeout = 8 * time.Second // a loaded machine still answers loopback within it
	opts.Fetch.MaxBytes = 8 << 20
	opts.Delay = 0
	opts.MaxRequests = 20
	cr := pipeline.NewCrawler(opts, checker.Default())
	t.Cleanup(cr.Close)
	return &pipeline.Pipeline{Store: st, Crawler: cr, Checker: checker.Default(), Extract: pipeline.ExtractOptions(),
		Concurrency: 8, Now: func() time.Time { return time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC) }}, recs
}

func loadWeb(t *testing.T) *fakeweb.Web {
	t.Helper()
	web, err := fakeweb.Load(sampleweb.FS())
	if err != nil {
		t.Fatal(err)
	}
	return web
}

// TestCrawlRegister crawls the fake web into a register, checks every
// organisation's entry, then crawls again: conditional requests, no new
// versions, the same register.
func TestCrawlRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	web := loadWeb(t)
	p, orgs := setup(t, web)
	x, err := index.Open(filepath.Join(t.TempDir(), index.Dir))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	p.Index = x
	p.Region = func(string) string { return "testshire" }
	sum, err := p.Crawl(ctx, orgs, "all")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Done != len(web.Sites) || sum.Interrupted || sum.Resumed || sum.IndexFailures != 0 {
		t.Fatalf("summary %+v", sum)
	}
	reg, err := p.Store.Register(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]statement.RegisterEntry{}
	for _, e := range reg {
		byNumber[e.CompanyNumber] = e
	}
	for _, s := range web.Sites {
		e, want := byNumber[s.CompanyNumber], s.Expect
		if e.Status != want.Outcome {
			t.Errorf("%s: status %s (%s), want %s", s.Host, e.Status, e.Failure, want.Outcome)
		}
		switch want.Outcome {
		case statement.Found:
			if e.StatementURL != want.StatementURL || e.Rating == nil || e.CheckedAt == nil || len(e.Criteria) == 0 {
				t.Errorf("%s: statement %q rating %v, want %q and an assessment", s.Host, e.StatementURL, e.Rating, want.StatementURL)
			}
			if fmt.Sprint(deref(e.HomepageLink)) != fmt.Sprint(deref(want.HomepageLink)) {
				t.Errorf("%s: homepage_link %v, want %v", s.Host, deref(e.HomepageLink), deref(want.HomepageLink))
			}
			if want.HomepageLink != nil && e.Criteria[statement.HomepageLink] == "" {
				t.Errorf("%s: homepage_link criterion not assessed", s.Host)
			}
			if e.LinkNeedsScript != want.LinkNeedsScript {
				t.Errorf("%s: link_needs_script %v in the register, want %v", s.Host, e.LinkNeedsScript, want.LinkNeedsScript)
			}
		default:
			if e.Failure == "" {
				t.Errorf("%s: %s without a reason", s.Host, e.Status)
			}
			if e.Rating != nil {
				t.Errorf("%s: rated %s with no statement", s.Host, *e.Rating)
			}
		}
		if len(want.History) > 0 {
			known, err := p.Store.KnownStatements(ctx, e.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			if len(known) != 1+len(want.History) {
				t.Errorf("%s: %d statement versions kept, want %d", s.Host, len(known), 1+len(want.History))
			}
		}
	}

	// the index holds every version assessed, the current ones marked
	rated := 0
	for _, e := range reg {
		if e.Rating != nil {
			rated++
		}
	}
	latest, err := x.Search(ctx, index.Query{Text: "region:testshire", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	all, err := x.Search(ctx, index.Query{Text: "region:testshire", Limit: 100, AllVersions: true})
	if err != nil {
		t.Fatal(err)
	}
	if int(latest.Total) != rated || all.Total <= latest.Total {
		t.Errorf("index: %d current statements (register: %d rated), %d versions", latest.Total, rated, all.Total)
	}
	for _, h := range latest.Hits {
		if e := byNumber[h.CompanyNumber]; e.StatementURL != h.URL {
			t.Errorf("%s: the index's current statement %s, the register's %s", h.Name, h.URL, e.StatementURL)
		}
	}

	// again: the statements are asked for with their validators, and
	// nothing is a new version
	before := len(web.Requests())
	again, err := p.Crawl(ctx, orgs, "all")
	if err != nil {
		t.Fatal(err)
	}
	if again.Resumed || again.NewVersions != 0 {
		t.Errorf("second crawl: %+v, want a new run with no new versions", again)
	}
	conditional := 0
	for _, r := range web.Requests()[before:] {
		if r.IfNoneMatch != "" || r.IfModifiedSince != "" {
			conditional++
		}
	}
	if conditional == 0 {
		t.Error("the second crawl sent no conditional request")
	}
	reg2, err := p.Store.Register(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range reg {
		a, b := reg[i], reg2[i]
		if a.Status != b.Status || a.StatementURL != b.StatementURL || fmt.Sprint(a.Rating) != fmt.Sprint(b.Rating) && (a.Rating == nil || *a.Rating != *b.Rating) {
			t.Errorf("%s changed on a re-crawl: %s %s → %s %s", a.Name, a.Status, a.StatementURL, b.Status, b.StatementURL)
		}
	}
}

// TestCrawlResumes stops a run part way, as Ctrl-C does, and checks that
// the next run of the same organisations picks up where it stopped.
func TestCrawlResumes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	web := loadWeb(t)
	p, orgs := setup(t, web)
	p.Concurrency = 2
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	p.Progress = func(ev pipeline.Event) {
		if ev.Done == 5 {
			cancel()
		}
	}
	first, err := p.Crawl(stop, orgs, "all")
	if !errors.Is(err, context.Canceled) || !first.Interrupted {
		t.Fatalf("interrupted run: %+v, %v", first, err)
	}
	if first.Done < 5 || first.Done >= len(orgs) {
		t.Fatalf("interrupted run did %d of %d", first.Done, len(orgs))
	}
	p.Progress = nil
	second, err := p.Crawl(ctx, orgs, "all")
	if err != nil {
		t.Fatal(err)
	}
	if !second.Resumed || second.RunID != first.RunID || second.Skipped != first.Done || second.Done != len(orgs) {
		t.Errorf("resumed run %+v after %+v", second, first)
	}
	reg, err := p.Store.Register(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range reg {
		if e.Status == statement.NotChecked {
			t.Errorf("%s not checked after the resumed run", e.Name)
		}
	}
	// a run for other organisations does not resume it
	third, err := p.Crawl(ctx, orgs[:1], "orgs "+orgs[0].CompanyNumber)
	if err != nil || third.Resumed || third.RunID == first.RunID {
		t.Errorf("a run of other organisations: %+v %v", third, err)
	}
}

// TestCrawlStopped: a run stopped on request (its context cancelled with
// a pipeline.Stop) is recorded stopped, by whom, not interrupted; the
// run's start is told before the first organisation, with the total and
// who started it.
func TestCrawlStopped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	web := loadWeb(t)
	p, orgs := setup(t, web)
	p.Concurrency, p.By = 2, "schedule"
	stop, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var started pipeline.Summary
	p.Started = func(s pipeline.Summary) { started = s }
	p.Progress = func(ev pipeline.Event) {
		if ev.Done == 3 {
			cancel(&pipeline.Stop{By: "alice"})
		}
	}
	sum, err := p.Crawl(stop, orgs, "all")
	if s, ok := errors.AsType[*pipeline.Stop](err); !ok || s.By != "alice" || !sum.Interrupted || sum.StoppedBy != "alice" {
		t.Fatalf("stopped run: %+v, %v", sum, err)
	}
	if started.RunID != sum.RunID || started.Total != len(orgs) || started.Done != 0 {
		t.Errorf("started %+v", started)
	}
	r, err := p.Store.Run(ctx, sum.RunID)
	if err != nil || r.State != statement.RunStopped || r.StoppedBy != "alice" || r.StartedBy != "schedule" ||
		r.Done() != sum.Done || r.Total != len(orgs)-sum.NoWebsite {
		t.Errorf("recorded %+v %v after %+v", r, err, sum)
	}
	if ids, _ := p.Store.RunOrgIDs(ctx, sum.RunID); len(ids) != len(orgs) {
		t.Errorf("the run kept %d organisations of %d", len(ids), len(orgs))
	}
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
