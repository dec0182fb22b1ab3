package crawler

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

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
	if len(links.statements) == 0 {
		// a country or language chooser: the UK site's homepage is the
		// homepage
		if to := localeHome(home.html, base); to != "" {
			if p := s.get(to); p.err == nil && p.html != nil {
				home = p
				base, _ = url.Parse(home.doc.URL)
				links = findLinks(home.html, base, false)
			}
		}
	}
	viaScript := false
	if len(links.statements) == 0 && scriptBuilt(home.html) && s.renderInto(home) {
		// the links the page's script writes
		base, _ = url.Parse(home.doc.URL)
		links = findLinks(home.html, base, false)
		viaScript = len(links.statements) > 0
	}
	var blocked error
	// links beside the statement (a policy, a news post) wait until the
	// hubs and the sitemaps have been tried
	links, weak := splitWeak(links)
	var hubWeak []link
	if len(links.statements) > 0 {
		if doc, err := s.resolve(links, 0); doc != nil {
			*s.res.HomepageLink = true
			if viaScript {
				s.res.LinkNeedsScript = true
				s.res.Hint = scriptLinkHint
			}
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
			if len(hl.statements) == 0 && scriptBuilt(p.html) && s.renderInto(p) {
				hb, _ = url.Parse(p.doc.URL)
				hl = findLinks(p.html, hb, false)
			}
			hl, hw := splitWeak(hl)
			hubWeak = append(hubWeak, hw...)
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
	// the sitemaps, when the links gave nothing
	if blocked == nil && s.ctx.Err() == nil {
		doc, listed, err := s.sitemap(base)
		if doc != nil {
			s.res.Statement = doc
			s.res.Hint = "found through the sitemap " + redact(listed) + ", not through a link from the homepage"
			return nil
		}
		if errors.Is(err, colly.ErrRobotsTxtBlocked) || errors.Is(err, errBudget) {
			blocked = err
		}
	}
	// last, the links beside the statement: the homepage's, then the hubs'
	for i, ws := range [][]link{weak, hubWeak} {
		if len(ws) == 0 || s.ctx.Err() != nil || errors.Is(blocked, colly.ErrRobotsTxtBlocked) || errors.Is(blocked, errBudget) {
			continue
		}
		doc, err := s.resolve(pageLinks{statements: ws}, 0)
		if doc != nil {
			*s.res.HomepageLink = i == 0
			if i == 0 && viaScript {
				s.res.LinkNeedsScript = true
				s.res.Hint = scriptLinkHint
			}
			return nil
		}
		if errors.Is(err, colly.ErrRobotsTxtBlocked) || errors.Is(err, errBudget) {
			blocked = err
		}
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
	s.res.Hint = s.scriptHint(home)
	return nil
}

// splitWeak takes the weak statement links (a policy, a news post) out of
// a page's links.
func splitWeak(pl pageLinks) (pageLinks, []link) {
	var strong, weak []link
	for _, l := range pl.statements {
		if l.Weak {
			weak = append(weak, l)
		} else {
			strong = append(strong, l)
		}
	}
	pl.statements = strong
	return pl, weak
}

// scriptLinkHint is the hint of a statement whose homepage link only a
// script writes.
const scriptLinkHint = "the homepage's link to the statement is written by its JavaScript (found by rendering the page in Chromium): visitors without JavaScript, and many tools, do not see it"

// scriptHint is the hint for a homepage without a statement link: what its
// scripts suggest, and whether it was rendered.
func (s *visit) scriptHint(home *page) string {
	switch {
	case home.rendered:
		return "the homepage was rendered in Chromium, its scripts run, and had no statement link then either"
	case s.renderErr != nil:
		return scriptHint(home.html) + "; rendering it in Chromium failed: " + shortError(s.renderErr)
	}
	return scriptHint(home.html)
}

// renderInto replaces a page colly fetched by its DOM once its scripts
// have run, when the crawler renders pages and the site may have another
// rendered; it reports whether it did. A failure is noted in Tried.
func (s *visit) renderInto(p *page) bool {
	if !s.c.Renders() || p.html == nil || p.rendered || p.doc.NotModified ||
		s.renders >= s.c.opts.Render.MaxPages || s.ctx.Err() != nil {
		return false
	}
	s.renders++
	r, err := s.c.render(s.ctx, p.doc)
	if err != nil {
		if s.ctx.Err() == nil {
			s.renderErr = err
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → rendering in Chromium failed: %s", redact(p.doc.URL), shortError(err)))
		}
		return false
	}
	s.browserRequests += r.Requests
	line := fmt.Sprintf("%s → rendered in Chromium: %d requests by the browser", redact(p.doc.URL), r.Requests)
	if len(r.Refused) > 0 {
		line += "; refused " + strings.Join(r.Refused, ", ")
	}
	if r.Cut != "" {
		line += "; " + r.Cut
	}
	s.res.Tried = append(s.res.Tried, line)
	doc := *p.doc
	doc.URL, doc.Body, doc.ContentType, doc.MediaType, doc.Kind = r.URL, r.Body, "text/html; charset=utf-8", "text/html", KindHTML
	// what the server sends does not say whether what the script shows
	// changed: a rendered page is always fetched again
	doc.ETag, doc.LastModified = "", ""
	p.doc, p.html, p.rendered = &doc, r.html, true
	return true
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
	case l.Policy && policyPage(p.html):
		// a link to a policy that is one, whatever the checker makes of
		// it: "who must comply", "breaches of this policy"
		if s.notStatement == "" {
			s.notStatement = redact(p.doc.URL) + " is not a statement: it is a policy, and says nothing of a statement"
		}
		return nil, nil
	}
	// A page that is a statement of some length is the statement; a short
	// one that links to the statement's document (a summary, a landing
	// page) leads to it, and is the statement itself only when the links
	// give none.
	words := pageWords(p.html)
	if words < landingWords && scriptBuilt(p.html) && s.renderInto(p) {
		// a statement page that its script writes
		words = pageWords(p.html)
	}
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
		if isStatement {
			// a short statement: only its own fuller version may stand in
			// for it, not a policy, a news post or another site's page
			inner.statements = slices.DeleteFunc(inner.statements, func(c link) bool {
				cu, err := url.Parse(c.URL)
				return err != nil || c.Weak || (!sameOrg(cu, base) && c.Score < 12 && !isDocumentURL(cu))
			})
		}
		if older := olderThan(inner.statements, ownYear(p.html, l.Year)); isStatement && len(older) > 0 {
			// a statement page that lists the earlier years' below it:
			// it is the latest, they are its history
			p.doc.Year = ownYear(p.html, l.Year)
			s.res.Statement = p.doc
			s.index(older, depth)
			return p.doc, nil
		}
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

// ownYear is the year a statement page names for itself: the link's,
// else its title's and first heading's, else the first words of its text.
func ownYear(doc *goquery.Document, linkYear int) int {
	if linkYear != 0 {
		return linkYear
	}
	if y := yearOf(doc.Find("title").First().Text() + " " + doc.Find("h1").First().Text()); y != 0 {
		return y
	}
	text := pageText(doc)
	return yearOf(text[:min(len(text), 400)])
}

// olderThan are the dated statement links of a page, when all of them are
// older than year, the page's own: nil when year is unknown, when any is
// as new, or when none is dated. Undated and weak links are left out.
func olderThan(links []link, year int) []link {
	if year == 0 {
		return nil
	}
	var out []link
	for _, l := range links {
		switch {
		case l.Weak:
		case l.Year >= year:
			return nil
		case l.Year != 0:
			out = append(out, l)
		}
	}
	return out
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
		if l.Weak {
			continue // a policy or a news post beside the statements
		}
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
		before, n := s.res.Statement, len(s.res.History)
		take(undated[0])
		if before != nil && len(s.res.History) == n+1 {
			if last := s.res.History[n]; s.undatedIsLatest(undated[0], last, before.Year) {
				// the undated one is the current statement: "our current
				// statement" above an archive, or a page naming a later
				// year than the dated links
				s.res.History = append([]*Document{before}, s.res.History[:n]...)
				s.res.Statement = last
			}
		}
	}
	if s.res.Statement != nil {
		return s.res.Statement, nil
	}
	return nil, lastErr
}

// currentWords: a link that says it is the current statement
var currentWords = lazyre.New(`\b(current|latest|most recent|this year s?)\b`)

// undatedIsLatest reports whether an undated statement link taken beside
// dated ones is the latest: its words say so, or its page names a year
// after the latest dated one (its title, heading or first words).
// taken is the document the link gave (its page's, or the one its
// landing page led to), which takes the year the page names.
func (s *visit) undatedIsLatest(l link, taken *Document, latest int) bool {
	if currentWords().MatchString(words(l.Text)) {
		return true
	}
	if latest == 0 {
		return false // the dated links' year is not known: nothing to be later than
	}
	p := s.pages[l.URL]
	if p == nil || p.html == nil {
		return false
	}
	if y := ownYear(p.html, 0); y > latest {
		taken.Year = y
		return true
	}
	return false
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
