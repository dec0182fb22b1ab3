package extract

import (
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// pdfFont decodes the codes of one font and measures their advance. The
// library's Font.Encoder decodes whole strings, which hides how many bytes
// each glyph took; positions need per-glyph widths, so codes are split here
// and decoded one at a time, with the result memoised per code.
type pdfFont struct {
	enc   pdf.TextEncoding // the library's decoder, for simple fonts
	cid   bool             // Type0: multi-byte codes, widths from the descendant's W array
	toUni *pdfToUnicode
	memo  map[uint32]string

	// Simple fonts.
	first   int
	widths  []float64
	missing float64
	std     *[95]float64 // standard-14 metrics when the PDF omits Widths

	// CID fonts.
	dw   float64
	cidW map[uint32]float64

	// scale turns glyph-space widths into text-space units (1/1000 except
	// for Type3 fonts, which carry their own FontMatrix).
	scale float64
	// unicodeCMap: a predefined UCS-2/UTF-16 CMap, where the codes are the text.
	unicodeCMap bool
}

func newPDFFont(v pdf.Value) *pdfFont {
	f := &pdfFont{memo: make(map[uint32]string), scale: 0.001}
	subtype := v.Key("Subtype").Name()
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		f.toUni = parseToUnicode(tu)
	}
	switch subtype {
	case "Type0":
		f.cid = true
		enc := v.Key("Encoding").Name()
		f.unicodeCMap = strings.Contains(enc, "UCS2") || strings.Contains(enc, "UTF16")
		d := v.Key("DescendantFonts").Index(0)
		f.dw = 1000
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.dw = dw.Float64()
		}
		f.cidW = parseCIDWidths(d.Key("W"))
	default:
		if subtype == "Type3" {
			if m := v.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() != 0 {
				f.scale = m.Index(0).Float64()
			}
		}
		f.first = int(v.Key("FirstChar").Int64())
		w := v.Key("Widths")
		if n := w.Len(); n > 0 && n <= 256 {
			f.widths = make([]float64, n)
			for i := range n {
				f.widths[i] = w.Index(i).Float64()
			}
		}
		f.missing = v.Key("FontDescriptor").Key("MissingWidth").Float64()
		if f.widths == nil {
			f.std = pdfStandardWidths(v.Key("BaseFont").Name())
		}
		lib := pdf.Font{V: v}
		f.enc = lib.Encoder()
	}
	return f
}

// codeLen reports how many bytes the code starting at s[0] takes.
func (f *pdfFont) codeLen(s string) int {
	if !f.cid {
		return 1
	}
	if f.toUni != nil {
		if n := f.toUni.codeLen(s); n > 0 {
			return n
		}
	}
	return 2
}

// width is the glyph's advance in text-space units for a font size of 1.
func (f *pdfFont) width(code uint32) float64 {
	if f.cid {
		if w, ok := f.cidW[code]; ok {
			return w * f.scale
		}
		return f.dw * f.scale
	}
	if i := int(code) - f.first; f.widths != nil && i >= 0 && i < len(f.widths) {
		return f.widths[i] * f.scale
	}
	if f.std != nil && code >= 32 && code < 127 {
		return f.std[code-32] * f.scale
	}
	if f.missing > 0 {
		return f.missing * f.scale
	}
	return 500 * f.scale
}

// decode returns the text of one code. ToUnicode wins over /Encoding, as in
// poppler and pdfium: producers that subset fonts often give glyphs private
// names that only the ToUnicode map resolves.
func (f *pdfFont) decode(code uint32, raw string) string {
	if s, ok := f.memo[code]; ok {
		return s
	}
	s, ok := "", false
	if f.toUni != nil {
		s, ok = f.toUni.lookup(code)
	}
	if !ok {
		switch {
		case f.unicodeCMap:
			s = pdfUTF16BE(raw)
		case f.cid:
			// Identity-encoded glyph ids without a ToUnicode map carry no
			// text; guessing would only add noise.
			s = ""
		default:
			s = pdfFixC1(f.enc.Decode(raw))
		}
	}
	f.memo[code] = s
	return s
}

// pdfFixC1 maps C1 control characters to their Windows-1252 meaning. The
// library's Differences decoder leaves unlisted bytes as Latin-1, which turns
// Word's curly quotes and dashes (0x91–0x97) into invisible controls.
func pdfFixC1(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 && r < 0xa0 }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0x80 && r < 0xa0 {
			return pdfWinAnsiC1[r-0x80]
		}
		return r
	}, s)
}

var pdfWinAnsiC1 = [32]rune{
	'€', -1, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', -1, 'Ž', -1,
	-1, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', -1, 'ž', 'Ÿ',
}

func pdfUTF16BE(s string) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u))
}

// parseCIDWidths reads a CIDFont W array: "c [w1 w2 …]" or "cfirst clast w".
func parseCIDWidths(w pdf.Value) map[uint32]float64 {
	m := make(map[uint32]float64)
	n := w.Len()
	const maxEntries = 1 << 16 // a hostile range must not allocate without bound
	for i := 0; i < n && len(m) < maxEntries; {
		c := w.Index(i)
		if c.Kind() != pdf.Integer {
			return m
		}
		first := c.Int64()
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(m) < maxEntries; j++ {
				m[uint32(first+int64(j))] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last := next.Int64()
		width := w.Index(i + 2).Float64()
		if first < 0 || last < first || last-first > maxEntries {
			return m
		}
		for cid := first; cid <= last && len(m) < maxEntries; cid++ {
			m[uint32(cid)] = width
		}
		i += 3
	}
	return m
}

// toUnicode is a parsed ToUnicode CMap.
type pdfToUnicode struct {
	spaces []cmapCodeSpace
	chars  map[uint32]string
	ranges []cmapRange
}

type cmapCodeSpace struct {
	n      int
	lo, hi uint32
}

type cmapRange struct {
	lo, hi uint32
	dst    string   // incremented by the code's offset in the range
	arr    []string // or one destination per code
}

// parseToUnicode reads a ToUnicode CMap. The library's PostScript
// interpreter cannot be used from outside the package for this (the
// "findresource … begin" preamble needs a dictionary only the package can
// make), and a CMap is a flat list of hex strings, so a small scanner does.
func parseToUnicode(v pdf.Value) *pdfToUnicode {
	m := &pdfToUnicode{chars: make(map[uint32]string)}
	data, err := readStream(v, maxCMapBytes)
	if err != nil && len(data) == 0 {
		return m
	}
	var ops []cmapOperand
	for tok := range cmapTokens(data) {
		if tok.kw == "" {
			ops = append(ops, tok)
			continue
		}
		switch tok.kw {
		case "endcodespacerange":
			for i := 0; i+1 < len(ops); i += 2 {
				lo, hi := ops[i].s, ops[i+1].s
				if len(lo) == 0 || len(lo) > 4 || len(lo) != len(hi) {
					continue
				}
				m.spaces = append(m.spaces, cmapCodeSpace{len(lo), pdfCode(lo), pdfCode(hi)})
			}
		case "endbfchar":
			for i := 0; i+1 < len(ops); i += 2 {
				if src := ops[i].s; len(src) > 0 && len(src) <= 4 {
					m.chars[pdfCode(src)] = pdfUTF16BE(ops[i+1].s)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(ops); i += 3 {
				lo, hi := ops[i].s, ops[i+1].s
				if len(lo) == 0 || len(lo) > 4 || len(hi) == 0 || len(hi) > 4 {
					continue
				}
				m.ranges = append(m.ranges, cmapRange{pdfCode(lo), pdfCode(hi), ops[i+2].s, ops[i+2].arr})
			}
		}
		ops = ops[:0]
	}
	return m
}

const maxCMapBytes = 8 << 20

// cmapOperand is a hex or literal string, an array of strings, or (when kw
// is set) an operator. Names and numbers are kept as empty operands so that
// counts stay aligned.
type cmapOperand struct {
	kw  string
	s   string
	arr []string
}

func cmapTokens(b []byte) func(yield func(cmapOperand) bool) {
	return func(yield func(cmapOperand) bool) {
		var arr []string
		inArr := false
		emit := func(t cmapOperand) bool {
			if inArr && t.kw == "" {
				arr = append(arr, t.s)
				return true
			}
			return yield(t)
		}
		for i := 0; i < len(b); {
			c := b[i]
			switch {
			case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0:
				i++
			case c == '%':
				for i < len(b) && b[i] != '\n' && b[i] != '\r' {
					i++
				}
			case c == '<' && i+1 < len(b) && b[i+1] == '<', c == '>' && i+1 < len(b) && b[i+1] == '>':
				i += 2
			case c == '<':
				j := i + 1
				for j < len(b) && b[j] != '>' {
					j++
				}
				s := cmapUnhex(b[i+1 : min(j, len(b))])
				i = j + 1
				if !emit(cmapOperand{s: s}) {
					return
				}
			case c == '(':
				s, n := cmapLiteralString(b[i:])
				i += n
				if !emit(cmapOperand{s: s}) {
					return
				}
			case c == '[':
				inArr, arr = true, nil
				i++
			case c == ']':
				i++
				if inArr {
					inArr = false
					if !yield(cmapOperand{arr: arr}) {
						return
					}
				}
			default:
				j := i + 1
				for j < len(b) && !strings.ContainsRune(" \t\r\n\f\x00/<>[]()%", rune(b[j])) {
					j++
				}
				w := string(b[i:j])
				i = j
				t := cmapOperand{}
				if c != '/' && (c < '0' || c > '9') && c != '-' && c != '.' {
					t.kw = w
				}
				if !emit(t) {
					return
				}
			}
		}
	}
}

func cmapUnhex(h []byte) string {
	out := make([]byte, 0, len(h)/2+1)
	var cur byte
	odd := false
	for _, c := range h {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			continue
		}
		if odd {
			out = append(out, cur<<4|v)
		} else {
			cur = v
		}
		odd = !odd
	}
	if odd {
		out = append(out, cur<<4)
	}
	return string(out)
}

// literalString reads a PostScript (…) string at b[0] and returns it with
// the number of bytes consumed. CMaps only use them in CIDSystemInfo, so
// escapes are kept as written.
func cmapLiteralString(b []byte) (string, int) {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(b[1:i]), i + 1
			}
		}
	}
	return string(b[min(1, len(b)):]), len(b)
}

func pdfCode(s string) uint32 {
	var c uint32
	for i := 0; i < len(s); i++ {
		c = c<<8 | uint32(s[i])
	}
	return c
}

func (m *pdfToUnicode) codeLen(s string) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
		c := pdfCode(s[:n])
		for _, sp := range m.spaces {
			if sp.n == n && c >= sp.lo && c <= sp.hi {
				return n
			}
		}
	}
	return 0
}

func (m *pdfToUnicode) lookup(code uint32) (string, bool) {
	if s, ok := m.chars[code]; ok {
		return s, true
	}
	for _, r := range m.ranges {
		if code < r.lo || code > r.hi {
			continue
		}
		off := code - r.lo
		if r.arr != nil {
			if int(off) < len(r.arr) {
				return pdfUTF16BE(r.arr[off]), true
			}
			return "", true
		}
		b := []byte(r.dst)
		if len(b) < 2 {
			return "", true
		}
		// The offset is added to the last UTF-16 unit of the destination.
		last := uint32(b[len(b)-2])<<8 | uint32(b[len(b)-1])
		last += off
		b[len(b)-2], b[len(b)-1] = byte(last>>8), byte(last)
		return pdfUTF16BE(string(b)), true
	}
	return "", false
}

// standardWidths returns metrics for the standard 14 fonts (and their usual
// metric-compatible substitutes), which a PDF may use without Widths.
func pdfStandardWidths(base string) *[95]float64 {
	if i := strings.IndexByte(base, '+'); i == 6 {
		base = base[i+1:] // subset tag
	}
	b := strings.ToLower(base)
	switch {
	case strings.Contains(b, "courier"):
		return &courierWidths
	case strings.Contains(b, "times"):
		return &timesWidths
	case strings.Contains(b, "helvetica"), strings.Contains(b, "arial"):
		return &helveticaWidths
	}
	return nil
}

// Widths of ASCII 32–126 from the Adobe Core 14 AFM files; bold and italic
// faces differ by a few percent, which is far below the space threshold.
var helveticaWidths = [95]float64{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
}

var timesWidths = [95]float64{
	250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
	500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444,
	921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722,
	556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500,
	333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
	500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
}

var courierWidths = func() (w [95]float64) {
	for i := range w {
		w[i] = 600
	}
	return w
}()
