// Package testpdf writes small, valid PDFs for tests, benchmarks and the
// fake web: numbered objects, a correct cross-reference table and a
// trailer. Fixtures are built in code so that each one shows the PDF
// feature it exercises; Text lays out plain paragraphs as a document.
package testpdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"sync"
)

// Builder accumulates the objects of one PDF. The zero value is ready.
type Builder struct {
	objs []string
}

// Add appends an object and returns its number.
func (b *Builder) Add(body string) int {
	b.objs = append(b.objs, body)
	return len(b.objs)
}

// Set replaces object n, for objects that refer to each other.
func (b *Builder) Set(n int, body string) { b.objs[n-1] = body }

// Stream appends a stream object with dictionary entries dict (without
// /Length, which is added) and returns its number.
func (b *Builder) Stream(dict, data string) int {
	return b.Add(fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data))
}

// FlateStream appends a stream compressed with /FlateDecode.
func (b *Builder) FlateStream(dict string, data []byte) int {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(data)
	w.Close()
	return b.Add(fmt.Sprintf("<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", dict, z.Len(), z.String()))
}

// Bytes writes the file with object root as the catalog. trailerExtra is
// added to the trailer dictionary (an /Info reference, say).
func (b *Builder) Bytes(root int, trailerExtra string) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(b.objs))
	for i, o := range b.objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(b.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(b.objs)+1, root, trailerExtra, xref)
	return out.Bytes()
}

// Page is one page of Doc: its content stream and resources dictionary.
type Page struct {
	Content   string
	Resources string
	// Flate compresses the content stream.
	Flate bool
}

// Doc builds an A4 document whose pages share nothing but the page tree.
// A non-empty title goes into the document information dictionary.
func Doc(title string, pages ...Page) []byte {
	var b Builder
	catalog := b.Add("")
	tree := b.Add("")
	var kids []string
	for _, p := range pages {
		var content int
		if p.Flate {
			content = b.FlateStream("", []byte(p.Content))
		} else {
			content = b.Stream("", p.Content)
		}
		page := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", tree, p.Resources, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	extra := ""
	if title != "" {
		info := b.Add(fmt.Sprintf("<< /Title (%s) >>", Escape(title)))
		extra = fmt.Sprintf("/Info %d 0 R", info)
	}
	return b.Bytes(catalog, extra)
}

// Helvetica is a resources dictionary naming the standard Helvetica font,
// WinAnsi-encoded, as /F1.
const Helvetica = "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >>"

// HelveticaWidths are the AFM widths of ASCII 32–126, for fonts that carry
// an explicit /Widths array.
const HelveticaWidths = "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 " +
	"556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 " +
	"1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 " +
	"667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 " +
	"333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 " +
	"556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"

// helveticaWidths are read on first use: s54 links this package for its
// demo, and every s54 process would read them at start.
var helveticaWidths = sync.OnceValue(func() [95]float64 {
	var ws [95]float64
	for i, f := range strings.Fields(HelveticaWidths) {
		fmt.Sscan(f, &ws[i])
	}
	return ws
})

// HelveticaWidth is the width of s in Helvetica in thousandths of an em.
// Characters outside ASCII 32–126 count as the width of a space.
func HelveticaWidth(s string) float64 {
	var w float64
	widths := helveticaWidths()
	for _, r := range s {
		if r < 32 || r > 126 {
			r = ' '
		}
		w += widths[r-32]
	}
	return w
}

// winAnsi maps the characters of WinAnsiEncoding's 0x80–0x9F block.
var winAnsi = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// Escape returns s as the inside of a PDF literal string in
// WinAnsiEncoding: parentheses and backslashes escaped, characters outside
// ASCII written as octal escapes, and characters WinAnsi lacks as '?'.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r >= 32 && r < 127:
			b.WriteRune(r)
		case r >= 0xA0 && r <= 0xFF:
			fmt.Fprintf(&b, "\\%03o", r)
		case winAnsi[r] != 0:
			fmt.Fprintf(&b, "\\%03o", winAnsi[r])
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// Layout of Text.
const (
	// LineWidth is the number of characters at which Text wraps lines.
	LineWidth = 90
	// PageLines is the number of body lines on a page of Text.
	PageLines = 50
)

// Text lays out plain text as an A4 document in 10 pt Helvetica: the title
// as a heading (and the document's /Title), then each paragraph wrapped at
// LineWidth characters with a blank line between paragraphs, PageLines
// lines to a page. Newlines inside a paragraph are treated as spaces.
func Text(title string, paragraphs ...string) []byte {
	var lines []string // "" is a paragraph gap
	for _, p := range paragraphs {
		words := strings.Fields(p)
		if len(words) == 0 {
			continue
		}
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, wrap(words, LineWidth)...)
	}
	var pages []Page
	for first := true; first || len(lines) > 0; first = false {
		var c strings.Builder
		n := PageLines
		y := 780
		if first && title != "" {
			fmt.Fprintf(&c, "BT /F1 16 Tf 56 790 Td (%s) Tj ET\n", Escape(title))
			n -= 4
			y = 740
		}
		// A page does not start with a paragraph gap.
		for len(lines) > 0 && lines[0] == "" {
			lines = lines[1:]
		}
		take := min(n, len(lines))
		fmt.Fprintf(&c, "BT /F1 10 Tf 13 TL 56 %d Td\n", y)
		for _, l := range lines[:take] {
			if l != "" {
				fmt.Fprintf(&c, "(%s) Tj ", Escape(l))
			}
			c.WriteString("T*\n")
		}
		c.WriteString("ET")
		lines = lines[take:]
		pages = append(pages, Page{Content: c.String(), Resources: Helvetica})
	}
	return Doc(title, pages...)
}

// wrap fills words into lines of at most width characters; a longer word
// gets a line of its own.
func wrap(words []string, width int) []string {
	var lines []string
	var cur strings.Builder
	n := 0
	for _, w := range words {
		wl := len([]rune(w))
		if n > 0 && n+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wl
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// Paragraphs splits plain text into a title and paragraphs for Text: the
// first paragraph is the title; paragraphs are separated by blank lines.
func Paragraphs(text string) (title string, paragraphs []string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for _, p := range strings.Split(text, "\n\n") {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" {
			continue
		}
		if title == "" && paragraphs == nil {
			title = p
			continue
		}
		paragraphs = append(paragraphs, p)
	}
	return title, paragraphs
}
