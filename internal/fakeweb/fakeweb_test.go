package fakeweb

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/s54dev/s54/internal/sampleweb"
	"github.com/s54dev/s54/statement"
)

func loadWeb(t testing.TB) *Web {
	t.Helper()
	w, err := Load(sampleweb.FS())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// get serves one GET of rawURL (an absolute URL naming the site) through
// the handler.
func get(h http.Handler, rawURL string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, rawURL, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// slow reports whether u is served by a Hang or Huge route.
func slow(w *Web, u string) bool {
	p, _ := url.Parse(u)
	s := w.Site(p.Host)
	if s == nil {
		return false
	}
	for _, r := range s.Routes {
		if (r.Path == p.Path || r.Path == "*") && (r.Hang || r.Huge > 0) {
			return true
		}
	}
	return false
}

func TestLoad(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	if len(w.Sites) < 19 {
		t.Errorf("%d sites, want at least 19", len(w.Sites))
	}
	numbers := map[string]string{}
	for _, s := range w.Sites {
		if other, ok := numbers[s.CompanyNumber]; ok {
			t.Errorf("%s and %s share company number %s", s.Host, other, s.CompanyNumber)
		}
		numbers[s.CompanyNumber] = s.Host
		if s.Postcode == "" {
			t.Errorf("%s: no postcode", s.Host)
		}
		if w.Site(s.Host+":80") != s {
			t.Errorf("Site(%q) is not the site", s.Host+":80")
		}
	}
	// Every directory is a site.
	entries, err := fs.ReadDir(sampleweb.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && w.Site(e.Name()) == nil {
			t.Errorf("directory %s is not in sites.yaml", e.Name())
		}
	}
}

// TestExpectedURLsServed: every statement, older statement and known URL
// is served with 200, and PDFs look like PDFs.
func TestExpectedURLsServed(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	h := w.Handler()
	for _, s := range w.Sites {
		urls := append([]string{s.Expect.StatementURL, s.KnownURL}, s.Expect.History...)
		for _, u := range urls {
			if u == "" || slow(w, u) {
				continue
			}
			rec := get(h, u)
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %s: status %d", s.Host, u, rec.Code)
				continue
			}
			body := rec.Body.Bytes()
			ct := rec.Header().Get("Content-Type")
			switch {
			case strings.HasSuffix(u, ".pdf") || strings.Contains(u, "/download"):
				if !bytes.HasPrefix(body, []byte("%PDF-")) {
					t.Errorf("%s: %s: not a PDF: %.20q", s.Host, u, body)
				}
			case strings.HasPrefix(ct, "text/html") && s.Expect.LinkNeedsScript && bytes.Contains(body, []byte("<script")):
				// a page its script writes: the text is in what it loads
			case strings.HasPrefix(ct, "text/html"):
				if !bytes.Contains(body, []byte("Signed:")) {
					t.Errorf("%s: %s: statement without a signature", s.Host, u)
				}
			default:
				t.Errorf("%s: %s: content type %q", s.Host, u, ct)
			}
		}
	}
}

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

// homepage follows redirects from / and returns the final URL and body.
var continueRE = regexp.MustCompile(`<a href="([^"]+)">Continue to the site</a>`)

func homepage(t *testing.T, h http.Handler, host string) (string, string, int) {
	u := "http://" + host + "/"
	for range 5 {
		rec := get(h, u)
		if loc := rec.Header().Get("Location"); rec.Code/100 == 3 && loc != "" {
			next, _ := url.Parse(u)
			ref, _ := url.Parse(loc)
			u = next.ResolveReference(ref).String()
			continue
		}
		// a consent page: its way through is the homepage
		if m := continueRE.FindStringSubmatch(rec.Body.String()); m != nil {
			next, _ := url.Parse(u)
			ref, _ := url.Parse(m[1])
			u = next.ResolveReference(ref).String()
			continue
		}
		return u, rec.Body.String(), rec.Code
	}
	t.Fatalf("%s: redirect loop", host)
	return "", "", 0
}

// links returns the absolute URLs of the href attributes in body.
func links(base, body string) []string {
	b, _ := url.Parse(base)
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
		ref, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
		if err == nil {
			out = append(out, b.ResolveReference(ref).String())
		}
	}
	return out
}

// TestExpectationsMatchFiles checks the description of each site against
// its pages: a homepage_link of true means the homepage links to the
// statement (or to the page that lists it), false that it does not.
func TestExpectationsMatchFiles(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	h := w.Handler()
	for _, s := range w.Sites {
		if slices.ContainsFunc(s.Routes, func(r Route) bool { return (r.Path == "/" || r.Path == "*") && (r.Hang || r.Status >= 400) }) {
			continue
		}
		base, body, code := homepage(t, h, s.Host)
		if code != http.StatusOK {
			t.Errorf("%s: homepage status %d", s.Host, code)
			continue
		}
		e := s.Expect
		if e.Outcome == statement.NoStatement {
			// a link that leads to something else is the point of some sites
			if strings.Contains(strings.ToLower(stripScripts(body)), "slavery") && !strings.Contains(e.Hint, "not a statement") {
				t.Errorf("%s: no statement expected, but the homepage mentions slavery", s.Host)
			}
			continue
		}
		if e.StatementURL == "" {
			continue
		}
		if e.LinkNeedsScript {
			// the link is in the script (TestJavaScriptOnlyLink), not the HTML
			if slices.Contains(links(base, stripScripts(body)), e.StatementURL) {
				t.Errorf("%s: link_needs_script, but the HTML links to the statement", s.Host)
			}
			continue
		}
		ls := links(base, stripScripts(body))
		direct := slices.Contains(ls, e.StatementURL)
		if e.HomepageLink == nil {
			continue
		}
		viaIndex := false
		if !direct && *e.HomepageLink {
			// A link to an index or landing page that links to it.
			for _, l := range ls {
				if lu, _ := url.Parse(l); lu.Host == s.Host && strings.Contains(lu.Path, "slavery") {
					viaIndex = slices.Contains(links(l, get(h, l).Body.String()), e.StatementURL)
				}
			}
		}
		if *e.HomepageLink != (direct || viaIndex) {
			t.Errorf("%s: homepage_link %v, but the homepage links to it directly %v, via an index %v", s.Host, *e.HomepageLink, direct, viaIndex)
		}
		if !*e.HomepageLink && strings.Contains(strings.ToLower(body), "slavery") {
			t.Errorf("%s: homepage_link false, but the homepage mentions slavery", s.Host)
		}
	}
}

var scriptRE = regexp.MustCompile(`(?s)<script.*?</script>`)

func stripScripts(s string) string { return scriptRE.ReplaceAllString(s, "") }

func TestJavaScriptOnlyLink(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	_, body, _ := homepage(t, w.Handler(), "js-only.test")
	if !strings.Contains(body, `insertAdjacentHTML('beforeend', '<a href="/modern-slavery-statement">`) {
		t.Error("the script does not insert the link")
	}
	if rec := get(w.Handler(), "http://js-only.test/modern-slavery-statement"); rec.Code != http.StatusOK {
		t.Errorf("the statement page: status %d", rec.Code)
	}
}

func TestRobots(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	h := w.Handler()
	for host, want := range map[string]string{
		"robots-all.test": "User-agent: *\nDisallow: /\n",
		"robots-s54.test": "User-agent: s54\nDisallow: /\n",
	} {
		rec := get(h, "http://"+host+"/robots.txt")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: robots.txt %d %q", host, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("%s: robots.txt is %q", host, ct)
		}
		// The forbidden pages exist: only robots.txt keeps a crawler out.
		for _, p := range w.Site(host).Expect.Forbidden {
			if rec := get(h, "http://"+host+p); rec.Code != http.StatusOK {
				t.Errorf("%s%s: status %d", host, p, rec.Code)
			}
		}
	}
	// No robots.txt file: 404, even under a "*" route.
	if rec := get(h, "http://server-error.test/robots.txt"); rec.Code != http.StatusNotFound {
		t.Errorf("server-error.test/robots.txt: %d", rec.Code)
	}
	for _, p := range []string{"/", "/modern-slavery-statement/", "/x?y=1"} {
		if rec := get(h, "http://server-error.test"+p); rec.Code != http.StatusInternalServerError {
			t.Errorf("server-error.test%s: %d", p, rec.Code)
		}
	}
}

func TestRedirect(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	rec := get(w.Handler(), "http://locale-redirect.test/")
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/en-gb/" {
		t.Errorf("status %d, Location %q", rec.Code, rec.Header().Get("Location"))
	}
}

func TestQueryRoutes(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	h := w.Handler()
	a, b := get(h, "http://octet-stream.test/download?id=7"), get(h, "http://octet-stream.test/download?id=3")
	if a.Code != 200 || b.Code != 200 || bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
		t.Errorf("id=7: %d, id=3: %d, same body %v", a.Code, b.Code, bytes.Equal(a.Body.Bytes(), b.Body.Bytes()))
	}
	if ct := a.Header().Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("content type %q", ct)
	}
	if rec := get(h, "http://octet-stream.test/download"); rec.Code != http.StatusNotFound {
		t.Errorf("/download without id: %d", rec.Code)
	}
}

// TestConditional: re-fetches with If-None-Match or If-Modified-Since get
// 304, for files, PDFs from text, and File routes.
func TestConditional(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	h := w.Handler()
	for _, u := range []string{
		"http://footer-link.test/modern-slavery-statement/",
		"http://menu-dropdown.test/documents/msa-statement-2025.pdf",
		"http://corrupt-pdf.test/msa.pdf",
		"http://footer-link.test/robots.txt",
	} {
		first := get(h, u)
		etag, lm := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
		if first.Code != 200 || !strings.HasPrefix(etag, `"`) || lm != "Sun, 01 Jun 2025 00:00:00 GMT" {
			t.Errorf("%s: %d, ETag %q, Last-Modified %q", u, first.Code, etag, lm)
			continue
		}
		if again := get(h, u); again.Header().Get("ETag") != etag || !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) {
			t.Errorf("%s: a second fetch differs", u)
		}
		if rec := get(h, u, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s: If-None-Match: %d", u, rec.Code)
		}
		if rec := get(h, u, "If-None-Match", `"stale"`); rec.Code != http.StatusOK {
			t.Errorf("%s: stale If-None-Match: %d", u, rec.Code)
		}
		if rec := get(h, u, "If-Modified-Since", lm); rec.Code != http.StatusNotModified {
			t.Errorf("%s: If-Modified-Since: %d", u, rec.Code)
		}
		if rec := get(h, u, "If-Modified-Since", "Sat, 01 Mar 2025 00:00:00 GMT"); rec.Code != http.StatusOK {
			t.Errorf("%s: older If-Modified-Since: %d", u, rec.Code)
		}
	}
}

func TestWindows1252(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	h := w.Handler()
	for _, p := range []string{"/", "/modern-slavery-statement-2025/"} {
		rec := get(h, "http://windows-1252.test"+p)
		if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=windows-1252" {
			t.Errorf("%s: content type %q", p, ct)
		}
		body := rec.Body.Bytes()
		if utf8.Valid(body) {
			t.Errorf("%s: the body is valid UTF-8", p)
		}
		for _, c := range []byte{0x93, 0x94, 0x96} {
			if bytes.IndexByte(body, c) < 0 {
				t.Errorf("%s: no byte %#x", p, c)
			}
		}
		if p == "/" && !bytes.Contains(body, []byte("Modern slavery statement \x96 2025</a>")) {
			t.Errorf("the homepage lacks the link text in windows-1252")
		}
		if p != "/" && bytes.IndexByte(body, 0xA3) < 0 {
			t.Errorf("the statement has no pound sign 0xA3")
		}
	}
}

func TestEndless(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	rec := get(w.Handler(), "http://endless-links.test/policies?page=3&filter=2")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `<a href="/policies?page=4">More policies</a>`) || !strings.Contains(body, `href="/policies?page=4">Next month</a>`) {
		t.Errorf("%d %s", rec.Code, body)
	}
	if n := strings.Count(body, `href="/policies?page=3&amp;filter=`); n != 20 {
		t.Errorf("%d facet links, want 20", n)
	}
}

func TestUnknownHostAndMissingFile(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	h := w.Handler()
	for _, u := range []string{"http://nowhere.test/", "http://footer-link.test/no-such-page/", "http://footer-link.test/../sites.yaml", "http://footer-link.test/%2e%2e/sites.yaml"} {
		if rec := get(h, u); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", u, rec.Code)
		}
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	h := w.Handler()
	get(h, "http://footer-link.test/robots.txt", "User-Agent", "s54/0.1 test")
	get(h, "http://nowhere.test:8080/x?y=1")
	get(h, "http://FOOTER-LINK.test:80/missing?q=2", "If-None-Match", `"abc"`)
	all := w.Requests()
	if len(all) != 3 {
		t.Fatalf("%d requests logged", len(all))
	}
	if r := all[0]; r.Host != "footer-link.test" || r.Path != "/robots.txt" || r.UserAgent != "s54/0.1 test" || r.Time.IsZero() {
		t.Errorf("%+v", r)
	}
	if r := all[1]; r.Host != "nowhere.test" || r.RawQuery != "y=1" {
		t.Errorf("%+v", r)
	}
	to := w.RequestsTo("footer-link.test")
	if len(to) != 2 || to[1].Path != "/missing" || to[1].IfNoneMatch != `"abc"` || to[1].RawQuery != "q=2" {
		t.Errorf("%+v", to)
	}
	w.ClearRequests()
	if n := len(w.Requests()); n != 0 {
		t.Errorf("%d requests after ClearRequests", n)
	}
}

// client dials the server for every host, like the crawler's Hosts map.
func client(srv *Server) *http.Client {
	d := &net.Dialer{}
	return &http.Client{
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return d.DialContext(ctx, network, srv.Addr)
			},
			MaxIdleConnsPerHost: 32,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func TestHangReleasedByClose(t *testing.T) {
	w := loadWeb(t)
	srv := Start(w)
	done := make(chan error, 1)
	go func() {
		resp, err := client(srv).Get("http://never-answers.test/")
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("got a response: %s", resp.Status)
		}
		done <- err
	}()
	for len(w.RequestsTo("never-answers.test")) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("the request returned: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	// the client has no time limit of its own: a Close that left the
	// handler hanging would keep both waiting for ever. The bounds only
	// tell that from a slow machine (-race, every package's tests at once).
	start := time.Now()
	srv.Close()
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Close took %v", d)
	}
	select {
	case err := <-done:
		t.Logf("client: %v", err)
	case <-time.After(10 * time.Second):
		t.Error("the client is still waiting")
	}
}

func TestHangEndsWithClient(t *testing.T) {
	w := loadWeb(t)
	srv := Start(w)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://never-answers.test/", nil)
	if resp, err := client(srv).Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("got a response")
	}
}

func TestHuge(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	srv := Start(w)
	defer srv.Close()
	c := client(srv)
	for host, length := range map[string]int64{"huge-file.test": 200 << 20, "huge-chunked.test": -1} {
		resp, err := c.Get("http://" + host + "/msa.pdf")
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 1<<20)
		_, err = io.ReadFull(resp.Body, head)
		resp.Body.Close()
		if err != nil || resp.ContentLength != length || !bytes.HasPrefix(head, []byte("%PDF-1.4\n")) {
			t.Errorf("%s: %v, length %d, starts %.10q", host, err, resp.ContentLength, head)
		}
		if host == "huge-chunked.test" && !slices.Contains(resp.TransferEncoding, "chunked") {
			t.Errorf("%s: transfer encoding %v", host, resp.TransferEncoding)
		}
	}
}

// TestHugeIsComplete reads a whole (smaller) huge route.
func TestHugeIsComplete(t *testing.T) {
	t.Parallel()
	w := testWeb(t, `
  - host: a.test
    company_number: "00000001"
    name: A Ltd
    about: test
    routes:
      - {path: /big.pdf, huge: 3000001}
      - {path: /big2.pdf, huge: 3000001, no_length: true}
    expect: {outcome: no_statement}
`, nil)
	srv := Start(w)
	defer srv.Close()
	for _, p := range []string{"/big.pdf", "/big2.pdf"} {
		resp, err := client(srv).Get("http://a.test" + p)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if n != 3000001 || err != nil {
			t.Errorf("%s: %d bytes, %v", p, n, err)
		}
	}
}

func TestHosts(t *testing.T) {
	t.Parallel()
	w := loadWeb(t)
	srv := Start(w)
	defer srv.Close()
	hosts := srv.Hosts(w)
	if len(hosts) != len(w.Sites) || hosts["footer-link.test:80"] != srv.Addr || !strings.HasPrefix(srv.Addr, "127.0.0.1:") || srv.URL != "http://"+srv.Addr {
		t.Errorf("%v, %s, %s", hosts, srv.Addr, srv.URL)
	}
}

// testWeb loads a web from a sites.yaml body (its list of sites) and files.
func testWeb(t *testing.T, sites string, files map[string]string) *Web {
	t.Helper()
	fsys := fstest.MapFS{"sites.yaml": {Data: []byte("sites:\n" + sites)}}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	for _, line := range strings.Split(sites, "\n") {
		if h, ok := strings.CutPrefix(strings.TrimSpace(line), "- host: "); ok {
			fsys[h+"/.keep"] = &fstest.MapFile{}
		}
	}
	w, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	w := testWeb(t, `
  - host: r.test
    company_number: "00000002"
    name: R Ltd
    about: routes
    routes:
      - {path: /old, redirect: "http://r.test/new", status: 301}
      - {path: /page, file: pages/p.html}
      - {path: /gone, file: pages/p.html, status: 410}
      - {path: /typed, file: pages/p.html, content_type: "text/html; charset=iso-8859-1"}
      - {path: /teapot, status: 418}
      - {path: /doc.pdf, pdf_from: doc.txt}
    expect: {outcome: no_statement}
`, map[string]string{
		"r.test/index.html":       "<p>home</p>",
		"r.test/pages/p.html":     "<p>page</p>",
		"r.test/a/b/index.html":   "<p>ab</p>",
		"r.test/a/c":              "plain",
		"r.test/doc.txt":          "Title\n\nOne paragraph.\n\nAnother.",
		"r.test/img/x.png":        "\x89PNG",
		"r.test/data/unknown.bin": "x",
	})
	h := w.Handler()
	for _, tt := range []struct {
		path, ctype, body string
		code              int
	}{
		{"/", "text/html; charset=utf-8", "<p>home</p>", 200},
		{"/index.html", "text/html; charset=utf-8", "<p>home</p>", 200},
		{"/a/b/", "text/html; charset=utf-8", "<p>ab</p>", 200},
		{"/a/b", "text/html; charset=utf-8", "<p>ab</p>", 200},
		{"/a/c", "application/octet-stream", "plain", 200},
		{"/a/c/", "", "", 404},
		{"/img/x.png", "image/png", "\x89PNG", 200},
		{"/page?x=1", "text/html; charset=utf-8", "<p>page</p>", 200},
		{"/gone", "text/html; charset=utf-8", "<p>page</p>", 410},
		{"/typed", "text/html; charset=iso-8859-1", "<p>page</p>", 200},
		{"/teapot", "", "", 418},
		{"/old", "", "", 301},
		{"/doc.pdf", "application/pdf", "", 200},
		{"/robots.txt", "", "", 404},
	} {
		rec := get(h, "http://r.test"+tt.path)
		if rec.Code != tt.code || (tt.ctype != "" && rec.Header().Get("Content-Type") != tt.ctype) || (tt.body != "" && rec.Body.String() != tt.body) {
			t.Errorf("%s: %d %q %.40q", tt.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
	if loc := get(h, "http://r.test/old").Header().Get("Location"); loc != "http://r.test/new" {
		t.Errorf("Location %q", loc)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for name, yml := range map[string]string{
		"unknown field": "  - {host: a.test, company_number: \"00000001\", name: A, about: x, colour: red, expect: {outcome: found}}\n",
		"bad outcome":   "  - {host: a.test, company_number: \"00000001\", name: A, about: x, expect: {outcome: maybe}}\n",
		"found no url":  "  - {host: a.test, company_number: \"00000001\", name: A, about: x, expect: {outcome: found, homepage_link: true}}\n",
		"no directory":  "  - {host: b.test, company_number: \"00000001\", name: A, about: x, expect: {outcome: no_statement}}\n",
		"missing file":  "  - {host: a.test, company_number: \"00000001\", name: A, about: x, routes: [{path: /x, file: nope.html}], expect: {outcome: no_statement}}\n",
		"two actions":   "  - {host: a.test, company_number: \"00000001\", name: A, about: x, routes: [{path: /x, hang: true, redirect: /y}], expect: {outcome: no_statement}}\n",
		"short number":  "  - {host: a.test, company_number: \"123\", name: A, about: x, expect: {outcome: no_statement}}\n",
		"duplicate": "  - {host: a.test, company_number: \"00000001\", name: A, about: x, expect: {outcome: no_statement}}\n" +
			"  - {host: a.test, company_number: \"00000002\", name: A, about: x, expect: {outcome: no_statement}}\n",
	} {
		fsys := fstest.MapFS{"sites.yaml": {Data: []byte("sites:\n" + yml)}, "a.test/index.html": {Data: []byte("x")}}
		if _, err := Load(fsys); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	w := Generate(1000)
	w2 := Generate(1000)
	if len(w.Sites) != 1000 || w.Sites[0].Host != "site0001.test" || w.Sites[999].Host != "site1000.test" {
		t.Fatalf("%d sites, first %s", len(w.Sites), w.Sites[0].Host)
	}
	h, h2 := w.Handler(), w2.Handler()
	counts := map[string]int{}
	var sample []string
	for i, s := range w.Sites {
		s2 := w2.Sites[i]
		if s.Host != s2.Host || s.Name != s2.Name || s.CompanyNumber != s2.CompanyNumber || expectString(s.Expect) != expectString(s2.Expect) {
			t.Fatalf("site %d differs between runs", i)
		}
		counts[s.About]++
		e := s.Expect
		for _, u := range append([]string{e.StatementURL, s.Host + "/", s.Host + "/robots.txt"}, e.History...) {
			if u == "" {
				continue
			}
			if !strings.HasPrefix(u, "http://") {
				u = "http://" + u
			}
			rec := get(h, u)
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %d", u, rec.Code)
			}
			if i%37 == 0 {
				sample = append(sample, u)
			}
		}
		home := get(h, "http://"+s.Host+"/").Body.String()
		if i%10 == 0 && (len(home) < 10<<10 || len(home) > 30<<10) {
			t.Errorf("%s: homepage is %d bytes", s.Host, len(home))
		}
		if e.StatementURL != "" {
			hl := slices.Contains(links("http://"+s.Host+"/", home), e.StatementURL)
			if e.HomepageLink == nil || (*e.HomepageLink && e.History == nil) != hl {
				t.Errorf("%s: homepage_link %v, direct link %v", s.Host, e.HomepageLink, hl)
			}
		} else if strings.Contains(strings.ToLower(home), "slavery") {
			t.Errorf("%s: no statement, but the homepage mentions slavery", s.Host)
		}
		if i < 10 && e.StatementURL != "" {
			body := get(h, e.StatementURL).Body.Bytes()
			if !bytes.HasPrefix(body, []byte("%PDF")) {
				text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(string(body[bytes.Index(body, []byte("<main")):]), " ")
				if n := len(strings.Fields(text)); n < 800 || n > 1300 {
					t.Errorf("%s: statement of %d words", s.Host, n)
				}
			}
		}
	}
	for _, u := range sample {
		if !bytes.Equal(get(h, u).Body.Bytes(), get(h2, u).Body.Bytes()) {
			t.Errorf("%s differs between runs", u)
		}
	}
	want := map[string]int{patternAbout[patFooter]: 500, patternAbout[patLegal]: 200, patternAbout[patPDF]: 100, patternAbout[patIndex]: 100, patternAbout[patNone]: 100}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("patterns %v, want %v", counts, want)
	}
	// Different companies get different statements.
	a := get(h, w.Sites[0].Expect.StatementURL).Body.String()
	b := get(h, w.Sites[1].Expect.StatementURL).Body.String()
	if a == b || strings.Contains(b, w.Sites[0].Name) {
		t.Error("two statements are the same")
	}
}

func expectString(e Expect) string {
	hl := "nil"
	if e.HomepageLink != nil {
		hl = fmt.Sprint(*e.HomepageLink)
	}
	e.HomepageLink = nil
	return fmt.Sprintf("%+v %s", e, hl)
}

// TestConcurrent serves a generated web to many clients at once, for the
// race detector.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	w := Generate(50)
	srv := Start(w)
	defer srv.Close()
	c := client(srv)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range 60 {
				s := w.Sites[(g*7+i)%len(w.Sites)]
				u := s.Expect.StatementURL
				if u == "" || i%3 == 0 {
					u = s.URL(path.Join("/", []string{"", "robots.txt", "privacy/", "missing"}[i%4]))
				}
				resp, err := c.Get(u)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(w.Requests()); n != 16*60 {
		t.Errorf("%d requests logged", n)
	}
}

func BenchmarkHandler(b *testing.B) {
	w := Generate(100)
	h := w.Handler()
	var urls []string
	for _, s := range w.Sites {
		urls = append(urls, s.URL("/"))
		if s.Expect.StatementURL != "" {
			urls = append(urls, s.Expect.StatementURL)
		}
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			get(h, urls[i%len(urls)])
			i++
		}
	})
}
