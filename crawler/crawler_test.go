package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s54dev/s54/statement"
)

// testCrawler returns a crawler for loopback test servers.
func testCrawler(opts Options) *Crawler {
	opts.Fetch.AllowPrivate = true
	if opts.Fetch.Timeout == 0 {
		opts.Fetch.Timeout = 5 * time.Second
	}
	return New(opts)
}

func TestRobotsAppliesToRedirectTargets(t *testing.T) {
	t.Parallel()
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
	if res.Outcome != statement.RobotsBlocked {
		t.Errorf("outcome %s (%s), want robots_blocked", res.Outcome, res.Reason)
	}
	for _, p := range paths {
		if strings.HasPrefix(p, "/private/") {
			t.Errorf("requested %s, which robots.txt disallows", p)
		}
	}
}

func TestRefusesLoopbackUnlessAllowed(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := New(Options{})
	defer c.Close()
	res := c.Crawl(context.Background(), Site{Website: srv.URL + "/"})
	if res.Outcome != statement.CrawlError || !strings.Contains(res.Reason, "private") {
		t.Errorf("outcome %s (%s), want error naming a private address", res.Outcome, res.Reason)
	}
	if hits.Load() != 0 {
		t.Errorf("the loopback server got %d requests", hits.Load())
	}
}

func TestConditionalRefetch(t *testing.T) {
	t.Parallel()
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
	if first.Outcome != statement.Found || first.Statement.ETag != etag || first.Statement.NotModified {
		t.Fatalf("first crawl: %s %+v", first.Outcome, first.Statement)
	}
	again := c.Crawl(context.Background(), Site{Website: srv.URL,
		Validators: map[string]Validator{first.Statement.URL: {ETag: etag}}})
	if got.Get("If-None-Match") != etag {
		t.Errorf("re-crawl sent If-None-Match %q", got.Get("If-None-Match"))
	}
	if again.Outcome != statement.Found || !again.Statement.NotModified || *again.HomepageLink != true {
		t.Errorf("re-crawl: %s, not modified %v", again.Outcome, again.Statement.NotModified)
	}
}

func TestRequestBound(t *testing.T) {
	t.Parallel()
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
	if res.Outcome != statement.NoStatement || !strings.Contains(res.Reason, "requests") {
		t.Errorf("outcome %s (%s)", res.Outcome, res.Reason)
	}
}

func TestStopsWhenCancelled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	// the server never answers: only the cancel ends the crawl before
	// the fetch's time limit, which is far beyond the bound below (a
	// loaded machine under -race may take seconds to stop, still)
	var opts Options
	opts.Fetch.Timeout = 2 * time.Minute
	c := testCrawler(opts)
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res := c.Crawl(ctx, Site{Website: srv.URL})
	if res.Outcome != statement.CrawlError || !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("outcome %s (%s)", res.Outcome, res.Reason)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("took %s to stop", time.Since(start))
	}
}

func TestMetaRefresh(t *testing.T) {
	t.Parallel()
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
	if res.Outcome != statement.Found || res.Statement.URL != srv.URL+"/anti-slavery-policy/" || !*res.HomepageLink {
		t.Errorf("outcome %s (%s), statement %v", res.Outcome, res.Reason, res.Statement)
	}
}

// TestRobotsRedirect follows a robots.txt that redirects (an apex domain
// sending everything to www is common) and obeys the file it leads to.
func TestRobotsRedirect(t *testing.T) {
	t.Parallel()
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			http.Redirect(w, r, "/www/robots.txt", http.StatusMovedPermanently)
		case "/www/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		case "/":
			fmt.Fprint(w, `<a href="/private/msa.pdf">Modern slavery statement</a><a href="/msa.pdf">Modern slavery statement</a>`)
		case "/msa.pdf":
			fmt.Fprint(w, "%PDF-1.4 statement")
		default:
			fmt.Fprint(w, "%PDF-1.4 secret")
		}
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	res := c.Crawl(context.Background(), Site{Website: srv.URL + "/"})
	if res.Outcome != statement.Found || res.Statement.URL != srv.URL+"/msa.pdf" {
		t.Errorf("outcome %s (%s) %v", res.Outcome, res.Reason, res.Tried)
	}
	for _, p := range paths {
		if strings.HasPrefix(p, "/private/") {
			t.Errorf("requested %s, which the redirected robots.txt disallows", p)
		}
	}
}

// TestGzipBomb sends a small gzip body that expands far past the limit:
// it must be refused as too large, not expanded whole.
func TestGzipBomb(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte("%PDF-1.4\n"))
	zw.Write(make([]byte, 64<<20))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<a href="/msa.pdf">Modern slavery statement</a>`)
		case "/msa.pdf":
			w.Header().Set("Content-Encoding", "x-gzip")
			w.Write(z.Bytes())
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := testCrawler(Options{Fetch: FetchOptions{MaxBytes: 1 << 20}})
	defer c.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := c.Crawl(context.Background(), Site{Website: srv.URL + "/"})
	runtime.ReadMemStats(&after)
	if res.Outcome != statement.CrawlError || !strings.Contains(res.Reason, "too large") {
		t.Errorf("outcome %s (%s)", res.Outcome, res.Reason)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Errorf("allocated %d MB for a body limited to 1 MB", grew>>20)
	}
}

func TestKnownURLOutcome(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gone.pdf":
			http.Error(w, "down", http.StatusServiceUnavailable)
		case "/":
			fmt.Fprint(w, `<a href="/about">About</a>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	// only a known URL, which fails: its failure is the outcome
	res := c.Crawl(context.Background(), Site{KnownURL: srv.URL + "/gone.pdf"})
	if res.Outcome != statement.Unreachable || res.HTTPStatus != 503 || res.HomepageLink != nil {
		t.Errorf("known URL alone: %s %d (%s)", res.Outcome, res.HTTPStatus, res.Reason)
	}
	// a website without a statement, and a known URL that fails: no
	// statement, and the reason says both
	res = c.Crawl(context.Background(), Site{Website: srv.URL + "/", KnownURL: srv.URL + "/gone.pdf"})
	if res.Outcome != statement.NoStatement || !strings.Contains(res.Reason, "homepage") || !strings.Contains(res.Reason, "503") {
		t.Errorf("website and known URL: %s (%s)", res.Outcome, res.Reason)
	}
}

func TestIndexWithAnUndatedStatement(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<footer><a href="/msa/">Modern slavery</a></footer>`)
		case "/msa/":
			fmt.Fprint(w, `<ul><li><a href="/msa/current.pdf">Modern Slavery Statement</a></li>
<li><a href="/msa/2023.pdf">Modern Slavery Statement 2023</a></li><li><a href="/msa/2022.pdf">Modern Slavery Statement 2022</a></li></ul>`)
		default:
			fmt.Fprint(w, "%PDF-1.4 "+r.URL.Path)
		}
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	res := c.Crawl(context.Background(), Site{Website: srv.URL + "/"})
	var urls []string
	for _, h := range res.History {
		urls = append(urls, strings.TrimPrefix(h.URL, srv.URL))
	}
	if res.Outcome != statement.Found || res.Statement.URL != srv.URL+"/msa/2023.pdf" || strings.Join(urls, " ") != "/msa/2022.pdf /msa/current.pdf" {
		t.Errorf("statement %v, history %v", res.Statement, urls)
	}
}

func TestCollyEnvironmentIgnored(t *testing.T) {
	t.Setenv("COLLY_IGNORE_ROBOTSTXT", "yes")
	t.Setenv("COLLY_USER_AGENT", "someone-else")
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
			return
		}
		ua = r.UserAgent()
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	if res := c.Crawl(context.Background(), Site{Website: srv.URL + "/"}); res.Outcome != statement.RobotsBlocked || ua != "" {
		t.Errorf("with COLLY_* set: %s, User-Agent %q", res.Outcome, ua)
	}
}

// TestPlainHTTPFallback: an organisation list gives "example.co.uk", s54
// tries https first; a site that speaks only plain http is still read.
func TestPlainHTTPFallback(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<footer><a href="/msa.pdf">Modern slavery statement</a></footer>`)
		case "/msa.pdf":
			fmt.Fprint(w, "%PDF-1.4 statement")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := testCrawler(Options{})
	defer c.Close()
	res := c.Crawl(context.Background(), Site{Website: strings.Replace(srv.URL, "http://", "https://", 1) + "/"})
	if res.Outcome != statement.Found || res.Statement.URL != srv.URL+"/msa.pdf" {
		t.Errorf("outcome %s (%s), tried %q", res.Outcome, res.Reason, res.Tried)
	}
}

func TestAlternatives(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://example.co.uk/":    "https://www.example.co.uk/ http://example.co.uk/",
		"https://www.example.co.uk": "https://example.co.uk http://www.example.co.uk",
		"http://example.co.uk/":     "http://www.example.co.uk/",
		"https://127.0.0.1:8443/":   "http://127.0.0.1:8443/",
	} {
		if got := strings.Join(alternatives(in), " "); got != want {
			t.Errorf("alternatives(%s) = %s, want %s", in, got, want)
		}
	}
}
