package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/s54dev/s54/internal/htmlbound"
	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/statement"
)

// htmlText extracts the main content of an HTML page: the statement, not
// the menus, banners, footers and scripts around it.
func htmlText(ctx context.Context, data []byte, contentType string) (statement.Text, error) {
	src, note := decodeHTML(data, contentType)
	var t statement.Text
	if note != "" {
		t.Notes = append(t.Notes, note)
	}
	// A page parsed into a tree is bounded in elements, attributes and
	// depth (internal/htmlbound); bigger pages are read with the streaming
	// tokenizer instead, without the layout analysis.
	root, err := htmlbound.Parse(ctx, src)
	if errors.Is(err, htmlbound.ErrTooLarge) {
		t.Body, t.Title = flatHTMLText(ctx, src)
		t.Notes = append(t.Notes, "page too large for layout analysis: menus and footers may be included")
		return t, ctx.Err()
	}
	if err != nil {
		if ctx.Err() != nil {
			return t, ctx.Err()
		}
		// x/net/html refuses pages nested more than 512 elements deep,
		// which broken generators produce with unclosed tags.
		t.Body, t.Title = flatHTMLText(ctx, src)
		t.Notes = append(t.Notes, "page nested too deeply for layout analysis: menus and footers may be included")
		return t, ctx.Err()
	}
	doc := goquery.NewDocumentFromNode(root)
	t.Title = htmlTitle(doc)
	redirect := metaRefreshTarget(doc)
	scripted := doc.Find("script").Length() > 0
	body := root
	if b := doc.Find("body").First(); b.Length() > 0 {
		body = b.Get(0)
	}
	removeNoise(body, false)
	content := mainContent(body)
	dropLinkBars(content)
	var w blockWriter
	w.render(content)
	t.Body = tidyText(w.b.String())
	// A stub says "Redirecting…" and little else; anything longer is a page
	// in its own right that happens to refresh.
	if redirect != "" && utf8.RuneCountInString(t.Body) < 300 {
		return statement.Text{}, fmt.Errorf("%w: page only redirects to %s", ErrEmpty, redirect)
	}
	if t.Body == "" && scripted {
		return statement.Text{}, fmt.Errorf("%w: no text without JavaScript; the page is built in the browser", ErrEmpty)
	}
	return t, ctx.Err()
}

// decodeHTML converts a page to UTF-8. The encoding comes from a BOM, the
// Content-Type charset, a <meta> in the first KB (the WHATWG order), else
// it is guessed. Declarations are often wrong in one known way: pages
// saved as UTF-8 that still say iso-8859-1. A page that is valid UTF-8
// with non-ASCII characters is read as UTF-8 whatever it declares, since
// windows-1252 text is almost never valid UTF-8 by accident.
func decodeHTML(data []byte, contentType string) (text, note string) {
	if bytes.HasPrefix(data, bomUTF8) || bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		return decodeText(data)
	}
	enc, name, _ := charset.DetermineEncoding(data, contentType)
	lenient := name == "utf-8" || name == "windows-1252" || name == "replacement" || enc == nil ||
		(utf8.Valid(data) && hasNonASCII(data)) ||
		(strings.HasPrefix(name, "utf-16") && bytes.IndexByte(data[:min(len(data), 1024)], 0) < 0)
	if !lenient {
		if out, err := enc.NewDecoder().Bytes(data); err == nil {
			return string(out), ""
		}
	}
	// windows-1252 declared or guessed is read leniently too: its text is
	// almost never valid UTF-8, so the two readings only differ on pages
	// that mix both, where this one is right.
	s, latin, mixed := decodeUTF8OrWindows1252(data)
	if latin && name != "windows-1252" {
		note = windows1252Note(mixed)
	}
	return s, note
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

func htmlTitle(doc *goquery.Document) string {
	title := oneline.Of(tidyText(doc.Find("head title").First().Text()))
	if title == "" {
		title = oneline.Of(tidyText(doc.Find(`meta[property="og:title"]`).First().AttrOr("content", "")))
	}
	if title == "" {
		title = oneline.Of(tidyText(doc.Find("h1").First().Text()))
	}
	return title
}

// metaRefreshTarget returns the URL a <meta http-equiv="refresh"> sends
// the reader to, or "" when there is none.
func metaRefreshTarget(doc *goquery.Document) string {
	target := ""
	doc.Find("meta[http-equiv]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if !strings.EqualFold(strings.TrimSpace(s.AttrOr("http-equiv", "")), "refresh") {
			return true
		}
		_, u, ok := strings.Cut(s.AttrOr("content", ""), ";")
		if !ok {
			_, u, ok = strings.Cut(s.AttrOr("content", ""), ",")
		}
		if !ok {
			return true
		}
		u = strings.TrimSpace(u)
		if len(u) >= 4 && strings.EqualFold(u[:3], "url") {
			u = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(u[3:]), "="))
		}
		target = strings.Trim(u, `"' `)
		return target == ""
	})
	return target
}

// Elements whose content is never statement text.
var dropAlways = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Canvas: true, atom.Audio: true, atom.Video: true, atom.Button: true,
	atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Datalist: true,
	atom.Map: true, atom.Head: true, atom.Link: true, atom.Meta: true, atom.Title: true,
}

// neverText reports elements whose content is not shown as text. A
// <template> is, when it is a declarative shadow root: web components
// rendered on the server put their content there.
func neverText(n *html.Node) bool {
	if n.DataAtom == atom.Template {
		return htmlAttr(n, "shadowrootmode") == "" && htmlAttr(n, "shadowroot") == ""
	}
	return dropAlways[n.DataAtom]
}

// Roles of page furniture, from ARIA.
var noiseRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "search": true,
	"menu": true, "menubar": true, "dialog": true, "alertdialog": true, "complementary": true,
}

// noiseWords in an id or class mark menus, share buttons, modals and the
// like. They are matched as whole words ("nav" in "site-nav__links" but
// not in "canvas") to spare content such as "research-section".
var noiseWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true, "menubar": true,
	"submenu": true, "megamenu": true, "dropdown": true, "breadcrumb": true,
	"breadcrumbs": true, "skip": true, "share": true, "sharing": true, "social": true,
	"sharedaddy": true, "addtoany": true, "modal": true, "popup": true, "offcanvas": true,
	"sidebar": true, "newsletter": true, "subscribe": true, "search": true,
	"masthead": true, "topbar": true, "toolbar": true,
}

// cookieMarkers in an id or class mark consent banners, whatever the
// surrounding words ("CybotCookiebotDialog", "cmplz-cookiebanner").
var cookieMarkers = []string{
	"cookie", "consent", "gdpr", "onetrust", "cmplz", "iubenda", "cc-window", "cc-banner", "cky-",
}

// Guards against dropping the statement itself. Furniture is made of links
// and short labels; an element with more words of its own than a cookie
// notice holds is content, even if its class says "sticky-nav".
const (
	furnitureTextLimit = 500
	bannerTextLimit    = 3000
)

// removeNoise deletes page furniture below n. scoped is true inside
// article, main and section, where header and footer belong to the
// content (a post's title, its signature) rather than to the site.
func removeNoise(n *html.Node, scoped bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode:
			n.RemoveChild(c)
		case c.Type != html.ElementNode:
		case isNoise(c, scoped):
			n.RemoveChild(c)
		default:
			removeNoise(c, scoped || c.DataAtom == atom.Article || c.DataAtom == atom.Main ||
				c.DataAtom == atom.Section || htmlAttr(c, "role") == "main")
		}
		c = next
	}
}

func isNoise(n *html.Node, scoped bool) bool {
	if neverText(n) || n.Namespace == "svg" || isSkipLink(n) {
		return true
	}
	structural := n.DataAtom == atom.Body || n.DataAtom == atom.Main || n.DataAtom == atom.Article
	if !structural && hasCookieMarker(n) {
		return !looksLikeContent(n, bannerTextLimit)
	}
	furniture := false
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Dialog:
		furniture = true
	case atom.Header, atom.Footer:
		furniture = !scoped
	}
	if noiseRoles[strings.ToLower(strings.TrimSpace(htmlAttr(n, "role")))] || isHidden(n) ||
		(!structural && hasNoiseWord(n, scoped)) {
		furniture = true
	}
	return furniture && !looksLikeContent(n, furnitureTextLimit)
}

// looksLikeContent reports whether n holds at least limit characters of
// text outside links, or a top-level heading: then it is kept whatever its
// tag or class says.
func looksLikeContent(n *html.Node, limit int) bool {
	count := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				for _, r := range c.Data {
					if !unicode.IsSpace(r) {
						count++
					}
				}
				if count >= limit {
					return true
				}
			case html.ElementNode:
				if c.DataAtom == atom.H1 {
					return true
				}
				if c.DataAtom != atom.A && !neverText(c) && walk(c) {
					return true
				}
			}
		}
		return false
	}
	return walk(n)
}

func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func isHidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			s := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

func hasCookieMarker(n *html.Node) bool {
	idClass := strings.ToLower(htmlAttr(n, "id") + " " + htmlAttr(n, "class"))
	for _, m := range cookieMarkers {
		if strings.Contains(idClass, m) {
			return true
		}
	}
	return false
}

// siteWords mark the site's header and footer when outside the content,
// as with the tags (<div id="footer">).
var siteWords = map[string]bool{"header": true, "footer": true, "colophon": true}

// hasNoiseWord splits id and class into words at punctuation and at
// camelCase humps ("mainNav" is "main", "nav").
func hasNoiseWord(n *html.Node, scoped bool) bool {
	for _, key := range [...]string{"id", "class"} {
		v := htmlAttr(n, key)
		start := -1
		for i, r := range v + " " {
			alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
			hump := start >= 0 && unicode.IsUpper(r) && i > 0 && unicode.IsLower(rune(v[i-1]))
			if (!alnum || hump) && start >= 0 {
				word := strings.ToLower(v[start:i])
				if noiseWords[word] || (!scoped && siteWords[word]) {
					return true
				}
				start = -1
			}
			if alnum && start < 0 {
				start = i
			}
		}
	}
	return false
}

// isSkipLink recognises "Skip to content" links for keyboard users.
func isSkipLink(n *html.Node) bool {
	if n.DataAtom != atom.A || !strings.HasPrefix(htmlAttr(n, "href"), "#") {
		return false
	}
	var text strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			text.WriteString(c.Data)
		}
	}
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(text.String())), "skip to")
}

// statementWords in text outside a <main> or <article> mean that the
// statement does not fit in it: a title above it, a signature below it.
var statementWords = lazyre.New(`(?i)\b(?:slavery|traffick\w*|signed|signature|director|approved|board|statement|financial year|chief executive|ceo|trustees)\b`)

// minMainText is the least text a <main> or <article> needs to be taken
// as the page's content rather than, say, a card in a sidebar.
const minMainText = 200

// mainContent picks what to extract below body (already cleaned): the
// smallest <main>, <article> or role=main element that holds the
// statement, else body itself. A candidate is refused when the text
// outside it speaks of the statement; keeping a little too much is
// better than losing the signature under the article.
func mainContent(body *html.Node) *html.Node {
	var candidates []*html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Main || c.DataAtom == atom.Article || htmlAttr(c, "role") == "main" {
				candidates = append(candidates, c)
			}
			find(c)
		}
	}
	find(body)
	if len(candidates) > 20 {
		return body // a listing of posts, not one statement
	}
	best, bestLen := body, -1
	for _, c := range candidates {
		n := textLen(c)
		if n < minMainText || (bestLen >= 0 && n >= bestLen) {
			continue
		}
		if statementWords().MatchString(ownTextOutside(body, c)) {
			continue
		}
		best, bestLen = c, n
	}
	return best
}

// textLen counts the characters other than spaces below n.
func textLen(n *html.Node) int {
	count := 0
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			for _, r := range d.Data {
				if !unicode.IsSpace(r) {
					count++
				}
			}
		}
	}
	return count
}

// ownTextOutside returns the text below n, but for the subtree skip and
// for links: menus that survived the clean-up are links.
func ownTextOutside(n, skip *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c == skip:
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
				b.WriteByte(' ')
			case c.Type == html.ElementNode && c.DataAtom != atom.A:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// dropLinkBars removes blocks made of nothing but short links: menus
// built from bare <div>s and <a>s, with no tag, role or class to tell
// them by. Lists of documents have longer link texts and are kept.
func dropLinkBars(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if isLinkBar(c) {
				n.RemoveChild(c)
			} else {
				dropLinkBars(c)
			}
		}
		c = next
	}
}

func isLinkBar(n *html.Node) bool {
	if n.DataAtom == atom.A {
		return false
	}
	links, linkLetters, ownLetters := 0, 0, 0
	// walk stops at the first words outside a link, which is soon for
	// every block of content.
	var walk func(n *html.Node, inLink bool) bool
	walk = func(n *html.Node, inLink bool) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				for _, r := range c.Data {
					if !unicode.IsLetter(r) {
						continue
					}
					if inLink {
						linkLetters++
					} else if ownLetters++; ownLetters >= 3 {
						return false
					}
				}
			case html.ElementNode:
				if c.DataAtom == atom.A && !inLink {
					links++
				}
				if !walk(c, inLink || c.DataAtom == atom.A) {
					return false
				}
			}
		}
		return true
	}
	return walk(n, false) && links >= 3 && linkLetters <= 15*links
}

// Elements that start a new block, and those that only start a new line
// within one (list items, table rows, line breaks).
var (
	blockElements = map[atom.Atom]bool{
		atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
		atom.Body: true, atom.Caption: true, atom.Center: true, atom.Details: true,
		atom.Dialog: true, atom.Dir: true, atom.Div: true, atom.Dl: true, atom.Fieldset: true,
		atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true,
		atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
		atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Legend: true, atom.Main: true,
		atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true,
		atom.Section: true, atom.Summary: true, atom.Table: true, atom.Ul: true,
	}
	lineElements = map[atom.Atom]bool{
		atom.Br: true, atom.Li: true, atom.Tr: true, atom.Dt: true, atom.Dd: true, atom.Option: true,
	}
)

// blockWriter renders a cleaned tree as text: blocks separated by blank
// lines, list items and table rows on lines of their own, cells joined by
// " | ". Line breaks are owed rather than written, so that the white space
// between two list items does not turn into a blank line; spaces are left
// loose for tidyText to settle.
type blockWriter struct {
	b       strings.Builder
	pending int        // line breaks owed before the next text
	rows    []tableRow // open rows, innermost last
	pre     int
}

type tableRow struct{ hasText, sepPending bool }

func (w *blockWriter) newline(n int) {
	w.pending = max(w.pending, n)
}

// flattenSpace turns HTML white space into spaces: outside <pre>, a line
// break in the source is no line break on the page.
func flattenSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' || r == '\f' {
			return ' '
		}
		return r
	}, s)
}

func (w *blockWriter) text(s string) {
	if w.pre == 0 {
		s = flattenSpace(s)
	}
	if strings.TrimSpace(s) == "" {
		if w.pending == 0 {
			w.b.WriteByte(' ') // the space between two inline elements
		}
		return
	}
	if k := len(w.rows) - 1; k >= 0 {
		if w.rows[k].sepPending && w.pending == 0 {
			w.b.WriteString(" | ")
		}
		w.rows[k].sepPending = false
		w.rows[k].hasText = true
	}
	if w.pending > 0 && w.b.Len() > 0 {
		w.b.WriteString("\n\n"[:min(w.pending, 2)])
	}
	w.pending = 0
	w.b.WriteString(s)
}

func (w *blockWriter) startRow() {
	w.newline(1)
	w.rows = append(w.rows, tableRow{})
}

func (w *blockWriter) endRow() {
	if len(w.rows) > 0 {
		w.rows = w.rows[:len(w.rows)-1]
	}
	w.newline(1)
}

// startCell asks for a " | " before the cell's first text, unless it is
// the first cell with text in its row.
func (w *blockWriter) startCell() {
	if k := len(w.rows) - 1; k >= 0 && w.rows[k].hasText {
		w.rows[k].sepPending = true
	}
}

func (w *blockWriter) render(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			w.text(c.Data)
		case html.ElementNode:
			w.element(c)
		}
	}
}

func (w *blockWriter) element(n *html.Node) {
	if neverText(n) {
		return
	}
	switch {
	case n.DataAtom == atom.Br:
		w.newline(1)
		return
	case n.DataAtom == atom.Tr:
		w.startRow()
		w.render(n)
		w.endRow()
		return
	case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
		w.startCell()
		w.render(n)
		return
	case n.DataAtom == atom.Pre:
		w.pre++
		defer func() { w.pre-- }()
	}
	brk := 0
	if blockElements[n.DataAtom] {
		brk = 2
	} else if lineElements[n.DataAtom] {
		brk = 1
	}
	if brk > 0 {
		w.newline(brk)
	}
	w.render(n)
	if brk > 0 {
		w.newline(brk)
	}
}

// flatHTMLText reads a page with the streaming tokenizer, in memory
// proportional to its text: for pages too large or too deep for the tree
// parser. Scripts, styles and form controls are still dropped, but without
// a tree there is no telling a menu from the content.
func flatHTMLText(ctx context.Context, src string) (body, title string) {
	// the tokenizer holds every attribute of the tag it reads
	z := html.NewTokenizer(strings.NewReader(htmlbound.TrimTags(src)))
	var w blockWriter
	skip := 0 // depth inside svg, template, select…
	rawText, inTitle := false, false
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			break
		}
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.TextToken {
			switch text := string(z.Text()); {
			case inTitle:
				title = oneline.Of(tidyText(text))
			case !rawText && skip == 0:
				w.text(text)
			}
			rawText, inTitle = false, false
			continue
		}
		if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		rawText, inTitle = false, false
		name, _ := z.TagName()
		start := tt != html.EndTagToken
		switch a := atom.Lookup(name); {
		case a == atom.Script || a == atom.Style || a == atom.Noscript || a == atom.Iframe ||
			a == atom.Textarea || a == atom.Xmp || a == atom.Noembed || a == atom.Noframes:
			rawText = tt == html.StartTagToken // its content comes as one text token
		case a == atom.Title:
			inTitle = tt == html.StartTagToken && title == ""
		case a == atom.Svg || a == atom.Template || a == atom.Select || a == atom.Button || a == atom.Datalist:
			if tt == html.StartTagToken {
				skip++
			} else if tt == html.EndTagToken && skip > 0 {
				skip--
			}
		case a == atom.Tr && start:
			w.startRow()
		case a == atom.Tr:
			w.endRow()
		case (a == atom.Td || a == atom.Th) && start:
			w.startCell()
		case blockElements[a]:
			w.newline(2)
		case lineElements[a]:
			w.newline(1)
		}
	}
	return tidyText(w.b.String()), title
}
