package crawler_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/internal/sampleweb"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
)

// startFakeWeb serves the sample web and returns a crawler pointed at it.
func startFakeWeb(t testing.TB) (*fakeweb.Web, *crawler.Crawler) {
	t.Helper()
	return startWeb(t, sampleweb.FS())
}

// startWeb serves the fake web in fsys (sites.yaml and a folder per site)
// and returns a crawler pointed at it.
func startWeb(t testing.TB, fsys fs.FS) (*fakeweb.Web, *crawler.Crawler) {
	t.Helper()
	web, err := fakeweb.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeweb.Start(web)
	t.Cleanup(srv.Close)
	opts := crawler.DefaultOptions()
	opts.Fetch.AllowPrivate = true
	opts.Fetch.Hosts = srv.Hosts(web)
	opts.Fetch.Timeout = 8 * time.Second // a loaded machine still answers loopback within it
	if _, bench := t.(*testing.B); bench {
		// the benchmark's time is the slowest site's, a site that never
		// answers: measured on a quiet machine, at the limit of 2 s the
		// figures have been taken with since round 1
		opts.Fetch.Timeout = 2 * time.Second
	}
	opts.Fetch.MaxBytes = 8 << 20
	opts.Delay = 2 * time.Millisecond
	opts.MaxRequests = 20
	// the crawler s54 crawl makes: it asks the checker what is a statement
	c := pipeline.NewCrawler(opts, checker.Default())
	t.Cleanup(c.Close)
	return web, c
}

func site(s *fakeweb.Site) crawler.Site {
	return crawler.Site{Website: "http://" + s.Host + "/", KnownURL: s.KnownURL}
}

// TestFakeWeb crawls every site of the fake web at once and checks each
// outcome, statement URL and homepage link against the site's
// expectations, and the request log for robots.txt and the request bound.
func TestFakeWeb(t *testing.T) {
	t.Parallel()
	web, c := startFakeWeb(t)
	if len(web.Sites) < 15 {
		t.Fatalf("the fake web has %d sites, want at least 15", len(web.Sites))
	}
	checkWeb(t, web, c, nil)
}

// checkWeb crawls every site of web at once and checks each against its
// expectations; a site named in failing is known to fail, for the reason
// given, and is skipped.
func checkWeb(t *testing.T, web *fakeweb.Web, c *crawler.Crawler, failing map[string]string) {
	results := make([]*crawler.Result, len(web.Sites))
	var wg sync.WaitGroup
	for i, s := range web.Sites {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.Crawl(context.Background(), site(s))
		}()
	}
	wg.Wait()
	for i, s := range web.Sites {
		res, want := results[i], s.Expect
		t.Run(s.Host, func(t *testing.T) {
			if why, ok := failing[s.Host]; ok {
				t.Skip("known to fail: " + why)
			}
			outcome := want.CrawlResult()
			if res.Outcome != outcome {
				t.Errorf("outcome %s (%s), want %s", res.Outcome, res.Reason, outcome)
			}
			got := ""
			if res.Statement != nil {
				got = res.Statement.URL
			}
			if outcome == statement.Found && got != want.StatementURL {
				t.Errorf("statement %q, want %q", got, want.StatementURL)
			}
			if fmt.Sprint(deref(res.HomepageLink)) != fmt.Sprint(deref(want.HomepageLink)) && outcome == statement.Found {
				t.Errorf("homepage_link %v, want %v", deref(res.HomepageLink), deref(want.HomepageLink))
			}
			if res.LinkNeedsScript != want.LinkNeedsScript {
				t.Errorf("link_needs_script %v, want %v", res.LinkNeedsScript, want.LinkNeedsScript)
			}
			var history []string
			for _, h := range res.History {
				history = append(history, h.URL)
			}
			if strings.Join(history, " ") != strings.Join(want.History, " ") {
				t.Errorf("history %q, want %q", history, want.History)
			}
			if want.Hint != "" && !strings.Contains(res.Hint+" "+res.Reason, want.Hint) {
				t.Errorf("hint %q, reason %q: want them to say %q", res.Hint, res.Reason, want.Hint)
			}
			if outcome != statement.Found && res.Reason == "" {
				t.Error("no reason given for finding nothing")
			}
			log := web.RequestsTo(s.Host)
			if res.Requests > c.Options().MaxRequests {
				t.Errorf("%d requests, over the bound of %d", res.Requests, c.Options().MaxRequests)
			}
			if len(log) > c.Options().MaxRequests {
				t.Errorf("the site served %d requests, over the bound of %d", len(log), c.Options().MaxRequests)
			}
			robots := 0
			for _, r := range log {
				if r.Path == "/robots.txt" {
					robots++
				}
				for _, p := range want.Forbidden {
					if r.Path == p {
						t.Errorf("requested %s, which robots.txt disallows", p)
					}
				}
				if !strings.HasPrefix(r.UserAgent, "s54/") {
					t.Errorf("User-Agent %q does not name s54", r.UserAgent)
				}
			}
			if len(log) > 0 && (robots != 1 || log[0].Path != "/robots.txt") {
				t.Errorf("robots.txt fetched %d times (first request %s), want once, first", robots, log[0].Path)
			}
		})
	}
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// BenchmarkDiscovery is the crawler's recall on the sample web: of the
// sites whose statement should be found, how many it finds at the right
// URL; how many times it takes a wrong document for the statement; and
// how long the whole web takes, every site at once.
func BenchmarkDiscovery(b *testing.B) {
	web, c := startFakeWeb(b)
	for b.Loop() {
		start := time.Now()
		results := make([]*crawler.Result, len(web.Sites))
		var wg sync.WaitGroup
		for i, s := range web.Sites {
			wg.Go(func() { results[i] = c.Crawl(context.Background(), site(s)) })
		}
		wg.Wait()
		elapsed := time.Since(start)
		var want, found, wrong int
		for i, s := range web.Sites {
			res := results[i]
			got := ""
			if res.Statement != nil {
				got = res.Statement.URL
			}
			if s.Expect.CrawlResult() == statement.Found {
				want++
				if got == s.Expect.StatementURL {
					found++
				}
			}
			if got != "" && got != s.Expect.StatementURL {
				wrong++
			}
		}
		b.ReportMetric(float64(found), "found")
		b.ReportMetric(float64(want), "to-find")
		b.ReportMetric(float64(wrong), "wrong-statement")
		b.ReportMetric(float64(len(web.Sites)), "sites")
		b.ReportMetric(elapsed.Seconds(), "s/web")
	}
}
