package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// tidyText brings extracted text to the contract the checker relies on:
// valid UTF-8, LF line ends, no runs of spaces, trimmed lines, at most one
// blank line in a row, no leading or trailing blank lines. Byte offsets of
// evidence point into this text, so every format goes through it last.
//
// Invisible characters are dropped rather than turned into spaces because
// they sit inside words ("mod\u00adern", "supply\u200bchain") and a space
// would split them. Ligatures are expanded because PDF and Word exports
// use them and "ﬁnancial year" would not match "financial year"; where a
// PDF left a space for one, the letters are put back (mendDroppedLigatures).
func tidyText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	newlines := 0 // line breaks seen since the last visible character
	space := false
	separate := func() {
		if b.Len() > 0 {
			switch {
			case newlines >= 2:
				b.WriteString("\n\n")
			case newlines == 1:
				b.WriteByte('\n')
			case space:
				b.WriteByte(' ')
			}
		}
		newlines, space = 0, false
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // ASCII, most of every statement
			i++
			switch {
			case c == '\r' && i < len(s) && s[i] == '\n':
				// CRLF counts once, as the LF
			case c == '\n' || c == '\r' || c == '\v' || c == '\f':
				newlines++
				space = false
			case c == ' ' || c == '\t':
				space = true
			case c < 0x20 || c == 0x7F:
			default:
				separate()
				b.WriteByte(c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == 0x85 || r == 0x2028: // next line, line separator
			newlines++
			space = false
			continue
		case r == 0x2029: // paragraph separator
			newlines += 2
			space = false
			continue
		case unicode.IsSpace(r): // NBSP, thin and ideographic spaces
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), r == 0xFFFC:
			// C1 controls, zero-width and bidi marks, soft hyphens, BOMs
			// and private-use icon-font glyphs carry no words.
			continue
		}
		separate()
		if lig, ok := ligatureExpansions[r]; ok {
			b.WriteString(lig)
			continue
		}
		b.WriteRune(r) // writes U+FFFD for invalid bytes, never the bytes
	}
	return mendDroppedLigatures(b.String())
}

var ligatureExpansions = map[rune]string{
	'\uFB00': "ff", '\uFB01': "fi", '\uFB02': "fl", '\uFB03': "ffi",
	'\uFB04': "ffl", '\uFB05': "st", '\uFB06': "st",
}

// decodeUTF8OrWindows1252 decodes data as UTF-8 and reads each byte that is
// not part of a valid UTF-8 sequence as windows-1252. Real documents mix the
// two (a UTF-8 page with a "£" pasted from an old Word file), and this keeps
// both right where choosing one encoding for the whole file would garble
// the other. latin reports whether any byte needed windows-1252; mixed
// whether valid multi-byte UTF-8 was seen too.
func decodeUTF8OrWindows1252(data []byte) (text string, latin, mixed bool) {
	if utf8.Valid(data) {
		return string(data), false, false
	}
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	multibyte := false
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(charmap.Windows1252.DecodeByte(data[i]))
			latin = true
			i++
			continue
		}
		if size > 1 {
			multibyte = true
		}
		b.WriteRune(r)
		i += size
	}
	return b.String(), latin, latin && multibyte
}

// windows1252Note says how a text that was not valid UTF-8 was read.
func windows1252Note(mixed bool) string {
	if mixed {
		return "invalid UTF-8 bytes decoded as windows-1252"
	}
	return "decoded as windows-1252"
}
