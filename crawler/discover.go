package crawler

import (
	"bytes"
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"

	"github.com/s54dev/s54/internal/lazyre"
)

// A link is a candidate found on a page: one that speaks of a statement,
// or a hub page ("legal", "policies", "sustainability") worth one hop.
type link struct {
	URL   string
	Text  string // what the link says: text, title, aria-label, image alt
	Score int
	Year  int // the financial year it names, 0 when none
	// Weak: the link speaks of slavery but names something beside the
	// statement (a policy, a news post): tried after the others, and
	// never part of a statements index
	Weak bool
	// Policy: the link names a policy, a code or guidance, not a statement
	Policy bool
}

var (
	// statementWords speak of a slavery statement in link text or in a URL
	// whose separators became spaces().
	// ("Slavery & Trafficking" is "slavery trafficking" by then;
	// "Transparency in Supply Chains" is the heading of s.54)
	statementWords = lazyre.New(`\b(modern( day)? ?slavery|slavery (and )?(human )?trafficking|anti ?slavery|human trafficking|msa|s ?54|section 54|transparency in (the )?supply chains?)\b`)
	// excludeWords are links about slavery that are not the statement.
	excludeWords = lazyre.New(`\bhelpline|\breport (a|your) concern|\bunseen\b`)
	// statementNoun: the link names a statement or a report, not the Act
	// ("Modern Slavery Act 2015" links to the legislation).
	statementNoun = lazyre.New(`\b(statements?|disclosures?|reports?|transparency)\b`)
	// otherStatements are statements that are not the slavery statement:
	// a link that says only "statement" is a candidate unless it is one
	// of these.
	otherStatements = lazyre.New(`\b(privacy|cookies?|tax|gender|pay gap|accessibility|environment(al)?|carbon|quality|financial|accounts|safety|equality|diversity|sustainability report|annual report|interim|results|dividend|prospectus|policy statement on (privacy|data))\b`)
	// namesAct: the link names the Act ("Modern Slavery Act 2015"), which
	// is the statement only when its URL says so
	namesAct = lazyre.New(`\b(modern slavery act|act 2015)\b`)
	// statementURL: a URL's words that name a statement or its subject;
	// unlike statementWords, not "section 54", which legislation's URLs say
	statementURL = lazyre.New(`\b(modern( day)? ?slavery|slavery (and )?(human )?trafficking|anti ?slavery|msa|statements?)\b`)
	// legislationURL: a URL's words that are legislation's
	legislationURL = lazyre.New(`\b(ukpga|legislation|enacted|contents)\b`)
	// besideWords: link words that name what sits beside a statement, not
	// the statement: a policy, a code, guidance, training
	besideWords = lazyre.New(`\b(` + policyNames + `|training|toolkit|helpline)\b`)
	// newsWords: a URL's words that put a page among news, blog posts or
	// events, which speak of modern slavery without being the statement
	newsWords = lazyre.New(`\b(news|blog|blogs|press|press releases?|insights?|articles?|stories|events?|podcasts?)\b`)
	// hubWords are pages one hop from the homepage where statements are
	// often listed, with their weight.
	hubWords = []struct {
		re    func() *regexp.Regexp
		score int
	}{
		{lazyre.New(`\b(legal|legals|legal information|legal notices?)\b`), 6},
		{lazyre.New(`\b(policies|our policies|policy documents|policies and (reports|statements)|statements|compliance)\b`), 6},
		{lazyre.New(`\b(sustainability|responsibility|responsibilities|responsible business|corporate responsibility|csr|esg|governance|ethics|ethical|human rights|our commitments?|people and planet|impact)\b`), 5},
		{lazyre.New(`\b(reports|reporting|documents|downloads|investors?|corporate|suppliers?|supplier information|procurement|supply chains?)\b`), 3},
		{lazyre.New(`\b(about|about us|who we are)\b`), 1},
	}
	// notHubWords are links that look like hubs but never list statements.
	notHubWords = lazyre.New(`\b(privacy|cookies?|terms|accessibility|careers|jobs|vacancies|login|sign in|basket|cart|news|blog|events?|calendar)\b`)
	yearRange   = lazyre.New(`\b((?:19|20)\d\d)(?:\s*[-/–_]\s*((?:19|20)?\d\d))?\b`)
	// fyYear is a financial year written "FY25", "FY2025", "FY24/25" or
	// "FY 2024-25", where "FY" leaves no word boundary before the digits.
	fyYear  = lazyre.New(`(?i)\bfy\s?'?((?:20)?\d\d)(?:\s*[-/–_]\s*((?:20)?\d\d))?\b`)
	nonWord = lazyre.New(`[^a-z0-9]+`)
	spaces  = lazyre.New(`\s+`)
)

// documentExt are URL endings of documents a landing page offers.
var documentExt = []string{".pdf", ".docx", ".doc"}

// words lower-cases s and turns separators into single spaces, so that
// "Modern-Slavery_Statement" and "modern slavery statement" match alike.
func words(s string) string {
	return strings.TrimSpace(nonWord().ReplaceAllString(strings.ToLower(s), " "))
}

// linkText is what a link says to a reader: its text, title, aria-label
// and the alt text of images inside it.
func linkText(a *goquery.Selection) string {
	parts := []string{a.Text()}
	for _, attr := range []string{"title", "aria-label"} {
		if v, ok := a.Attr(attr); ok {
			parts = append(parts, v)
		}
	}
	a.Find("img[alt]").Each(func(_ int, img *goquery.Selection) {
		parts = append(parts, img.AttrOr("alt", ""))
	})
	return strings.TrimSpace(spaces().ReplaceAllString(strings.Join(parts, " "), " "))
}

// urlWords are the words of a URL's path and query.
func urlWords(u *url.URL) string {
	p, err := url.PathUnescape(u.EscapedPath())
	if err != nil {
		p = u.Path
	}
	return words(p + " " + u.RawQuery)
}

// yearOf is the latest financial year a text names: "2024/25" and
// "2024-2025" are 2025.
func yearOf(s string) int {
	best := 0
	for _, m := range append(yearRange().FindAllStringSubmatch(s, -1), fyYear().FindAllStringSubmatch(s, -1)...) {
		y, _ := strconv.Atoi(m[1])
		if y < 100 {
			y += 2000 // "FY25"
		}
		if m[2] != "" {
			e, _ := strconv.Atoi(m[2])
			if e < 100 {
				e += y / 100 * 100
			}
			if e == y+1 {
				y = e
			}
		}
		if y <= 2015 || y > 2100 { // the Act's duty began with years ending 31 March 2016
			continue
		}
		best = max(best, y)
	}
	return best
}

// pageLinks are the candidate links of an HTML page: statements (by their
// words) and hubs (on the organisation's site or its subdomains). relaxed, for a page already reached by
// a statement link, also takes links to documents and links that say
// "statement" or "download".
type pageLinks struct {
	statements, hubs []link
}

func findLinks(doc *goquery.Document, base *url.URL, relaxed bool) pageLinks {
	var pl pageLinks
	seen := map[string]int{} // URL → index in statements, hubs (negative)
	// relative links resolve against the page's <base href>, when it has one
	refBase := base
	if b, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if bu, err := base.Parse(strings.TrimSpace(b)); err == nil && (bu.Scheme == "http" || bu.Scheme == "https") {
			refBase = bu
		}
	}
	doc.Find("a[href], area[href], button[onclick], iframe[src], embed[src], object[data]").Each(func(_ int, a *goquery.Selection) {
		anchor := a.Is("a, area, button")
		href := scriptedHref(a)
		if href == "" && a.Is("button") {
			return // a button that opens no page
		}
		if !anchor {
			// a document a page shows in a frame: a link to it on a page
			// already reached by a statement link
			if !relaxed {
				return
			}
			href = a.AttrOr("src", a.AttrOr("data", ""))
		}
		u, ok := webURL(refBase, href)
		if !ok {
			return
		}
		if !anchor {
			u = viewedDocument(u)
			if u == nil {
				return
			}
		}
		if !hashRoute(u.Fragment) {
			u.Fragment = ""
		}
		text := linkText(a)
		tw, uw := words(text), urlWords(u)
		if tw == "" {
			// an image without words: its file's name may say what it is
			// ("modern-slavery-statement-badge.png"), read like a URL
			uw += " " + imageNames(a)
		}
		if anchor && genericWords().MatchString(tw) {
			// "Download", "Read more" under a card's heading: the card
			// says what the link is
			if cw := words(contextText(a)); statementWords().MatchString(cw) {
				text = strings.TrimSpace(text + " " + contextText(a))
				tw = cw
			}
		}
		if excludeWords().MatchString(tw) || excludeWords().MatchString(uw) || strings.HasSuffix(u.Hostname(), "gov.uk") {
			return
		}
		l := link{URL: u.String(), Text: text}
		onSite := sameOrg(u, base)
		noun := statementNoun().MatchString(tw)
		// the link names the Act and no statement: legislation's page, or
		// another site's, is the Act's text; an opaque URL on the site
		// ("Modern Slavery Act" → /documents/2291) is often the statement,
		// tried as a weak link
		act := namesAct().MatchString(tw) && !noun
		actOnly := act && !statementURL().MatchString(uw)
		if act && (legislationURL().MatchString(uw) || (actOnly && !onSite)) {
			return
		}
		named := statementWords().MatchString(tw) // "Modern slavery", "Anti-slavery"
		switch {
		case !anchor:
			l.Score = 3
		case named && noun:
			l.Score = 12 // "Modern Slavery Statement"
		case named && onSite:
			l.Score = 10 // "Modern slavery", "Anti-slavery"
		case named && statementURL().MatchString(uw) && !legislationURL().MatchString(uw):
			// "Modern Slavery" to a group's statement on its parent's
			// host: the URL names it
			l.Score = 6
		case named:
			// another host, in words that do not name a statement: the
			// Act on the legislation's site, a charity, a news story
			if !relaxed {
				return
			}
			l.Score = 4
		case statementWords().MatchString(uw) && (onSite || relaxed):
			l.Score = 6
		case relaxed && (isDocumentURL(u) || strings.Contains(tw, "statement") || strings.Contains(tw, "download") || onlyYear(tw)):
			// on a statements page: a document, "Download", or a year
			// alone ("2024/25")
			l.Score = 3
		case onSite && strings.Contains(tw, "statement") && !otherStatements().MatchString(tw) && len(strings.Fields(tw)) <= 6:
			// "Our annual statement": a statement the words do not name,
			// worth a look when nothing names one
			l.Score = 2
		}
		if l.Score > 0 {
			if strings.Contains(tw+" "+uw, "statement") {
				l.Score += 2
			}
			// a policy, a code of conduct, a news post: beside the
			// statement, not it
			l.Policy = besideWords().MatchString(tw) && !noun
			l.Weak = l.Policy || newsWords().MatchString(uw) || actOnly
			l.Year = yearOf(text)
			if l.Year == 0 {
				l.Year = yearOf(path.Base(u.Path))
			}
			if l.Year == 0 {
				l.Year = yearOf(u.Path)
			}
			if l.Year == 0 && relaxed {
				// a statements page that puts the year in a heading or
				// a table cell beside a "Download" link
				l.Year = contextYear(a)
			}
			if i, ok := seen[l.URL]; ok && i >= 0 {
				pl.statements[i].Score = max(pl.statements[i].Score, l.Score)
				pl.statements[i].Year = max(pl.statements[i].Year, l.Year)
				pl.statements[i].Weak = pl.statements[i].Weak && l.Weak
				pl.statements[i].Policy = pl.statements[i].Policy && l.Policy
				return
			}
			seen[l.URL] = len(pl.statements)
			pl.statements = append(pl.statements, l)
			return
		}
		if !anchor || !sameOrg(u, base) || u.String() == base.String() {
			return
		}
		hw := tw
		if notHubWords().MatchString(tw) {
			// "Privacy", "Terms" are no hubs, but "Terms & Policies" and
			// "Legal & Privacy" are
			hw = strings.TrimSpace(notHubWords().ReplaceAllString(tw, " "))
			if hw == "" {
				return
			}
		}
		for _, h := range hubWords {
			if (h.score >= 6 || hw == tw) && h.re().MatchString(hw) || (hw == tw && h.score >= 5 && h.re().MatchString(uw)) {
				l.Score = h.score
				break
			}
		}
		if l.Score == 0 {
			return
		}
		if _, ok := seen[l.URL]; ok {
			return
		}
		seen[l.URL] = -1
		pl.hubs = append(pl.hubs, l)
	})
	sortLinks(&pl)
	return pl
}

// onlyYearWords: link words that are a year and nothing else ("2024/25",
// "FY25", "2025"), after words() has made them "2024 25", "fy25"
var onlyYearWords = lazyre.New(`^(fy ?)?((19|20)\d\d|\d\d)( (19|20)?\d\d)?$`)

// onlyYear reports whether a link's words are a year alone.
func onlyYear(tw string) bool { return onlyYearWords().MatchString(tw) && yearOf(tw) != 0 }

// scriptHrefRe finds the address a script sends the browser to:
// window.open('/x.pdf'), location.href = "/x/", location.assign('/x').
var scriptHrefRe = lazyre.New(`(?:\bopen|\blocation(?:\.href)?\s*=|\.assign|\.replace)\s*\(?\s*['"]([^'"\s]+)['"]`)

// scriptedHref is where a link goes: its href, or, when that is a script
// ("javascript:void(0)", "#") or the element a button, the address in
// its data-href or data-url, or its onclick.
func scriptedHref(a *goquery.Selection) string {
	href := strings.TrimSpace(a.AttrOr("href", ""))
	if href != "" && href != "#" && !strings.HasPrefix(strings.ToLower(href), "javascript:") {
		return href
	}
	for _, attr := range []string{"data-href", "data-url"} {
		if v := strings.TrimSpace(a.AttrOr(attr, "")); v != "" {
			return v
		}
	}
	if m := scriptHrefRe().FindStringSubmatch(a.AttrOr("onclick", "")); m != nil {
		return m[1]
	}
	return href
}

// imageNames are the words of the file names of the images in a link.
func imageNames(a *goquery.Selection) string {
	var names []string
	a.Find("img[src]").Each(func(_ int, img *goquery.Selection) {
		if u, err := url.Parse(strings.TrimSpace(img.AttrOr("src", ""))); err == nil {
			base := path.Base(u.Path)
			names = append(names, words(strings.TrimSuffix(base, path.Ext(base))))
		}
	})
	return strings.Join(names, " ")
}

// viewedDocument is the document a frame shows: its own URL when it is a
// document, or the one a PDF viewer is given in its "file" parameter;
// nil when it shows no document.
func viewedDocument(u *url.URL) *url.URL {
	if isDocumentURL(u) {
		return u
	}
	if f := u.Query().Get("file"); f != "" {
		if d, ok := webURL(u, f); ok && isDocumentURL(d) {
			return d
		}
	}
	return nil
}

// contextYear is the year named around a link whose own words name none:
// in its box (linkBox: the largest element around it that holds no other
// link, a table row, a list item, a card), or in the heading just before
// it. 0 when none.
func contextYear(a *goquery.Selection) int {
	box := linkBox(a)
	if y := yearOf(spacedText(box)); y != 0 {
		return y
	}
	if prev := box.Prev(); prev.Is("h1, h2, h3, h4, h5, h6, dt, strong, b") {
		return yearOf(spacedText(prev))
	}
	return 0
}

// linkBox is the largest element around a link, up to a few dozen words,
// that holds no other link: its card, list item or table row. It looks at
// most boxLevels up and boxNodes nodes in each, so that a page of
// thousands of "Read more" links costs each of them a bounded walk.
func linkBox(a *goquery.Selection) *goquery.Selection {
	box := a
	p := a.Parent()
	for range boxLevels {
		if p.Length() == 0 || p.Is("body, main, html, nav, header, footer") || !boxFits(p.Get(0)) {
			break
		}
		box = p
		p = p.Parent()
	}
	return box
}

// A link's box is found within these bounds.
const (
	boxLevels = 8
	boxNodes  = 400
)

// boxFits reports whether n holds at most one link and 60 words, looking
// at no more than boxNodes nodes (a larger element does not fit).
func boxFits(n *html.Node) bool {
	links, words, seen := 0, 0, 0
	var fits func(*html.Node) bool
	fits = func(n *html.Node) bool {
		if seen++; seen > boxNodes {
			return false
		}
		switch n.Type {
		case html.ElementNode:
			if n.DataAtom == atom.A && slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "href" }) {
				if links++; links > 1 {
					return false
				}
			}
		case html.TextNode:
			if words += len(strings.Fields(n.Data)); words > 60 {
				return false
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !fits(c) {
				return false
			}
		}
		return true
	}
	return fits(n)
}

// genericWords are link words that say nothing of what is linked.
var genericWords = lazyre.New(`^(download|download (the )?(pdf|file|document|statement)|pdf|view|view (the )?(pdf|document)|open|read|read more|more|find out more|learn more|see more|click here|here|more information|details)( pdf)?( \d+ ?(kb|mb))?$`)

// contextText is what a link's card says around it: the text of its box
// (linkBox) and the heading just before the box, when the box is not the
// link alone.
func contextText(a *goquery.Selection) string {
	box := linkBox(a)
	text := ""
	if box != a {
		text = spacedText(box)
	}
	if prev := box.Prev(); prev.Is("h1, h2, h3, h4, h5, h6, dt") {
		text = spacedText(prev) + " " + text
	}
	return text
}

// spacedText is the text of a selection with a space between its text
// nodes, so that "<td>2024/25</td><td>Download</td>" does not read
// "2024/25Download".
func spacedText(sel *goquery.Selection) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range sel.Nodes {
		walk(n)
	}
	return b.String()
}

// sortLinks orders statements the latest year first, then the strongest
// words, weak ones (a policy, a news post) last, and hubs by weight; the
// page's order breaks ties.
func sortLinks(pl *pageLinks) {
	slices.SortStableFunc(pl.statements, func(a, b link) int {
		if a.Weak != b.Weak {
			if a.Weak {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.Year, a.Year); c != 0 {
			return c
		}
		return cmp.Compare(b.Score, a.Score)
	})
	slices.SortStableFunc(pl.hubs, func(a, b link) int { return cmp.Compare(b.Score, a.Score) })
}

// years counts the distinct years of the statement links, weak ones aside:
// two or more make a statements index.
func (pl pageLinks) years() int {
	seen := map[int]bool{}
	for _, l := range pl.statements {
		if l.Year != 0 && !l.Weak {
			seen[l.Year] = true
		}
	}
	return len(seen)
}

func isDocumentURL(u *url.URL) bool {
	p := strings.ToLower(u.Path)
	return slices.ContainsFunc(documentExt, func(ext string) bool { return strings.HasSuffix(p, ext) })
}

// sameOrg reports whether u is on base's site or another host of the same
// registrable domain (investors.example.co.uk beside www.example.co.uk):
// where an organisation keeps its hubs and statement pages.
func sameOrg(u, base *url.URL) bool {
	if sameSite(u, base) {
		return true
	}
	a, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(u.Hostname()))
	if err != nil {
		return false
	}
	b, err := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(base.Hostname()))
	return err == nil && a == b
}

// webURL is raw resolved against base when it is a web address: http or
// https, with a host. Every address the crawler derives from a page goes
// through it.
func webURL(base *url.URL, raw string) (*url.URL, bool) {
	u, err := base.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}

// siteURL is raw resolved against base when it is a web address on base's
// site (sameSite), without its fragment.
func siteURL(base *url.URL, raw string) (*url.URL, bool) {
	u, ok := webURL(base, raw)
	if !ok || !sameSite(u, base) {
		return nil, false
	}
	u.Fragment = ""
	return u, true
}

// sameSite reports whether u is on base's host, "www." aside.
func sameSite(u, base *url.URL) bool {
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") == strings.TrimPrefix(strings.ToLower(base.Hostname()), "www.")
}

// looksLikeStatement reports whether an HTML page is itself a statement
// rather than a page that leads to one: enough words, and slavery spoken
// of more than in passing.
func looksLikeStatement(doc *goquery.Document) bool {
	text := strings.ToLower(pageText(doc))
	return len(strings.Fields(text)) >= landingWords && strings.Count(text, "slavery") >= 3
}

// pageText is a page's text without its scripts, styles and furniture.
func pageText(doc *goquery.Document) string {
	body := doc.Find("body").Clone() // the page's links are read after
	body.Find("script, style, noscript, nav, header, footer").Remove()
	return body.Text()
}

func pageWords(doc *goquery.Document) int { return len(strings.Fields(pageText(doc))) }

// metaRefresh returns where a page's <meta http-equiv="refresh"> sends
// the browser, when the page is a stub that does so at once (a delay of a
// few seconds at most, little text of its own), else "".
func metaRefresh(doc *goquery.Document, pageURL string) string {
	if doc == nil {
		return ""
	}
	var target string
	doc.Find("meta[http-equiv]").EachWithBreak(func(_ int, m *goquery.Selection) bool {
		if !strings.EqualFold(strings.TrimSpace(m.AttrOr("http-equiv", "")), "refresh") {
			return true
		}
		delay, rest, _ := strings.Cut(m.AttrOr("content", ""), ";")
		if d, err := strconv.ParseFloat(strings.TrimSpace(delay), 64); err != nil || d > 5 {
			return true
		}
		rest = strings.TrimSpace(rest)
		if len(rest) >= 4 && strings.EqualFold(rest[:4], "url=") {
			rest = rest[4:]
		}
		target = strings.Trim(strings.TrimSpace(rest), `'"`)
		return false
	})
	if target == "" || len(strings.Fields(doc.Find("body").Text())) > 100 {
		return ""
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	u, ok := webURL(base, target)
	if !ok || u.String() == pageURL {
		return ""
	}
	return u.String()
}

// scriptHint says why a homepage without a statement link may still have
// one: the link is written by JavaScript, which the crawler does not run.
func scriptHint(doc *goquery.Document) string {
	found := false
	doc.Find("script").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		found = statementWords().MatchString(words(s.Text()))
		return !found
	})
	if found {
		return "the homepage's JavaScript mentions a modern slavery statement, but the HTML has no link to it; s54 does not run JavaScript, and the law asks for a prominent link on the homepage"
	}
	if len(strings.Fields(doc.Find("body").Text())) < 20 && doc.Find("script[src]").Length() > 0 {
		return "the homepage is built by JavaScript (its HTML has almost no text); s54 does not run JavaScript"
	}
	if doc.Find("script").Length() > 0 && appShell(doc) {
		return "the homepage is a JavaScript app (its script fills the page); s54 does not run JavaScript, so a link the script writes is not seen"
	}
	return ""
}

// Kinds of fetched content, by sniffing.
const (
	KindHTML  = "html"
	KindPDF   = "pdf"
	KindDOCX  = "docx"
	KindText  = "text"
	KindOther = "other"
)

// sniffKind names the content by its bytes, with the declared media type
// only to tell HTML from plain text: servers send PDFs as
// application/octet-stream and HTML as text/plain.
func sniffKind(body []byte, mediaType string) string {
	head := body[:min(len(body), 1024)]
	trimmed := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return KindPDF
	case bytes.HasPrefix(trimmed, []byte("PK\x03\x04")):
		return KindDOCX
	}
	ct := http.DetectContentType(trimmed)
	switch {
	case strings.HasPrefix(ct, "text/html"), strings.HasPrefix(ct, "text/xml") && strings.Contains(mediaType, "html"):
		return KindHTML
	case strings.HasPrefix(ct, "text/plain"):
		if strings.Contains(mediaType, "html") || bytes.Contains(bytes.ToLower(head), []byte("<a ")) {
			return KindHTML
		}
		return KindText
	}
	return KindOther
}

var (
	// consentWords mark a page that asks for consent before the site.
	consentWords = lazyre.New(`\b(cookies?|consent|gdpr|privacy (preferences|settings|choices)|your choices|before you continue)\b`)
	// continueWords are the words of the way through to the site.
	continueWords = lazyre.New(`^(continue|continue to (the )?(site|website)|enter|enter (the )?(site|website)|proceed|go to (the )?(site|website)|accept( all)?( cookies)?( and continue)?|agree( and continue)?|i agree|ok|okay|got it|allow( all)?( cookies)?)$`)
)

// consentContinue returns where a consent interstitial lets the reader
// through ("Continue to the site"), when the page is one: little text of
// its own, speaking of cookies or consent, with a link on the same site
// that says so, else "".
func consentContinue(doc *goquery.Document, pageURL string) string {
	if doc == nil {
		return ""
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	text := strings.ToLower(spacedText(doc.Find("body")))
	// a short statement with a cookie banner is not an interstitial
	if len(strings.Fields(text)) > 150 || !consentWords().MatchString(text) || statementWords().MatchString(words(text)) {
		return ""
	}
	links := doc.Find("a[href]")
	if links.Length() > 8 {
		return ""
	}
	var target string
	links.EachWithBreak(func(_ int, a *goquery.Selection) bool {
		u, ok := siteURL(base, a.AttrOr("href", ""))
		if !ok || u.String() == base.String() || !continueWords().MatchString(words(linkText(a))) {
			return true
		}
		target = u.String()
		return false
	})
	if target == "" {
		target = consentForm(doc, base)
	}
	if target == "" && continueControl(doc.Selection, "button, input[type=submit], a[href]") != nil {
		// a page that asks to accept or continue and posts the choice:
		// the page it says it returns to
		target = consentNext(doc, base)
	}
	return target
}

// continueControl is the first of the controls under sel (by selector)
// whose words say to accept or continue ("Continue to the site", "Accept
// all"): what a consent page asks the reader to press, and a short page
// that merely mentions cookies has not. nil when there is none.
func continueControl(sel *goquery.Selection, selector string) *goquery.Selection {
	var found *goquery.Selection
	sel.Find(selector).EachWithBreak(func(_ int, b *goquery.Selection) bool {
		label := b.Text()
		if b.Is("input") {
			label = b.AttrOr("value", "")
		}
		if continueWords().MatchString(words(label)) {
			found = b
		}
		return found == nil
	})
	return found
}

// consentForm is where a consent page's GET form goes when its button
// says to continue ("Continue to the site", "Accept all"): the form's
// action with its fields, on the same site; "" when there is none.
func consentForm(doc *goquery.Document, base *url.URL) string {
	var target string
	doc.Find("form").EachWithBreak(func(_ int, f *goquery.Selection) bool {
		if m := strings.ToLower(strings.TrimSpace(f.AttrOr("method", "get"))); m != "get" && m != "" {
			return true
		}
		button := continueControl(f, "button, input[type=submit]")
		if button == nil {
			return true
		}
		u, ok := siteURL(base, f.AttrOr("action", ""))
		if !ok {
			return true
		}
		q := url.Values{}
		f.Find("input[type=hidden][name]").Each(func(_ int, in *goquery.Selection) {
			q.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
		})
		if name := button.AttrOr("name", ""); name != "" {
			q.Add(name, button.AttrOr("value", ""))
		}
		u.RawQuery, u.Fragment = q.Encode(), ""
		if u.String() == base.String() {
			return true
		}
		target = u.String()
		return false
	})
	return target
}

// nextParams are the names consent pages give the page to return to.
var nextParams = []string{"next", "return", "returnurl", "return_url", "return_to", "returnto", "redirect", "redirect_to", "redirect_uri", "redirecturl", "continue", "destination"}

// consentNext is the page a consent page says it will return to, in its
// own URL's query (/consent?next=/home) or a hidden field of its form,
// when that is a page of the same site: the way on of a consent page
// whose button posts the choice, which the crawler does not do. "" when
// it names none.
func consentNext(doc *goquery.Document, base *url.URL) string {
	var candidates []string
	q := base.Query()
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if slices.Contains(nextParams, strings.ToLower(k)) {
			candidates = append(candidates, q[k]...)
		}
	}
	doc.Find("form").Each(func(_ int, f *goquery.Selection) {
		// a login or a newsletter's form returns elsewhere: only the
		// form of the choice counts
		if continueControl(f, "button, input[type=submit], a[href]") == nil {
			return
		}
		f.Find("input[type=hidden][name]").Each(func(_ int, in *goquery.Selection) {
			if slices.Contains(nextParams, strings.ToLower(in.AttrOr("name", ""))) {
				candidates = append(candidates, in.AttrOr("value", ""))
			}
		})
	})
	for _, c := range candidates {
		u, ok := siteURL(base, c)
		if !ok || strings.TrimSpace(c) == "" {
			continue
		}
		if p := u.Path; u.String() != base.String() && p != base.Path {
			return u.String()
		}
	}
	return ""
}

// scriptBuilt reports whether a page may hold links that only its script
// writes: it has scripts, and either they speak of a statement, or the
// page is a single-page app's shell (an empty mount point, or a noscript
// asking for JavaScript) though it may have a menu of its own, or the HTML
// has almost no links or text of its own.
func scriptBuilt(doc *goquery.Document) bool {
	if doc == nil || doc.Find("script").Length() == 0 {
		return false
	}
	mentions := false
	doc.Find("script").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		mentions = statementWords().MatchString(words(s.Text()))
		return !mentions
	})
	if mentions || appShell(doc) {
		return true
	}
	links := 0
	doc.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href := strings.ToLower(strings.TrimSpace(a.AttrOr("href", "")))
		if href != "" && !strings.HasPrefix(href, "#") && !strings.HasPrefix(href, "javascript:") &&
			!strings.HasPrefix(href, "mailto:") && !strings.HasPrefix(href, "tel:") {
			links++
		}
		return links < scriptShellLinks
	})
	return links < scriptShellLinks || len(strings.Fields(doc.Find("body").Text())) < 20
}

// scriptShellLinks: a page with fewer links of its own, and scripts, is
// taken to be built by them.
const scriptShellLinks = 5

// appMounts are the elements single-page-app frameworks fill (React,
// Next.js, Vue, Nuxt, Gatsby, Angular), by their usual ids and marks.
const appMounts = "#app, #root, #__next, #__nuxt, #___gatsby, app-root, [data-reactroot], [ng-app], [ng-version]"

// appShell reports whether a page is a single-page app's shell: a mount
// point left empty for the script to fill (one a server filled has text
// and links), or a noscript in the body whose words ask for JavaScript —
// and no footer links of its own, since the footer, and the statement link
// in it, is what the script may write. A server-built shop or blog with a
// widget's empty mount point, or a "JavaScript seems to be disabled"
// notice, has its footer in the HTML and is not rendered for them.
func appShell(doc *goquery.Document) bool {
	if doc.Find("footer a[href], [id*=footer] a[href], [class*=footer] a[href]").Length() > 0 {
		return false
	}
	asks := false
	doc.Find("body noscript").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		asks = asksForScript().MatchString(noscriptText(s.Text()))
		return !asks
	})
	if asks {
		return true
	}
	empty := false
	doc.Find(appMounts).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		empty = s.Find("a[href]").Length() == 0 && len(strings.Fields(s.Text())) < 20
		return !empty
	})
	return empty
}

// noscriptText is the visible text of a noscript's content, which the
// parser (scripting on) keeps as raw HTML: a pixel's URL or a style that
// names "javascript" is not its text.
func noscriptText(raw string) string {
	nodes, err := html.ParseFragment(strings.NewReader(raw), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(goquery.NewDocumentFromNode(n).Text())
		b.WriteByte(' ')
	}
	return b.String()
}

// asksForScript matches a notice that the page needs JavaScript: "You
// need to enable JavaScript to run this app", "Please turn on JavaScript",
// "JavaScript is required".
var asksForScript = lazyre.New(`(?i)\b(enable|turn on|switch on|allow|activate|requires?|needs?)\b[^.!]{0,30}\bjavascript\b|\bjavascript\b[^.!]{0,30}\b(required|needed|must be enabled|disabled)\b`)

// hashRoute reports whether a URL's fragment is a single-page app's route
// ("#/modern-slavery", "#!/statement"): the page it names exists only
// once the script has run, so the fragment is kept.
func hashRoute(fragment string) bool {
	return strings.HasPrefix(fragment, "/") || strings.HasPrefix(fragment, "!/")
}

var (
	// localeSegment: a path's first segment that names a country or a
	// language ("/uk/", "/en-gb/", "/de_de/")
	localeSegment = lazyre.New(`^((uk|gb|us|ie|de|fr|es|it|nl|be|lu|ch|at|se|no|dk|fi|pl|pt|cz|gr|ro|hu|au|nz|ca|mx|br|ar|cl|jp|cn|kr|sg|hk|tw|za|ae|sa|tr|ru|en|zh|ja|ko|sv|da|nb)|[a-z]{2}[-_][a-z]{2}|global|international|int)$`)
	// ukLocale and englishLocale: the choices for a UK organisation, best
	// first, in a link's path, hreflang or words
	ukLocale      = lazyre.New(`^(en[-_]gb|en[-_]uk|uk|gb)$|\b(united kingdom|uk|great britain|britain)\b`)
	englishLocale = lazyre.New(`^(en|global|international|int)$|\b(english|global|international|worldwide)\b`)
)

// localeHome is the UK (else English, else international) homepage a
// country or language chooser offers, when the page is one: little text
// of its own and at least two same-site links to other locales' homes
// (by hreflang or a locale as the first path segment); "" otherwise.
func localeHome(doc *goquery.Document, base *url.URL) string {
	if doc == nil || len(strings.Fields(spacedText(doc.Find("body")))) > 150 {
		return ""
	}
	locales := map[string]bool{}
	best, bestScore := "", 0
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		u, ok := siteURL(base, a.AttrOr("href", ""))
		if !ok {
			return
		}
		seg := strings.ToLower(strings.Trim(u.Path, "/"))
		if strings.Contains(seg, "/") {
			return // a locale's home is its first segment alone
		}
		lang := strings.ToLower(strings.TrimSpace(a.AttrOr("hreflang", "")))
		switch {
		case lang != "":
			locales[lang] = true
		case seg != "" && localeSegment().MatchString(seg):
			locales[seg] = true
		default:
			return
		}
		tw := words(linkText(a))
		score := 0
		switch {
		case ukLocale().MatchString(lang) || ukLocale().MatchString(seg) || ukLocale().MatchString(tw):
			score = 3
		case strings.HasPrefix(lang, "en") || englishLocale().MatchString(seg) || englishLocale().MatchString(tw):
			score = 2
		}
		if score > bestScore {
			best, bestScore = u.String(), score
		}
	})
	if len(locales) < minLocales || best == base.String() {
		return ""
	}
	return best
}

// minLocales: a chooser offers at least this many countries or languages
// ("/ir" investors and "/hr" careers beside "/uk" are not three).
const minLocales = 3

// policyNames are the words that name a policy, a code or guidance, in
// a link (besideWords) or a page's title (policyTitle).
const policyNames = `polic(y|ies)|code of conduct|codes? of (practice|ethics)|procedures?|guidance`

var (
	// policyTitle: a page's title or heading that names a policy, a code
	// or guidance
	policyTitle = lazyre.New(`\b(` + policyNames + `)\b`)
	// statementMarks: words a statement says of itself, a small firm's
	// titled as a policy too ("This policy sets out the steps we took in
	// the year ending 31 March 2025"); a page with any of them is left to
	// the checker, since a statement taken for a policy is the costlier
	// mistake
	statementMarks = lazyre.New(`\b(statement|section 54|s ?54|financial year|year (ending|ended)|approved by (the |our )?(board|directors))\b`)
)

// policyPage reports whether an HTML page is a policy and not a
// statement: its heading (else its title) names a policy and no
// statement, and its text says nothing a statement says of itself.
func policyPage(doc *goquery.Document) bool {
	title := words(doc.Find("h1").First().Text())
	if title == "" {
		title = words(doc.Find("title").First().Text())
	}
	if !policyTitle().MatchString(title) || strings.Contains(title, "statement") {
		return false
	}
	// "1. Policy statement" heads a policy's first section
	text := strings.ReplaceAll(words(pageText(doc)), "policy statement", "policy")
	return !statementMarks().MatchString(text)
}
