package checker

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a sentence, heading or list item of the text, by byte offsets.
type span struct {
	start, end int
	heading    bool
	bullet     bool // a list item
	// section is the index of the heading the span sits under, or -1.
	section int
	// line is the index of the first line of the span.
	line int
}

// line is one line of the text. In collapsed texts (extracted from web
// pages or PDFs with their newlines replaced by runs of spaces) a run of
// two or more spaces also ends a line.
type line struct {
	start, end int // trimmed content
}

// splitLines returns the non-empty lines of body, and for each the number
// of blank lines before it (0 inside a paragraph).
func splitLines(body string) (lines []line, gaps []int) {
	collapsed := isCollapsed(body)
	gap := 0
	emit := func(s, e int) {
		for s < e && isSpaceByte(body[s]) {
			s++
		}
		for e > s && isSpaceByte(body[e-1]) {
			e--
		}
		if s == e {
			gap++
			return
		}
		lines = append(lines, line{s, e})
		gaps = append(gaps, gap)
		gap = 0
	}
	start := 0
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\n' || c == '\f' || c == '\r':
			emit(start, i)
			start = i + 1
		case collapsed && c == ' ' && i+1 < len(body) && body[i+1] == ' ':
			j := i
			for j < len(body) && body[j] == ' ' {
				j++
			}
			emit(start, i)
			if j-i >= 4 {
				gap++ // a wide gap stands for a paragraph break
			}
			start = j
			i = j - 1
		}
	}
	emit(start, len(body))
	return lines, gaps
}

// isCollapsed reports whether the text has lost its line breaks: long text
// with hardly any newlines.
func isCollapsed(body string) bool {
	if len(body) < 600 {
		return false
	}
	n := strings.Count(body, "\n")
	return n == 0 || len(body)/n > 500
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// segment splits body into spans: headings on their own, list items on
// their own, paragraphs (lines joined) split into sentences.
func segment(body string) []span {
	lines, gaps := splitLines(body)
	// in a collapsed text a line is what a run of spaces set apart: a
	// short title-cased one before a capital ("Background", "Our
	// Business") is a heading even when the line before lost its full stop
	collapsed := isCollapsed(body)
	var out []span
	section := -1
	para := -1 // index of the first line of the paragraph being built
	flush := func(upto int) {
		if para < 0 {
			return
		}
		s, e := lines[para].start, lines[upto-1].end
		out = appendSentences(out, body, s, e, section, para)
		para = -1
	}
	for i, l := range lines {
		text := body[l.start:l.end]
		bullet := isBullet(text)
		prevEnds := i == 0 || endsSentence(body[lines[i-1].start:lines[i-1].end])
		if gaps[i] > 0 || bullet {
			flush(i)
		}
		nextGap := i+1 >= len(lines) || gaps[i+1] > 0
		nextUpper := i+1 < len(lines) && startsUpper(body[lines[i+1].start:lines[i+1].end])
		if !bullet && isHeading(text) && (gaps[i] > 0 || prevEnds || para < 0 || nextGap || isCapitals(text) && nextUpper ||
			collapsed && nextUpper && len(strings.Fields(text)) <= 3) ||
			!bullet && isSentenceCaseHeading(text) && (gaps[i] > 0 || prevEnds || i == 0) && (nextGap || startsUpper(body[lines[i+1].start:lines[i+1].end])) {
			flush(i)
			if n := len(out); n > 0 && out[n-1].heading && out[n-1].line == i-1 && gaps[i] == 0 && !bullet &&
				l.end-out[n-1].start <= maxHeading {
				// a title broken over two lines is one heading
				out[n-1].end = l.end
				out[n-1].line = i
				continue
			}
			out = append(out, span{start: l.start, end: l.end, heading: true, section: section, line: i})
			section = len(out) - 1
			continue
		}
		if para < 0 {
			para = i
		}
	}
	flush(len(lines))
	return out
}

// appendSentences splits the paragraph body[s:e] into sentences.
func appendSentences(out []span, body string, s, e, section, line int) []span {
	start := s
	for i := s; i < e; i++ {
		c := body[i]
		switch c {
		case '.', '!', '?', ';':
			j := i + 1
			for j < e && (body[j] == '"' || body[j] == '\'' || body[j] == ')') {
				j++
			}
			if c == '.' && j == i+1 && j < e && isUpperASCII(body[j]) && i >= 3 && isLowerASCII(body[i-1]) && isLowerASCII(body[i-2]) &&
				isLowerASCII(body[i-3]) {
				// "the world.The impact": a full stop that lost its space
				out = appendSpan(out, body, start, j, section, line)
				start = j
				continue
			}
			if j >= e || !isSpaceByte(body[j]) {
				continue
			}
			k := j
			for k < e && isSpaceByte(body[k]) {
				k++
			}
			if k >= e {
				continue
			}
			if c == ';' && i-start < 200 {
				continue // a short clause stays with its sentence
			}
			if c == '.' && isAbbreviation(body[start:i]) {
				continue
			}
			r, _ := utf8.DecodeRuneInString(body[k:])
			if !unicode.IsUpper(r) && !unicode.IsDigit(r) && !isBulletRune(r) && r != '"' && r != '(' && r != '‘' && r != '“' {
				continue
			}
			out = appendSpan(out, body, start, j, section, line)
			start = k
			i = k - 1
		default:
			r, size := utf8.DecodeRuneInString(body[i:])
			if isBulletRune(r) && i > start {
				// an inline bullet in collapsed text starts a new item
				out = appendSpan(out, body, start, i, section, line)
				start = i
			}
			i += size - 1
		}
	}
	return appendSpan(out, body, start, e, section, line)
}

// maxHeading bounds a title merged from consecutive lines.
const maxHeading = 160

// maxSpan bounds a sentence so that a table or a list without punctuation
// does not become one giant sentence matching everything.
const maxSpan = 700

func appendSpan(out []span, body string, s, e, section, line int) []span {
	for s < e && (isSpaceByte(body[s])) {
		s++
	}
	for e > s && isSpaceByte(body[e-1]) {
		e--
	}
	for e-s > maxSpan {
		cut := s + maxSpan
		for cut > s+maxSpan/2 && body[cut] != ' ' {
			cut--
		}
		if body[cut] != ' ' {
			cut = s + maxSpan
			for cut < e && !utf8.RuneStart(body[cut]) {
				cut++
			}
		}
		out = append(out, span{start: s, end: cut, section: section, line: line})
		s = cut
		for s < e && isSpaceByte(body[s]) {
			s++
		}
	}
	if s < e {
		out = append(out, span{start: s, end: e, section: section, line: line, bullet: isBullet(body[s:e])})
	}
	return out
}

var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "no": true, "nos": true, "ltd": true,
	"inc": true, "co": true, "plc": true, "e.g": true, "i.e": true, "etc": true, "vs": true, "approx": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "prof": true, "rev": true, "fig": true, "para": true,
	"s": true, "ss": true, "sec": true, "art": true, "u.k": true, "u.s": true, "corp": true, "dept": true,
}

// isAbbreviation reports whether the text before a full stop ends with an
// abbreviation or an initial ("J." in "J. Smith").
func isAbbreviation(before string) bool {
	i := len(before)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(before[:i])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		i -= size
	}
	w := before[i:]
	if w == "" {
		return false
	}
	if utf8.RuneCountInString(w) == 1 {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			return true // an initial
		}
	}
	return abbreviations[strings.ToLower(w)]
}

func isBulletRune(r rune) bool {
	switch r {
	case '•', '●', '▪', '■', '◦', '‣', '➢', '►', '\uf0b7', '\uf0a7', '\uf0d8', '\uf076', '·', '○', '✓', '✔':
		return true
	}
	return false
}

// isBullet reports whether a line starts a list item.
func isBullet(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	if isBulletRune(r) {
		return true
	}
	if (r == '-' || r == '*' || r == '–' || r == 'o') && size < len(s) && s[size] == ' ' {
		return true
	}
	// "1." "2)" "a)" "(iii)"
	i := 0
	for i < len(s) && i < 4 && (s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'z' && i == 0 || s[i] == '(') {
		i++
	}
	return i > 0 && i < len(s)-1 && (s[i] == '.' || s[i] == ')') && s[i+1] == ' ' && s[0] != '('
}

// endsSentence reports whether a line ends with terminal punctuation.
func endsSentence(s string) bool {
	if s == "" {
		return true
	}
	switch s[len(s)-1] {
	case '.', '!', '?', ':', ';':
		return true
	}
	return false
}

// isSentenceCaseHeading reports a short line in sentence case with no
// terminal punctuation ("Our policies", "Risk assessment and
// management"), which is a heading when it stands between sentences.
func isSentenceCaseHeading(s string) bool {
	if len(s) > 60 || len(s) < 3 || !startsUpper(s) {
		return false
	}
	switch s[len(s)-1] {
	case '.', ',', ';', '!', '?':
		return false
	}
	words := strings.Fields(s)
	if len(words) > 8 {
		return false
	}
	return !headingStop[strings.ToLower(strings.Trim(words[len(words)-1], ":"))]
}

// isCapitals reports a line of several words all in capitals ("OUR
// SUPPLY CHAINS"): a heading even when the line before it lost its full
// stop, as PDF text often does.
func isCapitals(s string) bool {
	letters, words := 0, 1
	for _, r := range s {
		switch {
		case unicode.IsLower(r):
			return false
		case unicode.IsLetter(r):
			letters++
		case r == ' ':
			words++
		}
	}
	return letters >= 8 && words >= 2
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || isBulletRune(r)
}

var headingStop = map[string]bool{
	"and": true, "or": true, "of": true, "the": true, "to": true, "in": true, "for": true, "with": true,
	"a": true, "an": true, "on": true, "by": true, "our": true, "we": true, "is": true, "are": true,
	"that": true, "which": true, "as": true, "at": true, "from": true, "its": true, "be": true,
}

// isHeading reports whether a line looks like a heading: short, no
// terminal full stop, most words capitalised or the whole line in capitals,
// not ending on a word that continues a sentence.
func isHeading(s string) bool {
	if len(s) > 90 || len(s) < 3 {
		return false
	}
	last := s[len(s)-1]
	if last == '.' || last == ',' || last == ';' {
		return false
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 12 { // a line of Unicode spaces has none
		return false
	}
	if headingStop[strings.ToLower(strings.Trim(words[len(words)-1], ":"))] {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	caps, counted := 0, 0
	for _, w := range words {
		if headingStop[strings.ToLower(w)] {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		counted++
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			caps++
		}
	}
	if counted == 0 {
		return false
	}
	// a two-word heading like "Our policies" has one capital out of two
	return caps*3 >= counted*2 || len(words) <= 3
}
