package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testCrawler returns a crawler for loopback test servers.
func testCrawler(opts Options) *Crawler {
	opts.Fetch.AllowPrivate = true
	if opts.Fetch.Timeout == 0 {
		opts.Fetch.Timeout = 5 * time.Second
	}
	return New(opts)
}

func TestPoliteOneRequestAtATimePerHost(t *testing.T) {
	var inFlight, most atomic.Int32
	var mu sync.Mutex
	var starts []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		fmt.Fprint(w, "<p>nothing</p>")
	}))
	defer srv.Close()
	const delay = 30 * time.Millisecond
	c := testCrawler(Options{Delay: delay})
	defer c.Close()
	var wg sync.WaitGroup
	for i := range 4 { // four "organisations" on one host
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Crawl(context.Background(), Site{Website: fmt.Sprintf("%s/org%d/", srv.URL, i)})
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d requests at once on one host, want 1", most.Load())
	}
	for i := 1; i < len(starts); i++ {
		// the delay runs from the end of one request to the start of the next
		if gap := starts[i].Sub(starts[i-1]); gap < delay {
			t.Errorf("request %d started %s after the previous, want at least %s", i, gap, delay)
		}
	}
	if len(starts) != 5 { // robots.txt once, then 4 homepages
		t.Errorf("%d requests, want 5", len(starts))
	}
}

func TestRobotsAppliesToRedirectTargets(t *testing.T) {
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		case "/":
			fmt.Fprint(w, `<a href="/msa">Modern slavery statement</a>`)
		case "/msa":
			http.Redirect(w, r, "/private/statement", http.StatusFound)
		default:
			fmt.Fprint(w, "secret")
		}
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	res := c.Crawl(context.Background(), Site{Website: srv.URL + "/"})
	if res.Outcome != RobotsBlocked {
		t.Errorf("outcome %s (%s), want robots_blocked", res.Outcome, res.Reason)
	}
	for _, p := range paths {
		if strings.HasPrefix(p, "/private/") {
			t.Errorf("requested %s, which robots.txt disallows", p)
		}
	}
}

func TestRefusesLoopbackUnlessAllowed(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := New(Options{})
	defer c.Close()
	res := c.Crawl(context.Background(), Site{Website: srv.URL + "/"})
	if res.Outcome != Failed || !strings.Contains(res.Reason, "private") {
		t.Errorf("outcome %s (%s), want error naming a private address", res.Outcome, res.Reason)
	}
	if hits.Load() != 0 {
		t.Errorf("the loopback server got %d requests", hits.Load())
	}
}

func TestConditionalRefetch(t *testing.T) {
	const etag = `"v1"`
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<footer><a href="/msa.pdf">Modern slavery statement</a></footer>`)
		case "/msa.pdf":
			got = r.Header.Clone()
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
			fmt.Fprint(w, "%PDF-1.4 …")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	first := c.Crawl(context.Background(), Site{Website: srv.URL})
	if first.Outcome != Found || first.Statement.ETag != etag || first.Statement.NotModified {
		t.Fatalf("first crawl: %s %+v", first.Outcome, first.Statement)
	}
	again := c.Crawl(context.Background(), Site{Website: srv.URL,
		Validators: map[string]Validator{first.Statement.URL: {ETag: etag}}})
	if got.Get("If-None-Match") != etag {
		t.Errorf("re-crawl sent If-None-Match %q", got.Get("If-None-Match"))
	}
	if again.Outcome != Found || !again.Statement.NotModified || *again.HomepageLink != true {
		t.Errorf("re-crawl: %s, not modified %v", again.Outcome, again.Statement.NotModified)
	}
}

func TestRequestBound(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		// every page a hub linking to two more
		fmt.Fprintf(w, `<a href="/policies/%d">Policies</a> <a href="/legal/%d">Legal</a>`, n.Load(), n.Load()+1000)
	}))
	defer srv.Close()
	c := testCrawler(Options{MaxRequests: 5, MaxHubs: 100})
	defer c.Close()
	res := c.Crawl(context.Background(), Site{Website: srv.URL})
	if n.Load() > 5 || res.Requests > 5 {
		t.Errorf("%d requests served, %d counted, want at most 5", n.Load(), res.Requests)
	}
	if res.Outcome != NoStatement || !strings.Contains(res.Reason, "requests") {
		t.Errorf("outcome %s (%s)", res.Outcome, res.Reason)
	}
}

func TestStopsWhenCancelled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res := c.Crawl(ctx, Site{Website: srv.URL})
	if res.Outcome != Failed || !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("outcome %s (%s)", res.Outcome, res.Reason)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %s to stop", time.Since(start))
	}
}

func TestMetaRefresh(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<footer><a href="/modern-slavery-statement/">Modern slavery statement</a></footer>`)
		case "/modern-slavery-statement/":
			// a stub left behind when the page moved
			fmt.Fprint(w, `<html><head><meta http-equiv="Refresh" content="0; URL='/anti-slavery-policy/'"></head><body>Moved.</body></html>`)
		case "/anti-slavery-policy/":
			fmt.Fprint(w, "<main><h1>Modern slavery statement</h1><p>"+strings.Repeat("We work against modern slavery in our supply chains. ", 60)+"</p></main>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	res := c.Crawl(context.Background(), Site{Website: srv.URL + "/"})
	if res.Outcome != Found || res.Statement.URL != srv.URL+"/anti-slavery-policy/" || !*res.HomepageLink {
		t.Errorf("outcome %s (%s), statement %v", res.Outcome, res.Reason, res.Statement)
	}
}

// TestWaitingForTheHostIsNotATimeout queues many organisations on one
// host: the time each waits for its turn must not count against its
// request's time limit.
func TestWaitingForTheHostIsNotATimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(40 * time.Millisecond)
		fmt.Fprint(w, "<p>no statement here</p>")
	}))
	defer srv.Close()
	c := testCrawler(Options{Fetch: FetchOptions{Timeout: 200 * time.Millisecond}})
	defer c.Close()
	var wg sync.WaitGroup
	results := make([]*Result, 12) // 12 × 40 ms of turns, well over 200 ms
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.Crawl(context.Background(), Site{Website: fmt.Sprintf("%s/sub%d/", srv.URL, i)})
		}()
	}
	wg.Wait()
	for i, res := range results {
		if res.Outcome != NoStatement {
			t.Errorf("subsidiary %d: %s (%s), want no_statement", i, res.Outcome, res.Reason)
		}
	}
}
