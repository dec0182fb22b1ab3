package crawler

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/s54dev/s54/internal/lazyre"
)

// When the homepage and its hubs give no statement, the site's sitemaps
// may list it: the Sitemap lines of robots.txt, else /sitemap.xml. A
// statement found that way is found, but not linked from the homepage.
// Sitemaps are bounded: a few files (an index may point at others), the
// fetch's size limit each, and so many URLs read in all.

const (
	maxSitemaps    = 4
	maxSitemapURLs = 50000
	maxSitemapGzip = 16 << 20
)

// sitemap looks for statement links in the site's sitemaps; found is the
// sitemap that listed the statement, "" when none did.
func (s *visit) sitemap(base *url.URL) (doc *Document, found string, err error) {
	queue := s.c.robots.sitemaps(base.Scheme + "://" + base.Host)
	if len(queue) == 0 {
		queue = []string{base.ResolveReference(&url.URL{Path: "/sitemap.xml"}).String()}
	}
	seen := map[string]bool{}
	read := 0
	var candidates []link
	for len(queue) > 0 && read < maxSitemaps && s.ctx.Err() == nil {
		// "Sitemap: /sitemap.xml" is the site's own; an index's locs are
		// resolved against the index when queued
		su, ok := siteURL(base, queue[0])
		queue = queue[1:]
		if !ok || seen[su.String()] {
			continue // a sitemap on another host is not the site's
		}
		u := su.String()
		seen[u] = true
		read++
		p := s.get(su.String())
		if p.err != nil || p.doc == nil {
			if p.err != nil {
				err = p.err
			}
			continue
		}
		body := p.doc.Body
		if bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
			zr, zerr := gzip.NewReader(bytes.NewReader(body))
			if zerr != nil {
				continue
			}
			body, _ = io.ReadAll(io.LimitReader(zr, maxSitemapGzip))
		}
		locs, index := sitemapLocs(body, maxSitemapURLs)
		if index {
			// the pages' sitemap before the posts', products' and tags',
			// each ranked once
			type ranked struct {
				loc  string
				rank int
			}
			rs := make([]ranked, 0, len(locs))
			for _, loc := range locs {
				if lu, perr := su.Parse(strings.TrimSpace(loc)); perr == nil {
					rs = append(rs, ranked{lu.String(), sitemapRank(lu.String())})
				}
			}
			slices.SortStableFunc(rs, func(a, b ranked) int { return a.rank - b.rank })
			for _, r := range rs {
				queue = append(queue, r.loc)
			}
			continue
		}
		for _, loc := range locs {
			lu, perr := su.Parse(strings.TrimSpace(loc))
			if perr != nil || !sameSite(lu, base) || excludeWords().MatchString(urlWords(lu)) {
				continue
			}
			if uw := urlWords(lu); statementWords().MatchString(uw) {
				l := link{URL: lu.String(), Score: 6, Year: yearOf(lu.Path), Weak: newsWords().MatchString(uw)}
				if strings.Contains(uw, "statement") {
					l.Score += 2
				}
				l.Text = u // where it was listed
				candidates = append(candidates, l)
			}
		}
	}
	if len(candidates) == 0 {
		return nil, "", err
	}
	pl := pageLinks{statements: candidates}
	sortLinks(&pl)
	doc, err = s.resolve(pl, 0)
	if doc == nil {
		return nil, "", err
	}
	for _, c := range candidates {
		if c.URL == doc.URL || s.res.Statement != nil && c.URL == s.res.Statement.URL {
			return doc, c.Text, nil
		}
	}
	return doc, candidates[0].Text, nil
}

var (
	// sitemapPages: a sitemap's name that says it lists the site's pages
	// or documents, where statements are
	sitemapPages = lazyre.New(`\b(pages?|documents?|files?|pdfs?|policies|legal|corporate|about)\b`)
	// sitemapOthers: a sitemap's name that says it lists posts, products,
	// tags and the like, where statements seldom are
	sitemapOthers = lazyre.New(`\b(posts?|products?|cat|categor(y|ies)|tags?|authors?|users?|attachments?|media|images?|videos?|news|blog|events?|portfolio|testimonials?|taxonomies|locations?|stores?|jobs?)\b`)
)

// sitemapRank orders the sitemaps of an index: pages first, then the
// others, then posts, products and tags.
func sitemapRank(loc string) int {
	w := loc
	if u, err := url.Parse(loc); err == nil {
		w = path.Base(u.Path)
	}
	w = words(w)
	switch {
	case sitemapPages().MatchString(w):
		return 0
	case sitemapOthers().MatchString(w):
		return 2
	}
	return 1
}

// sitemapLocs reads the <loc> of a sitemap, at most limit of them, and
// whether it is a sitemap index (its locs are sitemaps).
func sitemapLocs(data []byte, limit int) (locs []string, index bool) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	inLoc := false
	for len(locs) < limit {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sitemapindex":
				index = true
			case "loc":
				inLoc = true
			}
		case xml.EndElement:
			inLoc = false
		case xml.CharData:
			if inLoc {
				if v := strings.TrimSpace(string(t)); v != "" {
					locs = append(locs, v)
				}
			}
		}
	}
	return locs, index
}

// sitemaps are the Sitemap lines of the robots.txt cached for a scheme and
// host, when it was fetched.
func (c *robotsCache) sitemaps(origin string) []string {
	c.mu.Lock()
	e, ok := c.hosts[strings.ToLower(origin)]
	c.mu.Unlock()
	if !ok {
		return nil
	}
	select {
	case <-e.ready:
	default:
		return nil
	}
	if e.err != nil || e.status != 200 {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(e.body), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), "sitemap") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		if len(out) >= maxSitemaps {
			break
		}
	}
	return out
}
