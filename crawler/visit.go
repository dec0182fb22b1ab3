package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"
	"golang.org/x/net/html/charset"

	"github.com/s54dev/s54/internal/htmlbound"
	"github.com/s54dev/s54/statement"
)

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

	// renders counts the pages rendered in Chromium, browserRequests the
	// requests the browser made; renderErr is the last render's failure
	renders         int
	browserRequests int
	renderErr       error

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
	// rendered: doc and html are the page's DOM after its scripts ran
	rendered bool
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
			to, how := metaRefresh(p.html, doc.URL), "meta refresh"
			if to == "" {
				to, how = consentContinue(p.html, doc.URL), "consent page, continued"
			}
			if to != "" {
				// a stub page that sends the browser on, or asks for
				// consent first: a redirect
				s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → %s to %s", redact(u), how, redact(to)))
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
