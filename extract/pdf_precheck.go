package extract

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"

	"github.com/ledongthuc/pdf"
)

// A few hundred bytes of PDF can make a parser loop for ever or eat
// gigabytes. The structures that do it are checked here before any parser
// sees the file, so that the parse is safe inside this process, where the
// one-shot commands run it: a cross-reference chain whose /Prev leads back
// to a section already read (ledongthuc/pdf reads it again, for ever),
// arrays and dictionaries nested thousands deep (recursive parsers), an
// object stream said to live in an object stream (the library resolves it
// recursively, for ever) and object streams that /Extends each other in a
// ring. Real statements are nowhere near these bounds.

const (
	// maxNesting bounds arrays and dictionaries inside one another. Real
	// files stay under ten; ledongthuc/pdf stops at 1,000, pdfcpu and
	// pdfium go on.
	maxNesting = 256
	// maxXrefSections bounds the /Prev chain: one section per incremental
	// save.
	maxXrefSections = 1024
	// maxObjStmScan bounds what is inflated to look inside object streams.
	maxObjStmScan = 64 << 20
)

// errStructure marks a file refused by the pre-check: no reader is tried.
var errStructure = errors.New("hostile structure")

// errXrefLoop marks a cross-reference chain that leads back on itself:
// ledongthuc/pdf would loop, the other readers repair it.
var errXrefLoop = errors.New("the cross-reference chain loops")

// precheckPDF refuses files whose structure would make a reader loop or
// recurse without end. errXrefLoop only rules out ledongthuc/pdf.
func precheckPDF(data []byte) error {
	if depth, where := maxDepth(data, true); depth > maxNesting {
		return fmt.Errorf("%w: objects nested more than %d levels deep%s", errStructure, maxNesting, where)
	}
	return checkXrefChain(data)
}

// maxDepth returns the deepest nesting of arrays and dictionaries outside
// strings, comments and streams. With objStms it also looks inside
// Flate-compressed object streams, where objects can hide.
func maxDepth(data []byte, objStms bool) (deepest int, where string) {
	depth, dictStart := 0, -1
	inflated := 0
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '%':
			for i < len(data) && data[i] != '\n' && data[i] != '\r' {
				i++
			}
		case c == '(':
			i = skipLiteral(data, i)
		case c == '<' && i+1 < len(data) && data[i+1] == '<':
			if depth == 0 {
				dictStart = i
			}
			depth++
			i += 2
		case c == '<':
			if j := bytes.IndexByte(data[i:], '>'); j >= 0 {
				i += j + 1
			} else {
				i = len(data)
			}
		case c == '>' && i+1 < len(data) && data[i+1] == '>':
			depth = max(depth-1, 0)
			i += 2
		case c == '[':
			depth++
			i++
		case c == ']':
			depth = max(depth-1, 0)
			i++
		case isPDFRegular(c):
			j := i
			for j < len(data) && isPDFRegular(data[j]) {
				j++
			}
			switch string(data[i:j]) {
			case "obj", "endobj":
				// each object is parsed from its own offset: an object
				// left open does not nest the next one
				depth = 0
			case "stream":
				body := streamBody(data, j)
				if objStms && dictStart >= 0 && inflated < maxObjStmScan {
					dict := data[dictStart:i]
					if bytes.Contains(dict, []byte("/ObjStm")) && bytes.Contains(dict, []byte("/FlateDecode")) {
						inner := inflate(body, maxObjStmScan-inflated)
						inflated += len(inner)
						if d, _ := maxDepth(inner, false); d > deepest {
							deepest, where = d, " in an object stream"
						}
					}
				}
				if end := bytes.Index(data[j:], []byte("endstream")); end >= 0 {
					j += end + len("endstream")
				} else {
					j = len(data)
				}
				depth, dictStart = 0, -1
			}
			i = j
		default:
			i++
		}
		if depth > deepest {
			deepest, where = depth, ""
			if deepest > maxNesting {
				return deepest, where
			}
		}
	}
	return deepest, where
}

// skipLiteral returns the index after the literal string opening at i:
// parentheses balance, a backslash escapes the next byte.
func skipLiteral(data []byte, i int) int {
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return i
}

func isPDFRegular(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', 0, '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return false
	}
	return true
}

// streamBody returns the bytes after the stream keyword ending at i, up to
// endstream or the end of the file.
func streamBody(data []byte, i int) []byte {
	if i < len(data) && data[i] == '\r' {
		i++
	}
	if i < len(data) && data[i] == '\n' {
		i++
	}
	body := data[i:]
	if end := bytes.Index(body, []byte("endstream")); end >= 0 {
		body = body[:end]
	}
	return body
}

// inflate decompresses at most limit bytes; damaged data gives what could
// be read.
func inflate(b []byte, limit int) []byte {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	out, _ := io.ReadAll(io.LimitReader(zr, int64(limit)))
	return out
}

// checkXrefChain follows startxref and the /Prev entries the way
// ledongthuc/pdf does, and reports a chain that comes back to an offset
// already read. A chain it cannot follow is left to the reader, which
// fails on it.
func checkXrefChain(data []byte) error {
	off, ok := startXref(data)
	seen := make(map[int64]bool)
	for ok {
		if seen[off] {
			return fmt.Errorf("%w: /Prev leads back to the section at byte %d", errXrefLoop, off)
		}
		if len(seen) >= maxXrefSections {
			return fmt.Errorf("%w: more than %d cross-reference sections", errStructure, maxXrefSections)
		}
		seen[off] = true
		off, ok = xrefPrev(data, off)
	}
	return nil
}

// startXref reads the offset after the last startxref, as the library
// does: within the last 100 bytes, which must end in %%EOF.
func startXref(data []byte) (int64, bool) {
	tail := data[max(0, len(data)-100):]
	tail = bytes.TrimRight(tail, "\r\n\t ")
	if !bytes.HasSuffix(tail, []byte("%%EOF")) {
		return 0, false
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return 0, false
	}
	t := pdfTokens{data: tail, i: i + len("startxref")}
	return t.int()
}

// xrefPrev returns the /Prev of the cross-reference section at off: a
// table's trailer dictionary, or a cross-reference stream's dictionary.
func xrefPrev(data []byte, off int64) (int64, bool) {
	if off < 0 || off >= int64(len(data)) {
		return 0, false
	}
	t := pdfTokens{data: data, i: int(off)}
	first := t.next()
	switch {
	case first == "xref":
		i := bytes.Index(data[t.i:], []byte("trailer"))
		if i < 0 {
			return 0, false
		}
		t.i += i + len("trailer")
	case isPDFInt(first):
		if !isPDFInt(t.next()) || t.next() != "obj" {
			return 0, false
		}
	default:
		return 0, false
	}
	return t.dictInt("Prev")
}

// objectDictRef returns the reference an object's dictionary holds under
// key (/Extends 12 0 R gives 12), reading the object at off.
func objectDictRef(data []byte, off int64, key string) (uint32, bool) {
	if off < 0 || off >= int64(len(data)) {
		return 0, false
	}
	t := pdfTokens{data: data, i: int(off)}
	num, gen, kw, open := t.next(), t.next(), t.next(), t.next()
	if !isPDFInt(num) || !isPDFInt(gen) || kw != "obj" || open != "<<" {
		return 0, false
	}
	for depth := 1; depth > 0; {
		tok := t.next()
		switch {
		case tok == "":
			return 0, false
		case tok == "<<" || tok == "[":
			depth++
		case tok == ">>" || tok == "]":
			depth--
		case depth == 1 && tok == "/"+key:
			save := t.i
			id, g, r := t.next(), t.next(), t.next()
			if isPDFInt(id) && isPDFInt(g) && r == "R" {
				n, err := strconv.ParseUint(id, 10, 32)
				return uint32(n), err == nil
			}
			t.i = save
		}
	}
	return 0, false
}

// pdfTokens splits PDF syntax into tokens, enough to read a dictionary's
// plain entries: strings and comments are skipped, names decoded.
type pdfTokens struct {
	data []byte
	i    int
}

func (t *pdfTokens) next() string {
	d := t.data
	for t.i < len(d) {
		switch c := d[t.i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0:
			t.i++
		case c == '%':
			for t.i < len(d) && d[t.i] != '\n' && d[t.i] != '\r' {
				t.i++
			}
		case c == '(':
			t.i = skipLiteral(d, t.i)
			return "()"
		case c == '<' && t.i+1 < len(d) && d[t.i+1] == '<':
			t.i += 2
			return "<<"
		case c == '>' && t.i+1 < len(d) && d[t.i+1] == '>':
			t.i += 2
			return ">>"
		case c == '<':
			if j := bytes.IndexByte(d[t.i:], '>'); j >= 0 {
				t.i += j + 1
			} else {
				t.i = len(d)
			}
			return "<>"
		case c == '[' || c == ']' || c == '{' || c == '}' || c == ')' || c == '>':
			t.i++
			return string(c)
		case c == '/':
			j := t.i + 1
			for j < len(d) && isPDFRegular(d[j]) {
				j++
			}
			name := decodePDFName(d[t.i+1 : j])
			t.i = j
			return "/" + name
		default:
			j := t.i
			for j < len(d) && isPDFRegular(d[j]) {
				j++
			}
			tok := string(d[t.i:j])
			t.i = j
			return tok
		}
	}
	return ""
}

// int reads an integer token.
func (t *pdfTokens) int() (int64, bool) {
	n, err := strconv.ParseInt(t.next(), 10, 64)
	return n, err == nil
}

// dictInt reads the dictionary starting at the next token and returns its
// last top-level entry key when that is a plain integer (not a reference).
func (t *pdfTokens) dictInt(key string) (v int64, found bool) {
	if t.next() != "<<" {
		return 0, false
	}
	for depth := 1; depth > 0; {
		tok := t.next()
		switch {
		case tok == "":
			return v, found
		case tok == "<<" || tok == "[":
			depth++
		case tok == ">>" || tok == "]":
			depth--
		case depth == 1 && tok == "/"+key:
			val := t.next()
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				found = false
				if val == "<<" || val == "[" {
					depth++
				}
				continue
			}
			// "12 0 R" is a reference, which the library refuses
			save := t.i
			if g, r := t.next(), t.next(); isPDFInt(g) && r == "R" {
				found = false
				continue
			}
			t.i = save
			v, found = n, true
		}
	}
	return v, found
}

func isPDFInt(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// decodePDFName undoes #xx escapes: /Pr#65v is /Prev.
func decodePDFName(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			if n, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(n))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

// checkObjectStreams inspects the cross-reference table ledongthuc/pdf
// built: an object said to be in an object stream whose own entry is in an
// object stream makes its resolver recurse for ever, and a ring of
// /Extends makes it search for ever. The table is unexported, so it is
// read through reflection; TestObjectStreamChecks fails if the library's
// layout changes under it.
func checkObjectStreams(r *pdf.Reader, data []byte) error {
	xrefs := reflect.ValueOf(r).Elem().FieldByName("xref")
	if !xrefs.IsValid() || xrefs.Kind() != reflect.Slice {
		return nil
	}
	type entry struct {
		inStream bool
		stream   uint32
		offset   int64
	}
	at := func(i int) (entry, bool) {
		if i < 0 || i >= xrefs.Len() {
			return entry{}, false
		}
		e := xrefs.Index(i)
		return entry{e.FieldByName("inStream").Bool(), uint32(e.FieldByName("stream").FieldByName("id").Uint()),
			e.FieldByName("offset").Int()}, true
	}
	checked := make(map[uint32]bool)
	for i := range xrefs.Len() {
		e, _ := at(i)
		if !e.inStream || checked[e.stream] {
			continue
		}
		checked[e.stream] = true
		seen := map[uint32]bool{}
		for s := e.stream; ; {
			se, ok := at(int(s))
			if !ok {
				break // the library finds nothing there and says so
			}
			if se.inStream {
				return fmt.Errorf("%w: object stream %d is said to be inside another object stream", errStructure, s)
			}
			seen[s] = true
			next, ok := objectDictRef(data, se.offset, "Extends")
			if !ok {
				break
			}
			if seen[next] || len(seen) > maxXrefSections {
				return fmt.Errorf("%w: object streams extend each other in a ring", errStructure)
			}
			s = next
		}
	}
	return nil
}
