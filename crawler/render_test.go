package crawler_test

// Rendering in headless Chromium: a script-built homepage's link found,
// the address check holding for every request the browser makes, and the
// bounds of a page that never settles. The tests skip without Chromium.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/statement"
)

// needBrowser returns Chromium's path, or skips the test.
func needBrowser(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no browser")
	}
	path := crawler.FindBrowser()
	if path == "" {
		t.Skip("chromium is not installed: apt-get install chromium")
	}
	return path
}

// statementPage is a statement long enough to be taken for one.
func statementPage() string {
	var b strings.Builder
	b.WriteString("<html><body><h1>Modern slavery statement 2025</h1>")
	for i := range 30 {
		fmt.Fprintf(&b, "<p>Paragraph %d: we took steps against slavery and human trafficking in our supply chains this year.</p>", i)
	}
	b.WriteString("<p>Signed: A. Director, Director, 1 June 2025</p></body></html>")
	return b.String()
}

// renderSite serves a homepage whose body is built by script, and the
// statement at /statement; internal counts requests to a second server
// that stands for an internal address the crawler must never reach.
type renderSite struct {
	site, internal *httptest.Server
	internalHits   atomic.Int32
	opts           crawler.Options
}

func newRenderSite(t *testing.T, home string) *renderSite {
	t.Helper()
	rs := &renderSite{}
	rs.internal = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.internalHits.Add(1)
		fmt.Fprint(w, "secret")
	}))
	t.Cleanup(rs.internal.Close)
	internal := strings.TrimPrefix(rs.internal.URL, "http://")
	rs.site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, strings.ReplaceAll(home, "INTERNAL", internal))
		case "/statement":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, statementPage())
		case "/redirect":
			http.Redirect(w, r, "http://"+internal+"/through-a-redirect", http.StatusFound)
		case "/poll":
			fmt.Fprint(w, "{}")
		case "/bundle.js":
			// a framework's bundle: it fills the app's mount point and
			// writes the footer
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `setTimeout(function () {
  document.getElementById('root').innerHTML = '<main><p>Welcome</p></main>';
  document.body.insertAdjacentHTML('beforeend', '<footer><a href="/statement">Modern slavery statement</a></footer>');
}, 100);`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(rs.site.Close)
	opts := crawler.DefaultOptions()
	site := strings.TrimPrefix(rs.site.URL, "http://")
	// loopback is not allowed, but for the site itself
	opts.Fetch.AllowAddrs = []string{site}
	opts.Fetch.Hosts = map[string]string{"site.test:80": site, "internal.test:80": internal}
	opts.Fetch.Timeout = 5 * time.Second
	opts.Delay = 0
	opts.Render.Timeout = 10 * time.Second
	rs.opts = opts
	return rs
}

func (rs *renderSite) crawl(t *testing.T) *crawler.Result {
	t.Helper()
	c := crawler.New(rs.opts)
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return c.Crawl(ctx, crawler.Site{Website: "http://site.test/"})
}

// footerScript adds the statement link to the page once it has loaded.
const footerScript = `<script>
setTimeout(function () {
  document.body.insertAdjacentHTML('beforeend', '<footer><a href="/statement">Modern slavery statement</a></footer>');
}, 100);
</script>`

func TestRenderFindsScriptLink(t *testing.T) {
	needBrowser(t)
	rs := newRenderSite(t, `<!doctype html><html><head><title>App</title></head><body><div id="app"></div>`+footerScript+`</body></html>`)
	res := rs.crawl(t)
	if res.Outcome != statement.Found || res.Statement == nil || !strings.HasSuffix(res.Statement.URL, "/statement") {
		t.Fatalf("outcome %s (%s), tried %q", res.Outcome, res.Reason, res.Tried)
	}
	if !res.LinkNeedsScript || res.HomepageLink == nil || !*res.HomepageLink {
		t.Errorf("link_needs_script %v, homepage_link %v: want both true", res.LinkNeedsScript, res.HomepageLink)
	}
	if !strings.Contains(res.Hint, "JavaScript") {
		t.Errorf("hint %q does not say the link needs JavaScript", res.Hint)
	}
	if !strings.Contains(strings.Join(res.Tried, "\n"), "rendered in Chromium") {
		t.Errorf("tried %q does not show the render", res.Tried)
	}
}

// TestRenderAppShellWithMenu: a homepage with a menu and text of its own
// in its HTML, whose footer a framework's bundle (from another file, which
// says nothing the crawler reads) writes into the page: its empty mount
// point has it rendered, and the statement link is found.
func TestRenderAppShellWithMenu(t *testing.T) {
	needBrowser(t)
	rs := newRenderSite(t, `<!doctype html><html><head><title>Kitchens</title></head><body>
<header><nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/products">Products</a>
<a href="/careers">Careers</a> <a href="/news">News</a> <a href="/contact">Contact</a></nav>
<p>Family-run makers of kitchen furniture since 1962, with showrooms across the Midlands and the North.</p></header>
<div id="root"></div><script src="/bundle.js"></script></body></html>`)
	res := rs.crawl(t)
	if res.Outcome != statement.Found || res.Statement == nil || !strings.HasSuffix(res.Statement.URL, "/statement") {
		t.Fatalf("outcome %s (%s), tried %q", res.Outcome, res.Reason, res.Tried)
	}
	if !res.LinkNeedsScript {
		t.Errorf("link_needs_script false: the link exists only once the bundle has run")
	}
}

// TestRenderHashRoute: a single-page app whose pages are routes after
// "#/": the statement's route is rendered too, and is the statement.
func TestRenderHashRoute(t *testing.T) {
	needBrowser(t)
	rs := newRenderSite(t, `<!doctype html><html><body><div id="app"></div>
<script>
function show() {
  var app = document.getElementById("app");
  if (location.hash === "#/modern-slavery") {
    var p = "";
    for (var i = 0; i < 30; i++) { p += "<p>Paragraph " + i + ": we took steps against slavery and human trafficking in our supply chains this year.</p>"; }
    app.innerHTML = "<h1>Modern slavery statement 2025</h1>" + p;
  } else {
    app.innerHTML = "<h1>Welcome</h1><footer><a href=\"#/modern-slavery\">Modern slavery statement</a></footer>";
  }
}
window.addEventListener("hashchange", show);
show();
</script></body></html>`)
	res := rs.crawl(t)
	if res.Outcome != statement.Found || res.Statement == nil || !strings.HasSuffix(res.Statement.URL, "/#/modern-slavery") {
		t.Fatalf("outcome %s (%s), tried %q", res.Outcome, res.Reason, res.Tried)
	}
	if !res.LinkNeedsScript || !strings.Contains(string(res.Statement.Body), "Paragraph 29") {
		t.Errorf("link_needs_script %v; the statement is not the rendered route: %.200q", res.LinkNeedsScript, res.Statement.Body)
	}
}

// TestRenderAddressCheck: the rendered page's requests to an internal
// address are refused, whether by its address, through a redirect from
// the site, or by a name that resolves to it; the page is still read.
func TestRenderAddressCheck(t *testing.T) {
	needBrowser(t)
	rs := newRenderSite(t, `<!doctype html><html><body><div id="app"></div>
<iframe src="http://INTERNAL/in-a-frame"></iframe>
<script>
fetch("http://INTERNAL/by-address").catch(function () {});
fetch("/redirect").catch(function () {});
fetch("http://internal.test/by-name").catch(function () {});
var ws; try { ws = new WebSocket("ws://INTERNAL/socket"); } catch (e) {}
</script>`+footerScript+`</body></html>`)
	res := rs.crawl(t)
	if n := rs.internalHits.Load(); n != 0 {
		t.Errorf("the internal server was reached %d times", n)
	}
	if res.Outcome != statement.Found || !res.LinkNeedsScript {
		t.Fatalf("outcome %s (%s), link_needs_script %v, tried %q", res.Outcome, res.Reason, res.LinkNeedsScript, res.Tried)
	}
	tried := strings.Join(res.Tried, "\n")
	t.Logf("tried:\n%s", tried)
	for _, want := range []string{"/by-address (a private or internal address)", "/through-a-redirect (a private or internal address)",
		"internal.test/by-name (a private or internal address)"} {
		if !strings.Contains(tried, want) {
			t.Errorf("tried does not show %q refused:\n%s", want, tried)
		}
	}
}

// TestRenderNeverSettles: a page that polls for ever is read at the
// render's time bound; one whose script never yields is given up, and the
// crawl goes on to its outcome.
func TestRenderNeverSettles(t *testing.T) {
	needBrowser(t)
	t.Run("polling", func(t *testing.T) {
		rs := newRenderSite(t, `<!doctype html><html><body><div id="app"></div>
<script>setInterval(function () { fetch("/poll?" + Math.random()); }, 50);</script>`+footerScript+`</body></html>`)
		// the bound also holds the page's loading (and, on the first
		// navigation, the start of Chromium's renderer): 2 s could leave a loaded
		// machine too little to load the page before it was cut
		rs.opts.Render.Timeout = 5 * time.Second
		res := rs.crawl(t)
		tried := strings.Join(res.Tried, "\n")
		if !strings.Contains(tried, "had not settled after 5s") {
			t.Errorf("tried does not show the bound:\n%s", tried)
		}
		if res.Outcome != statement.Found || !res.LinkNeedsScript {
			t.Errorf("outcome %s (%s), link_needs_script %v: the page should be read at its bound", res.Outcome, res.Reason, res.LinkNeedsScript)
		}
	})
	t.Run("busy", func(t *testing.T) {
		rs := newRenderSite(t, `<!doctype html><html><body><div id="app"></div>
<script>window.addEventListener("load", function () { for (;;) {} });</script></body></html>`)
		rs.opts.Render.Timeout = 2 * time.Second
		res := rs.crawl(t)
		if res.Outcome != statement.NoStatement {
			t.Errorf("outcome %s (%s), want no_statement", res.Outcome, res.Reason)
		}
		if !strings.Contains(res.Hint, "rendering it in Chromium failed") {
			t.Errorf("hint %q does not say the render failed", res.Hint)
		}
	})
	t.Run("memory", func(t *testing.T) {
		rs := newRenderSite(t, `<!doctype html><html><body><div id="app"></div>`+footerScript+`</body></html>`)
		rs.opts.Render.MaxMemory = 1 << 20 // any browser is over it
		res := rs.crawl(t)
		if !strings.Contains(res.Hint, "more memory than allowed") {
			t.Errorf("hint %q does not give the memory bound; tried %q", res.Hint, res.Tried)
		}
	})
}
