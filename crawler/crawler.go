// Package crawler finds and fetches organisations' statements from their
// websites, politely and safely: colly with robots.txt, one request at a
// time per host, bounded requests, sizes and redirects, and no private
// addresses. crawler.go holds its types; visit.go one site's visit through
// colly; transport.go what each request goes through; resolve.go the way
// from the homepage to the statement; discover.go the links read on a page;
// outcome.go how a failure becomes a register status; fetch.go the guarded
// client.
package crawler

import (
	"context"
	"net/http"
	"time"

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
	// Render bounds the rendering in headless Chromium of a homepage whose
	// HTML has no usable links but scripts (and of the script-built pages
	// it leads to).
	Render RenderOptions
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
		Render:      DefaultRenderOptions(),
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
	// Requests is the number of HTTP requests made, robots.txt included,
	// the browser's too.
	Requests int
	// LinkNeedsScript: the homepage's link to the statement exists only
	// once its script has run (found by rendering it in Chromium); a
	// visitor without JavaScript, and many tools, do not see it.
	LinkNeedsScript bool
}

// Crawler finds statements on websites. It is safe for concurrent use;
// each site is visited by one goroutine at a time, one request at a time
// per host across all of them.
type Crawler struct {
	opts      Options
	transport *http.Transport
	polite    *politeTransport
	robots    robotsCache
	// browser is Chromium's path, "" when pages are not rendered
	browser string
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
	r, dr := &opts.Render, def.Render
	if r.Timeout <= 0 {
		r.Timeout = dr.Timeout
	}
	if r.MaxRequests <= 0 {
		r.MaxRequests = dr.MaxRequests
	}
	if r.MaxBytes <= 0 {
		r.MaxBytes = dr.MaxBytes
	}
	if r.MaxMemory <= 0 {
		r.MaxMemory = dr.MaxMemory
	}
	if r.MaxPages <= 0 {
		r.MaxPages = dr.MaxPages
	}
	browser := r.Browser
	switch browser {
	case "":
		browser = FindBrowser()
	case BrowserOff:
		browser = ""
	}
	t := NewTransport(opts.Fetch)
	t.MaxIdleConnsPerHost = 1 // one request at a time per host
	life, stop := context.WithCancel(context.Background())
	return &Crawler{opts: opts, transport: t, polite: newPoliteTransport(t, opts.Delay, opts.Fetch.Timeout),
		robots: robotsCache{life: life}, stop: stop, browser: browser}
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
	s.res.Requests = int(s.requests.Load()) + s.browserRequests
	return s.res
}
