package extract

import (
	"bytes"
	"context"
	"html"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/statement"
)

// plainText reads a plain-text or Markdown statement. Line structure is
// kept: statements pasted from PDFs break lines mid-sentence, and joining
// them back is the checker's business, not a guess made here.
func plainText(ctx context.Context, data []byte, format statement.Format) (statement.Text, error) {
	s, note := decodeText(data)
	var t statement.Text
	if note != "" {
		t.Notes = append(t.Notes, note)
	}
	if format == statement.FormatMarkdown {
		s, t.Title = stripMarkdown(ctx, s)
	}
	t.Body = tidyText(s)
	return t, ctx.Err()
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeText turns the bytes of a text file into a string: UTF-8 (BOM
// stripped), UTF-16 with a BOM or with the tell-tale NUL bytes of ASCII text
// stored as UTF-16, else windows-1252 for the bytes that are not UTF-8. The
// note says when windows-1252 was used, since that is a guess.
func decodeText(data []byte) (text, note string) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data = data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeUTF16(data[2:], unicode.LittleEndian), ""
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeUTF16(data[2:], unicode.BigEndian), ""
	default:
		if order, ok := sniffUTF16(data); ok {
			return decodeUTF16(data, order), "decoded as UTF-16 without a byte-order mark"
		}
	}
	s, latin, mixed := decodeUTF8OrWindows1252(data)
	if latin {
		note = windows1252Note(mixed)
	}
	return s, note
}

func decodeUTF16(data []byte, order unicode.Endianness) string {
	// Unpaired surrogates and an odd trailing byte become U+FFFD; the
	// decoder does not fail on them.
	out, err := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(data)
	if err != nil {
		return ""
	}
	return string(out)
}

// sniffUTF16 recognises UTF-16 without a BOM by its NUL bytes: text in a
// Latin script stored as UTF-16 has a NUL in every other byte, on the odd
// bytes for little-endian and the even bytes for big-endian.
func sniffUTF16(data []byte) (unicode.Endianness, bool) {
	n := min(len(data), 4096) &^ 1
	if n < 8 {
		return unicode.LittleEndian, false
	}
	var evenNUL, oddNUL int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			evenNUL++
		}
		if data[i+1] == 0 {
			oddNUL++
		}
	}
	pairs := n / 2
	switch {
	case oddNUL*10 >= pairs*7 && evenNUL*20 < pairs:
		return unicode.LittleEndian, true
	case evenNUL*10 >= pairs*7 && oddNUL*20 < pairs:
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

// looksBinary reports whether decoded text is mostly not text: more than 1%
// of control characters (NULs, escape codes, C1 controls from bytes that
// mean nothing in windows-1252) or replacement characters, with a little
// slack so that a short note with a stray control is still text.
func looksBinary(s string) bool {
	n, bad := 0, 0
	for _, r := range s {
		n++
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v':
		case r < 0x20 || (r >= 0x7F && r < 0xA0) || r == utf8.RuneError:
			bad++
		}
	}
	return bad*100 > n+300
}

// Markdown syntax, matched line by line after fenced code and comments are
// handled.
var (
	mdHeading     = lazyre.New(`^ {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$`)
	mdRule        = lazyre.New(`^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+)[ \t]*$`)
	mdQuote       = lazyre.New(`^ {0,3}(?:>[ \t]?)+`)
	mdBullet      = lazyre.New(`^([ \t]*)[-*+][ \t]+(?:\[[ xX]\][ \t]+)?`)
	mdRefDef      = lazyre.New(`^ {0,3}\[[^\]]+\]:[ \t]*\S+`)
	mdTableRule   = lazyre.New(`^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$`)
	mdImage       = lazyre.New(`!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])`)
	mdLink        = lazyre.New(`\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])`)
	mdAutolink    = lazyre.New(`<((?:https?|mailto):[^>\s]+)>`)
	mdStrong      = lazyre.New(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdEmphStar    = lazyre.New(`(^|[^\w*])\*(\S(?:[^*]*?\S)?)\*([^\w*]|$)`)
	mdEmphUnder   = lazyre.New(`(^|[^\w])_(\S(?:[^_]*?\S)?)_([^\w]|$)`)
	mdStrike      = lazyre.New(`~~(\S(?:.*?\S)?)~~`)
	mdCode        = lazyre.New("`+([^`]+)`+")
	mdLiquid      = lazyre.New(`\{%.*?%\}`)
	mdBlockTag    = lazyre.New(`(?i)</?(?:p|div|br|h[1-6]|li|ul|ol|dl|dt|dd|table|tr|td|th|section|article|blockquote|hr|pre)(?:\s[^<>]*)?/?>`)
	mdTag         = lazyre.New(`</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)
	mdEscape      = lazyre.New(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|>~])`)
	mdTitleInMeta = lazyre.New(`^title:[ \t]*(.+?)[ \t]*$`)
)

// stripMarkdown removes Markdown syntax and keeps the words: heading marks,
// emphasis, link targets, images, HTML comments and tags, front matter,
// code fence lines, table rules. The title is the front matter's, else the
// first top-level heading.
func stripMarkdown(ctx context.Context, s string) (body, title string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimPrefix(s, "\uFEFF")
	s, title = cutFrontMatter(s)
	s = stripHTMLComments(s)

	var b strings.Builder
	b.Grow(len(s))
	fence := ""
	for n, line := range strings.Split(s, "\n") {
		if n%4096 == 0 && ctx.Err() != nil {
			break
		}
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
				continue
			}
			b.WriteString(line)
			b.WriteByte('\n')
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		if mdRefDef().MatchString(line) || mdTableRule().MatchString(line) {
			continue // no words, and a blank line here would split a table
		}
		stripped := stripMarkdownLine(line)
		if title == "" && strings.HasPrefix(strings.TrimLeft(line, " "), "# ") {
			title = strings.TrimSpace(stripped) // the first top-level heading
		}
		b.WriteString(stripped)
		b.WriteByte('\n')
	}
	return b.String(), oneline.Of(tidyText(title))
}

func stripMarkdownLine(line string) string {
	if mdRule().MatchString(line) {
		return ""
	}
	line = mdQuote().ReplaceAllString(line, "")
	if m := mdHeading().FindStringSubmatch(line); m != nil {
		// Headings are blocks of their own even when the source puts a
		// paragraph on the very next line.
		return "\n" + stripInlineMarkdown(m[1]) + "\n"
	}
	line = mdBullet().ReplaceAllString(line, "$1")
	if t := strings.TrimSpace(line); strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && len(t) > 1 {
		line = strings.TrimSpace(t[1 : len(t)-1])
	}
	return stripInlineMarkdown(line)
}

func stripInlineMarkdown(s string) string {
	if !strings.ContainsAny(s, "*_[]<>`~{\\&") {
		return s
	}
	// Escaped characters are parked in the private-use area while the
	// syntax is removed, so that "\*" is not taken for emphasis.
	s = mdEscape().ReplaceAllStringFunc(s, func(m string) string { return string(rune(escapeBase + rune(m[1]))) })
	s = mdImage().ReplaceAllString(s, "")
	s = mdLink().ReplaceAllString(s, "$1")
	s = mdAutolink().ReplaceAllString(s, "$1")
	s = mdCode().ReplaceAllString(s, "$1")
	s = mdStrong().ReplaceAllString(s, "$2")
	s = mdEmphStar().ReplaceAllString(s, "$1$2$3")
	s = mdEmphUnder().ReplaceAllString(s, "$1$2$3")
	s = mdStrike().ReplaceAllString(s, "$1")
	s = mdLiquid().ReplaceAllString(s, "")
	s = mdBlockTag().ReplaceAllString(s, "\n")
	s = mdTag().ReplaceAllString(s, "")
	s = strings.Map(func(r rune) rune {
		if r >= escapeBase && r < escapeBase+0x80 {
			return r - escapeBase
		}
		return r
	}, s)
	return html.UnescapeString(s)
}

const escapeBase = 0xE000

// cutFrontMatter removes a YAML (---) or TOML (+++) block at the very top
// of the file, returning the title it names, if any.
func cutFrontMatter(s string) (rest, title string) {
	var delim string
	switch {
	case strings.HasPrefix(s, "---\n"):
		delim = "---"
	case strings.HasPrefix(s, "+++\n"):
		delim = "+++"
	default:
		return s, ""
	}
	head := s[len(delim)+1:]
	end := -1
	for off := 0; off < len(head) && off < 64<<10; {
		nl := strings.IndexByte(head[off:], '\n')
		line := head[off:]
		if nl >= 0 {
			line = head[off : off+nl]
		}
		if t := strings.TrimSpace(line); t == delim || (delim == "---" && t == "...") {
			end = off
			break
		}
		if m := mdTitleInMeta().FindStringSubmatch(line); m != nil && title == "" {
			title = strings.Trim(m[1], `"'`)
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	if end < 0 {
		return s, "" // a thematic break, not front matter
	}
	rest = head[end:]
	if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[nl+1:]
	} else {
		rest = ""
	}
	return rest, title
}

// stripHTMLComments removes <!-- … --> spans, which Markdown converters use
// for markers such as "<!-- image -->". An unterminated comment runs to the
// end, as in HTML.
func stripHTMLComments(s string) string {
	if !strings.Contains(s, "<!--") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+4:], "-->")
		if j < 0 {
			return b.String()
		}
		s = s[i+4+j+3:]
	}
}
