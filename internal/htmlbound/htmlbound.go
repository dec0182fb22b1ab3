// Package htmlbound parses untrusted HTML into a tree within fixed bounds.
// x/net/html keeps every attribute of every element, so one <div> with two
// million attributes (20 MB) costs the parser most of a gigabyte, and a
// page of a million small elements costs as much again. The page is first
// read with the streaming tokenizer, which holds little, and written again
// without what is past the bounds; only that copy becomes a tree. The
// extractor (uploads, crawled statements) and the crawler (pages read for
// links) both parse through here.
package htmlbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Bounds of a tree. Real pages, statements included, have a few thousand
// elements with a handful of attributes each, nested a few dozen deep.
const (
	// MaxElements: a page with more is not made into a tree (ErrTooLarge);
	// the caller reads it with the tokenizer. A parsed element costs a few
	// hundred bytes, so the tree stays within a few tens of MB.
	MaxElements = 100_000
	// MaxAttrsPerElement: attributes past it are dropped.
	MaxAttrsPerElement = 32
	// MaxAttrs: attributes past it, over the whole page, are dropped.
	MaxAttrs = 200_000
	// MaxAttrValue: longer attribute values (inline images as data: URLs,
	// serialized state) are cut.
	MaxAttrValue = 64 << 10
	// MaxDepth: elements opened deeper are left out, their text kept. The
	// parser itself refuses pages nested past 512.
	MaxDepth = 256
)

// ErrTooLarge: the page has more elements than a tree may hold.
var ErrTooLarge = errors.New("htmlbound: too many elements to parse into a tree")

// Parse returns the tree of page, with attributes and nesting past the
// bounds left out, or ErrTooLarge. It stops when ctx is done.
func Parse(ctx context.Context, page string) (*html.Node, error) {
	bounded, err := Bound(ctx, page)
	if err != nil {
		return nil, err
	}
	return html.Parse(ctxReader{ctx, strings.NewReader(bounded)})
}

// Bound returns page written again within the bounds, or ErrTooLarge.
func Bound(ctx context.Context, page string) (string, error) {
	page = TrimTags(page)
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	b.Grow(min(len(page), 64<<20))
	elements, attrs := 0, 0
	var open []string // names of the elements open, as far as tags tell
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return "", ctx.Err()
		}
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return b.String(), nil
			}
			return "", z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			elements++
			if elements > MaxElements {
				return "", ErrTooLarge
			}
			name, more := z.TagName()
			a := atom.Lookup(name)
			void := tt == html.SelfClosingTagToken || voidElements[a]
			// raw-text elements are always kept: without their tag, the
			// script or style inside would be read as markup
			if len(open) >= MaxDepth && !rawText[a] {
				continue
			}
			b.WriteByte('<')
			b.Write(name)
			for n := 0; more; n++ {
				var k, v []byte
				k, v, more = z.TagAttr()
				if n >= MaxAttrsPerElement || attrs >= MaxAttrs {
					continue
				}
				attrs++
				b.WriteByte(' ')
				b.WriteString(html.EscapeString(string(k)))
				b.WriteString(`="`)
				b.WriteString(html.EscapeString(string(v[:min(len(v), MaxAttrValue)])))
				b.WriteByte('"')
			}
			if tt == html.SelfClosingTagToken {
				b.WriteString("/>")
			} else {
				b.WriteByte('>')
			}
			if !void {
				open = append(open, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			// close up to the matching open element, if it is near the
			// top; a stray end tag closes nothing
			for j := len(open) - 1; j >= max(0, len(open)-16); j-- {
				if open[j] == string(name) {
					open = open[:j]
					break
				}
			}
			b.WriteString("</")
			b.Write(name)
			b.WriteByte('>')
		default:
			b.Write(z.Raw())
		}
	}
}

// voidElements have no end tag.
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true, atom.Param: true, atom.Keygen: true,
}

// rawText elements hold text the tokenizer reads without markup.
var rawText = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Textarea: true, atom.Title: true, atom.Xmp: true,
	atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Noscript: true, atom.Plaintext: true,
}

// ctxReader stops the parser, which takes no context, once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, fmt.Errorf("htmlbound: %w", err)
	}
	return c.r.Read(p[:min(len(p), 64<<10)])
}

// maxTagAttrs: a tag with more attributes is cut after this many before
// the tokenizer sees it. The tokenizer keeps the position of every
// attribute of the tag it reads (64 bytes each), so one tag with two
// million of them costs it hundreds of MB; no real tag has a hundred.
const maxTagAttrs = 256

// TrimTags returns page with every tag cut after maxTagAttrs attributes:
// what the streaming tokenizer may be given. Scripts, styles and comments
// are passed over as the tokenizer reads them. A page that needs no cut
// is returned as it is.
func TrimTags(page string) string {
	s := page
	var b *strings.Builder // made when a first tag needs cutting
	last := 0
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if strings.HasPrefix(s[i:], "<!--") {
			k := strings.Index(s[i+4:], "-->")
			if k < 0 {
				break
			}
			i += 4 + k + 3
			continue
		}
		if i+1 >= len(s) || !isASCIILetter(s[i+1]) {
			i++
			continue
		}
		k := i + 1
		for k < len(s) && !isHTMLSpace(s[k]) && s[k] != '/' && s[k] != '>' {
			k++
		}
		name := s[i+1 : k]
		n, cut := 0, -1
		for k < len(s) {
			for k < len(s) && (isHTMLSpace(s[k]) || s[k] == '/') {
				k++
			}
			if k >= len(s) || s[k] == '>' {
				break
			}
			start := k
			k++ // a name has one character at least, even "="
			for k < len(s) && !isHTMLSpace(s[k]) && s[k] != '/' && s[k] != '>' && s[k] != '=' {
				k++
			}
			m := k
			for m < len(s) && isHTMLSpace(s[m]) {
				m++
			}
			if m < len(s) && s[m] == '=' {
				m++
				for m < len(s) && isHTMLSpace(s[m]) {
					m++
				}
				if m < len(s) && (s[m] == '"' || s[m] == '\'') {
					if q := strings.IndexByte(s[m+1:], s[m]); q >= 0 {
						m += q + 2
					} else {
						m = len(s)
					}
				} else {
					for m < len(s) && !isHTMLSpace(s[m]) && s[m] != '>' {
						m++
					}
				}
				k = m
			}
			if n++; n == maxTagAttrs+1 {
				cut = start
			}
		}
		if cut >= 0 {
			if b == nil {
				b = new(strings.Builder)
				b.Grow(len(s))
			}
			b.WriteString(s[last:cut])
			last = k
		}
		i = k
		if a := atom.Lookup([]byte(strings.ToLower(name))); rawText[a] {
			i = rawTextEnd(s, i, name)
		}
	}
	if b == nil {
		return page
	}
	b.WriteString(s[last:])
	return b.String()
}

// rawTextEnd returns where the end tag of the raw-text element name opened
// before i starts, or the end of s.
func rawTextEnd(s string, i int, name string) int {
	for {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return len(s)
		}
		i += j
		if end := i + 2 + len(name); end <= len(s) && strings.EqualFold(s[i+2:end], name) {
			return i
		}
		i += 2
	}
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
