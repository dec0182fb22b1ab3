package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"
	"golang.org/x/net/html/charset"

	"github.com/s54dev/s54/internal/htmlbound"
	"github.com/s54dev/s54/statement"
)

// Options bound a crawl.
type Options struct {
	Fetch FetchOptions
	// Delay is the pause between two requests to one host.
	Delay time.Duration
	// MaxRequests bounds the requests made for one site, robots.txt files
	// and redirects included: calendars and faceted search are traps.
	MaxRequests int
	// MaxHubs bounds the pages visited one or two hops from the homepage
	// ("legal", "policies", "sustainability") when it has no statement link.
	MaxHubs int
	// MaxHistory bounds the older statements taken from a statements page;
	// negative for none.
	MaxHistory int
	// SiteTimeout bounds the whole visit of one site.
	SiteTimeout time.Duration
	// IsStatement decides whether a fetched page or document is a slavery
	// and human trafficking statement: nil when it is (or cannot be read,
	// which the caller reports), else why not. A candidate that is not is
	// passed over for the next; when none is left the outcome is
	// no_statement with the reason. Without it, a page is a statement by
	// its length and its mentions of slavery, and documents are taken as
	// they come.
	IsStatement func(ctx context.Context, doc *Document) *statement.NotStatementReason
}

// DefaultOptions are the crawler's limits: one request a second per host.
func DefaultOptions() Options {
	return Options{
		Fetch:       DefaultFetchOptions(),
		Delay:       time.Second,
		MaxRequests: 30,
		MaxHubs:     6,
		MaxHistory:  3,
		SiteTimeout: 5 * time.Minute,
	}
}

// UserAgent is the crawler's User-Agent with a contact URL for website
// owners, which should be the partnership's own page.
func UserAgent(contact string) string {
	if contact == "" {
		return DefaultUserAgent
	}
	return "s54/0.1 (+" + contact + "; modern slavery statement checker)"
}

// Site is what the crawler knows of an organisation before it starts.
type Site struct {
	// Website is where discovery starts: the homepage.
	Website string
	// KnownURL is a statement URL known from an import, tried too.
	KnownURL string
	// Validators of documents fetched before, by URL, for conditional
	// re-fetches.
	Validators map[string]Validator
}

// Validator is what a server said of a document, to ask whether it changed.
type Validator struct {
	ETag, LastModified string
}

// Result is what a crawl found for one site.
type Result struct {
	// Outcome is one of statement.CrawlOutcomes.
	Outcome statement.RegisterStatus
	// Statement is the latest statement found.
	Statement *Document
	// History are older statements listed beside it, newest first.
	History []*Document
	// HomepageLink: the statement was reached from a link on the homepage
	// (directly or through the statement's own page). Nil when the homepage
	// could not be read.
	HomepageLink *bool
	// Reason says, in one line, why nothing was found or what failed.
	Reason string
	// Hint is advice for a person looking into the result.
	Hint string
	// HTTPStatus is the status of the request that decided the outcome.
	HTTPStatus int
	// Tried lists what was requested, in order: "URL → outcome".
	Tried []string
	// Requests is the number of HTTP requests made, robots.txt included.
	Requests int
}

// Crawler finds statements on websites. It is safe for concurrent use;
// each site is visited by one goroutine at a time, one request at a time
// per host across all of them.
type Crawler struct {
	opts      Options
	transport *http.Transport
	polite    *politeTransport
	robots    robotsCache
	// stop ends what outlives a site's visit (robots.txt fetches shared
	// between sites) when the crawler is closed.
	stop context.CancelFunc
}

// New returns a crawler. Zero options take the defaults.
func New(opts Options) *Crawler {
	def := DefaultOptions()
	if opts.Fetch.UserAgent == "" {
		opts.Fetch.UserAgent = def.Fetch.UserAgent
	}
	if opts.Fetch.Timeout <= 0 {
		opts.Fetch.Timeout = def.Fetch.Timeout
	}
	if opts.Fetch.MaxBytes <= 0 {
		opts.Fetch.MaxBytes = def.Fetch.MaxBytes
	}
	if opts.Fetch.MaxRedirects <= 0 {
		opts.Fetch.MaxRedirects = def.Fetch.MaxRedirects
	}
	if opts.MaxRequests <= 0 {
		opts.MaxRequests = def.MaxRequests
	}
	if opts.MaxHubs <= 0 {
		opts.MaxHubs = def.MaxHubs
	}
	switch {
	case opts.MaxHistory == 0:
		opts.MaxHistory = def.MaxHistory
	case opts.MaxHistory < 0: // none
		opts.MaxHistory = 0
	}
	if opts.SiteTimeout <= 0 {
		opts.SiteTimeout = def.SiteTimeout
	}
	t := NewTransport(opts.Fetch)
	t.MaxIdleConnsPerHost = 1 // one request at a time per host
	life, stop := context.WithCancel(context.Background())
	return &Crawler{opts: opts, transport: t, polite: newPoliteTransport(t, opts.Delay, opts.Fetch.Timeout),
		robots: robotsCache{life: life}, stop: stop}
}

// Close stops the crawler's background fetches and releases idle
// connections.
func (c *Crawler) Close() {
	c.stop()
	c.transport.CloseIdleConnections()
}

// Options returns the crawler's options, defaults filled in.
func (c *Crawler) Options() Options { return c.opts }

// Crawl looks for the statement of one site. It never panics on hostile
// input and always returns a result; when ctx is cancelled the result's
// Outcome is statement.CrawlError and ctx.Err() says why.
func (c *Crawler) Crawl(ctx context.Context, site Site) *Result {
	ctx, cancel := context.WithTimeout(ctx, c.opts.SiteTimeout)
	defer cancel()
	s := c.newVisit(ctx, site)
	s.run()
	s.res.Requests = int(s.requests.Load())
	return s.res
}

// visit is the crawl of one site.
type visit struct {
	c        *Crawler
	ctx      context.Context
	site     Site
	col      *colly.Collector
	res      *Result
	requests atomic.Int32
	pages    map[string]*page // by requested URL
	robots   map[string]int   // robots.txt status by host

	// notStatement is why the first candidate passed over was not a
	// statement
	notStatement string

	// set by colly's callbacks during one request
	resp     *colly.Response
	respErr  error
	tooLarge bool
}

// page is a fetched response.
type page struct {
	doc *Document
	err error
	// html is the parsed page, when it is one
	html *goquery.Document
}

// maxHTMLBytes bounds the pages parsed for links: a parsed page takes many
// times its size in memory, and real pages, statements included, are far
// smaller. A larger HTML page is kept as a document, not read for links.
const maxHTMLBytes = 4 << 20

// errRedirect stops net/http at a redirect, so the crawler makes the next
// request itself: colly checks robots.txt only for the URLs it is asked
// to visit, not for redirect targets.
type errRedirect struct{ to string }

func (e *errRedirect) Error() string { return "redirect to " + e.to }

// errBudget: the site's request bound was reached.
var errBudget = errors.New("request limit for the site reached")

// statusError is an HTTP status other than 200.
type statusError struct{ code int }

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.code, http.StatusText(e.code))
}

func (c *Crawler) newVisit(ctx context.Context, site Site) *visit {
	s := &visit{c: c, ctx: ctx, site: site, res: &Result{}, pages: map[string]*page{}, robots: map[string]int{}}
	col := colly.NewCollector(
		colly.UserAgent(c.opts.Fetch.UserAgent),
		colly.MaxBodySize(int(c.opts.Fetch.MaxBytes+1)),
		colly.StdlibContext(ctx),
		colly.AllowURLRevisit(),
	)
	// NewCollector applies COLLY_* environment variables after the
	// options: set what matters again, so the environment cannot change
	// the limits, the User-Agent or robots.txt
	col.UserAgent = c.opts.Fetch.UserAgent
	col.MaxBodySize = int(c.opts.Fetch.MaxBytes + 1)
	col.MaxDepth, col.MaxRequests = 0, 0
	col.CacheDir = ""
	col.DetectCharset, col.ParseHTTPErrorResponse, col.TraceHTTP = false, false, false
	col.AllowedDomains, col.DisallowedDomains = nil, nil
	col.IgnoreRobotsTxt = false
	// each request's time limit runs from when it has its host's turn
	// (politeTransport); the site's context bounds the whole visit
	col.SetRequestTimeout(0)
	col.WithTransport(&siteTransport{visit: s})
	col.SetRedirectHandler(func(req *http.Request, _ []*http.Request) error {
		return &errRedirect{to: req.URL.String()}
	})
	col.OnResponseHeaders(func(r *colly.Response) {
		if n := r.Headers.Get("Content-Length"); n != "" {
			var size int64
			if _, err := fmt.Sscan(n, &size); err == nil && size > c.opts.Fetch.MaxBytes {
				s.tooLarge = true
				r.Request.Abort()
			}
		}
	})
	col.OnResponse(func(r *colly.Response) { s.resp = r })
	col.OnError(func(r *colly.Response, err error) { s.resp, s.respErr = r, err })
	s.col = col
	return s
}

// siteTransport counts and bounds a site's requests, gives robots.txt
// requests the site's context (colly makes them without one), notes their
// status, and hides the charset from colly, which would otherwise re-encode
// bodies: the extractor reads the charset itself, from the header or the
// page's <meta>.
type siteTransport struct{ visit *visit }

// originalContentType keeps the Content-Type header as the server sent it.
const originalContentType = "X-S54-Content-Type"

func (t *siteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := t.visit
	if int(s.requests.Add(1)) > s.c.opts.MaxRequests {
		s.requests.Add(-1)
		return nil, errBudget
	}
	// the site's context stops every request, robots.txt included, which
	// colly makes without one
	ctx, cancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(s.ctx, cancel)
	req = req.WithContext(ctx)
	var resp *http.Response
	var err error
	if req.URL.Path == "/robots.txt" {
		resp, err = s.c.robots.roundTrip(req, s.c.polite.RoundTrip)
	} else {
		resp, err = s.c.polite.RoundTrip(req)
	}
	if err != nil {
		stop()
		cancel()
	} else {
		resp.Body = &afterClose{ReadCloser: resp.Body, after: func() { stop(); cancel() }}
	}
	if req.URL.Path == "/robots.txt" {
		if err == nil {
			s.robots[req.URL.Host] = resp.StatusCode
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → HTTP %d", req.URL.Redacted(), resp.StatusCode))
		} else {
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → %s", req.URL.Redacted(), shortError(err)))
		}
	}
	if err != nil {
		return nil, err
	}
	if !resp.Uncompressed {
		// colly would gunzip bodies whose Content-Encoding Go's transport
		// left alone (x-gzip; a gzip the transport did not ask for) after
		// its size limit, without one: decompress here, before it
		switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				resp.Body.Close()
				return nil, fmt.Errorf("bad gzip body: %w", err)
			}
			raw := resp.Body
			resp.Body = &afterClose{ReadCloser: io.NopCloser(zr), after: func() { raw.Close() }}
			resp.Header.Del("Content-Encoding")
			resp.ContentLength = -1
		}
		resp.Uncompressed = true // colly never decompresses again
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		resp.Header.Set(originalContentType, ct)
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			resp.Header.Set("Content-Type", mt)
		} else {
			resp.Header.Del("Content-Type")
		}
	}
	return resp, nil
}

// get fetches a URL through colly (robots.txt, limits), following
// redirects itself, and caches the page for the visit.
func (s *visit) get(rawURL string) *page {
	if p, ok := s.pages[rawURL]; ok {
		return p
	}
	p := &page{}
	u := rawURL
	for hop := 0; ; hop++ {
		doc, err := s.request(u)
		var redirect *errRedirect
		if errors.As(err, &redirect) {
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → %s", redact(u), redirect.Error()))
			if hop >= s.c.opts.Fetch.MaxRedirects {
				p.err = fmt.Errorf("more than %d redirects from %s", s.c.opts.Fetch.MaxRedirects, redact(rawURL))
				break
			}
			if next, perr := url.Parse(redirect.to); perr != nil || (next.Scheme != "http" && next.Scheme != "https") {
				p.err = fmt.Errorf("redirect to an unsupported URL %.200q", redirect.to)
				break
			}
			u = redirect.to
			continue
		}
		if err == nil && doc.Kind == KindHTML && !doc.NotModified && len(doc.Body) <= maxHTMLBytes {
			p.html = parseHTML(doc)
			if to := metaRefresh(p.html, doc.URL); to != "" {
				// a stub page that sends the browser on: a redirect
				s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → meta refresh to %s", redact(u), redact(to)))
				if hop >= s.c.opts.Fetch.MaxRedirects {
					p.err, p.html = fmt.Errorf("more than %d redirects from %s", s.c.opts.Fetch.MaxRedirects, redact(rawURL)), nil
					break
				}
				p.html = nil
				u = to
				continue
			}
		}
		p.doc, p.err = doc, err
		if err != nil {
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → %s", redact(u), shortError(err)))
		} else if doc.NotModified {
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → not modified", redact(u)))
		} else {
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → %s, %d bytes", redact(u), doc.Kind, len(doc.Body)))
		}
		break
	}
	s.pages[rawURL] = p
	return p
}

// request makes one request.
func (s *visit) request(rawURL string) (*Document, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	hdr := http.Header{}
	hdr.Set("User-Agent", s.c.opts.Fetch.UserAgent)
	hdr.Set("Accept", "text/html,application/xhtml+xml,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9,*/*;q=0.5")
	if v, ok := s.site.Validators[rawURL]; ok {
		if v.ETag != "" {
			hdr.Set("If-None-Match", v.ETag)
		}
		if v.LastModified != "" {
			hdr.Set("If-Modified-Since", v.LastModified)
		}
	}
	s.resp, s.respErr, s.tooLarge = nil, nil, false
	err := s.col.Request(http.MethodGet, rawURL, nil, nil, hdr)
	resp := s.resp
	if s.tooLarge {
		return nil, fmt.Errorf("%w: over the %s limit", ErrTooLarge, sizeString(s.c.opts.Fetch.MaxBytes))
	}
	if err == nil {
		err = s.respErr
	}
	if resp != nil && resp.StatusCode == http.StatusNotModified {
		return &Document{URL: rawURL, NotModified: true, Header: headerOf(resp),
			ETag: resp.Headers.Get("ETag"), LastModified: resp.Headers.Get("Last-Modified")}, nil
	}
	if err != nil {
		if resp != nil && resp.StatusCode >= 300 {
			return nil, &statusError{code: resp.StatusCode}
		}
		if errors.Is(err, colly.ErrRobotsTxtBlocked) {
			if st := s.robots[hostOf(rawURL)]; st >= 500 {
				return nil, &statusError{code: st}
			}
		}
		return nil, err
	}
	if resp == nil {
		return nil, errors.New("no response")
	}
	if int64(len(resp.Body)) > s.c.opts.Fetch.MaxBytes {
		return nil, fmt.Errorf("%w: over the %s limit", ErrTooLarge, sizeString(s.c.opts.Fetch.MaxBytes))
	}
	h := headerOf(resp)
	d := &Document{URL: resp.Request.URL.String(), Body: resp.Body, Header: h, ContentType: h.Get(originalContentType),
		ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified")}
	h.Del(originalContentType)
	if d.ContentType != "" {
		h.Set("Content-Type", d.ContentType)
	}
	if mt, _, err := mime.ParseMediaType(d.ContentType); err == nil {
		d.MediaType = strings.ToLower(mt)
	}
	d.Kind = sniffKind(d.Body, d.MediaType)
	return d, nil
}

func headerOf(r *colly.Response) http.Header {
	if r.Headers == nil {
		return http.Header{}
	}
	return *r.Headers
}

// parseHTML parses a page for its links, in its own charset. A page that
// cannot be parsed has no links.
func parseHTML(d *Document) *goquery.Document {
	r, err := charset.NewReader(bytes.NewReader(d.Body), d.ContentType)
	if err != nil {
		r = bytes.NewReader(d.Body)
	}
	page, err := io.ReadAll(r)
	if err != nil {
		return nil
	}
	root, err := htmlbound.Parse(context.Background(), string(page))
	if err != nil {
		return nil
	}
	return goquery.NewDocumentFromNode(root)
}

// run is the visit: the homepage, its statement links or hubs, then the
// known statement URL.
func (s *visit) run() {
	res := s.res
	var homeErr error
	if s.site.Website != "" {
		homeErr = s.discover()
	}
	if res.Statement == nil && s.site.KnownURL != "" && s.ctx.Err() == nil {
		s.known(homeErr)
	}
	switch {
	case res.Statement != nil:
		res.Outcome, res.Reason = statement.Found, ""
	case res.Outcome != "":
		// decided on the way: robots.txt, the known URL
	case s.ctx.Err() != nil:
		res.Outcome, res.Reason = statement.CrawlError, s.ctxReason()
	case s.site.Website == "" && s.site.KnownURL == "":
		res.Outcome, res.Reason = statement.CrawlError, "no website known for the organisation"
	case homeErr != nil:
		res.Outcome, res.Reason, res.HTTPStatus = classify(homeErr)
	default:
		res.Outcome = statement.NoStatement
		if res.Reason == "" {
			res.Reason = noLinkReason
			if s.notStatement != "" {
				res.Reason = s.notStatement
			}
		}
	}
}

// known tries the statement URL known from an import, when discovery found
// nothing. Its failure decides the outcome only when there is no website;
// otherwise it is added to the reason.
func (s *visit) known(homeErr error) {
	doc, err := s.statementAt(link{URL: s.site.KnownURL}, 0)
	if doc != nil {
		s.res.Statement = doc
		if s.res.HomepageLink != nil {
			// the homepage was read and had no link that led here
			*s.res.HomepageLink = false
		}
		return
	}
	if s.ctx.Err() != nil {
		return
	}
	why := "it is not a statement"
	if s.notStatement != "" {
		why = s.notStatement
	}
	var o statement.RegisterStatus
	var status int
	if err != nil {
		o, why, status = classify(err)
	}
	if s.site.Website == "" {
		s.res.Outcome, s.res.HTTPStatus = o, status
		if o == "" {
			s.res.Outcome = statement.NoStatement
		}
		s.res.Reason = "the statement URL from the import failed: " + why
		return
	}
	if homeErr == nil {
		if s.res.Reason == "" {
			s.res.Reason = noLinkReason
		}
		s.res.Reason += "; the statement URL from the import failed: " + why
	}
}

const noLinkReason = "no link to a modern slavery statement on the homepage or the pages it links to"

func (s *visit) ctxReason() string {
	if errors.Is(s.ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("the site took longer than %s", s.c.opts.SiteTimeout)
	}
	return "stopped"
}

// discover looks for the statement from the homepage. It returns the
// homepage's error, if it could not be read.
func (s *visit) discover() error {
	home := s.get(s.site.Website)
	if home.err != nil && cannotConnect(home.err) {
		// lists give "example.co.uk" and s54 makes it https://; some
		// sites answer only at www., or only over plain http
		for _, alt := range alternatives(s.site.Website) {
			if p := s.get(alt); p.err == nil {
				home = p
				break
			}
		}
	}
	if home.err != nil {
		return home.err
	}
	s.res.HomepageLink = new(bool)
	if home.html == nil {
		if home.doc.Kind == KindPDF || home.doc.Kind == KindDOCX {
			// a website that is the statement itself
			s.res.Statement = home.doc
			*s.res.HomepageLink = true
			return nil
		}
		s.res.Reason = fmt.Sprintf("the homepage is not an HTML page (%s)", home.doc.Kind)
		return nil
	}
	base, _ := url.Parse(home.doc.URL)
	links := findLinks(home.html, base, false)
	var blocked error
	if len(links.statements) > 0 {
		if doc, err := s.resolve(links, 0); doc != nil {
			*s.res.HomepageLink = true
			return nil
		} else if err != nil {
			blocked = err
		}
	}
	// one or two hops through hub pages
	hubs := links.hubs
	visited := map[string]bool{home.doc.URL: true, s.site.Website: true}
	for depth, n := 1, 0; depth <= 2 && n < s.c.opts.MaxHubs; depth++ {
		var next []link
		for _, h := range hubs {
			if n >= s.c.opts.MaxHubs || s.ctx.Err() != nil || errors.Is(blocked, errBudget) {
				break
			}
			if visited[h.URL] {
				continue
			}
			visited[h.URL] = true
			n++
			p := s.get(h.URL)
			if p.err != nil {
				if errors.Is(p.err, errBudget) {
					blocked = p.err
				}
				continue
			}
			if p.html == nil {
				continue
			}
			hb, _ := url.Parse(p.doc.URL)
			hl := findLinks(p.html, hb, false)
			if len(hl.statements) > 0 {
				if doc, err := s.resolve(hl, 0); doc != nil {
					return nil
				} else if err != nil {
					blocked = err
				}
			}
			next = append(next, hl.hubs...)
		}
		hubs = next
	}
	switch {
	case errors.Is(blocked, colly.ErrRobotsTxtBlocked):
		s.res.Outcome, s.res.Reason = statement.RobotsBlocked, "the statement link is disallowed by robots.txt"
	case errors.Is(blocked, errBudget):
		s.res.Reason = fmt.Sprintf("no statement found within the %d requests allowed per site", s.c.opts.MaxRequests)
	case blocked != nil:
		o, reason, status := classify(blocked)
		s.res.Outcome, s.res.Reason, s.res.HTTPStatus = o, "the statement link failed: "+reason, status
	}
	s.res.Hint = scriptHint(home.html)
	return nil
}

// resolve follows the statement links of a page, best first, to a
// statement; depth counts the pages between the first link and the
// statement (a landing page or a statements index). It returns the last
// error when every link failed.
func (s *visit) resolve(pl pageLinks, depth int) (*Document, error) {
	links := pl.statements
	if pl.years() >= 2 {
		// a statements index: the latest is the statement, the others history
		return s.index(links, depth)
	}
	var lastErr error
	for i, l := range links {
		if i >= 3 || s.ctx.Err() != nil {
			break
		}
		doc, err := s.statementAt(l, depth)
		if doc != nil {
			s.res.Statement = doc
			return doc, nil
		}
		if err != nil {
			lastErr = err
			if errors.Is(err, errBudget) {
				break
			}
		}
	}
	return nil, lastErr
}

// statementAt fetches a statement link: a document, a statement page, or a
// page leading to one (one more hop).
func (s *visit) statementAt(l link, depth int) (*Document, error) {
	p := s.get(l.URL)
	switch {
	case p.err != nil:
		return nil, p.err
	case p.doc.NotModified:
		return p.doc, nil
	case p.doc.Kind == KindPDF || p.doc.Kind == KindDOCX || p.doc.Kind == KindText:
		if !s.isStatement(p.doc) {
			return nil, nil
		}
		p.doc.Year = l.Year
		return p.doc, nil
	case p.html == nil:
		return nil, nil
	}
	// A page that is a statement of some length is the statement; a short
	// one that links to the statement's document (a summary, a landing
	// page) leads to it, and is the statement itself only when the links
	// give none.
	words := pageWords(p.html)
	isStatement := false
	if s.c.opts.IsStatement == nil {
		isStatement = looksLikeStatement(p.html)
	} else {
		isStatement = s.isStatement(p.doc)
	}
	if isStatement && words >= landingWords {
		p.doc.Year = l.Year
		return p.doc, nil
	}
	if depth < 1 {
		base, _ := url.Parse(p.doc.URL)
		inner := findLinks(p.html, base, true)
		inner.statements = slicesDeleteURL(inner.statements, l.URL, p.doc.URL)
		if len(inner.statements) > 0 {
			doc, err := s.resolve(inner, depth+1)
			if doc != nil || !isStatement {
				return doc, err
			}
		}
	}
	if isStatement {
		p.doc.Year = l.Year
		return p.doc, nil
	}
	return nil, nil
}

// landingWords: a page with fewer words that links to a statement document
// is a landing page or a summary, and the document is the statement.
const landingWords = 250

// isStatement asks the caller's decision about a candidate and keeps the
// first reason for a refusal.
func (s *visit) isStatement(d *Document) bool {
	if s.c.opts.IsStatement == nil || d.NotModified {
		return true
	}
	r := s.c.opts.IsStatement(s.ctx, d)
	if r == nil {
		return true
	}
	if s.notStatement == "" {
		s.notStatement = redact(d.URL) + " is not a statement: " + r.Text
	}
	return false
}

// index takes the latest statement of a statements index and keeps up to
// MaxHistory older ones. An undated link (sorted last) may be the current
// statement: the first one is taken as a version too, and the register
// orders versions by the year their text covers.
func (s *visit) index(links []link, depth int) (*Document, error) {
	var lastErr error
	var dated, undated []link
	for _, l := range links {
		if l.Year == 0 {
			undated = append(undated, l)
		} else {
			dated = append(dated, l)
		}
	}
	taken := map[string]bool{}
	take := func(l link) bool {
		doc, err := s.statementAt(l, depth+1)
		if err != nil {
			lastErr = err
			return !errors.Is(err, errBudget)
		}
		if doc == nil || taken[doc.URL] {
			return true
		}
		taken[doc.URL] = true
		if s.res.Statement == nil {
			s.res.Statement = doc
		} else {
			s.res.History = append(s.res.History, doc)
		}
		return true
	}
	for i, l := range dated {
		if s.ctx.Err() != nil || (s.res.Statement == nil && i >= 3) ||
			(s.res.Statement != nil && len(s.res.History) >= s.c.opts.MaxHistory) {
			break
		}
		if !take(l) {
			break
		}
	}
	if len(undated) > 0 && s.ctx.Err() == nil && !errors.Is(lastErr, errBudget) {
		take(undated[0])
	}
	if s.res.Statement != nil {
		return s.res.Statement, nil
	}
	return nil, lastErr
}

func slicesDeleteURL(ls []link, urls ...string) []link {
	out := ls[:0]
	for _, l := range ls {
		keep := true
		for _, u := range urls {
			keep = keep && l.URL != u
		}
		if keep {
			out = append(out, l)
		}
	}
	return out
}

// cannotConnect reports whether err is a failure to reach the server at
// all (a name that does not resolve, a refused connection, a TLS
// failure), not an answer or a time-out.
func cannotConnect(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	var st *statusError
	if errors.As(err, &st) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrPrivateAddress) || errors.Is(err, errBudget) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	m := err.Error()
	return errors.As(err, &dns) || errors.As(err, &op) || strings.Contains(m, "tls:") ||
		strings.Contains(m, "x509:") || strings.Contains(m, "HTTP response to HTTPS client")
}

// alternatives are the other forms of a homepage URL to try when it
// cannot be reached: with or without "www.", then over plain http.
func alternatives(home string) []string {
	u, err := url.Parse(home)
	if err != nil || u.Host == "" {
		return nil
	}
	var out []string
	w := *u
	if h, ok := strings.CutPrefix(u.Host, "www."); ok {
		w.Host = h
	} else if net.ParseIP(u.Hostname()) == nil {
		w.Host = "www." + u.Host
	}
	if w.Host != u.Host {
		out = append(out, w.String())
	}
	if u.Scheme == "https" {
		p := *u
		p.Scheme = "http"
		out = append(out, p.String())
	}
	return out
}

// classify turns a fetch error into an outcome, a one-line reason and the
// HTTP status, if any.
func classify(err error) (statement.RegisterStatus, string, int) {
	var st *statusError
	var ne net.Error
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return statement.RobotsBlocked, "disallowed by robots.txt for s54's User-Agent", 0
	case errors.As(err, &st):
		if st.code >= 500 {
			return statement.Unreachable, "the server answered " + st.Error(), st.code
		}
		return statement.CrawlError, "the server answered " + st.Error(), st.code
	case errors.Is(err, ErrPrivateAddress):
		return statement.CrawlError, shortError(err), 0
	case errors.Is(err, ErrTooLarge):
		return statement.CrawlError, shortError(err), 0
	case errors.Is(err, errBudget):
		return statement.CrawlError, shortError(err), 0
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return statement.Unreachable, "timed out", 0
	case errors.As(err, &dns):
		return statement.Unreachable, "the name does not resolve: " + dns.Name, 0
	case errors.As(err, &op):
		return statement.Unreachable, "cannot connect: " + shortError(err), 0
	}
	return statement.CrawlError, shortError(err), 0
}

// shortError is an error without the *url.Error wrapper that repeats the
// URL.
func shortError(err error) string {
	return strings.Join(strings.Fields(unwrapURLError(err).Error()), " ")
}

func sizeString(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}
