package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/ledongthuc/pdf"
)

// Bounds on hostile structure. Real statements have tens of pages, trees a
// few levels deep and forms nested two or three times.
const (
	maxPageTreeDepth = 64
	maxPageTreeNodes = 1 << 16
	maxPages         = 20000
	maxFormDepth     = 12
	maxFormCalls     = 4096 // per page: a form drawn from a form drawn from … multiplies
	maxGStateDepth   = 256
	maxRunsPerPage   = 1 << 18 // real pages have a few thousand
	// maxContentBytes bounds a page's decoded content streams: the
	// library's lexer holds a whole string operand in memory, so a small
	// PDF holding one compressed 400 MB string would cost gigabytes.
	// Real pages have tens of kilobytes.
	maxContentBytes = 32 << 20
	// maxTextBytes bounds the text of a whole document, four times what
	// the checker reads.
	maxTextBytes = 16 << 20
)

// Layout thresholds, in units of the font size.
const (
	// spaceGap: a gap wider than this between two runs on a line is a word
	// break. Kerning stays under 0.1 em; the narrowest justified spaces
	// are about 0.2 em.
	spaceGap = 0.15
	// sameLine: a baseline shift up to this is a sub- or superscript, not
	// a new line.
	sameLine = 0.5
	// paraStep: a line step this much larger than the page's usual one
	// starts a new paragraph (a blank line).
	paraStep = 1.4
)

var errPageTree = errors.New("bad page tree")

// walkResult is what the text walker read from a document.
type walkResult struct {
	pages  []string
	images []int // images drawn per page
	failed []int // 1-based pages whose content stream broke part way
	// oversized are 1-based pages whose content is over maxContentBytes:
	// skipped, and no reason to try another reader
	oversized []int
	title     string
	mapped    int // glyphs decoded to text
	unmapped  int // glyphs of CID fonts with no ToUnicode map
}

// recoverPDF turns a panic in the library into an error. The library
// reports parse errors by panicking; its runtime errors (nil dereference,
// index out of range) are also malformed input reaching a bug, so they end
// the same way, marked as a parser failure.
func recoverPDF(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(runtime.Error); ok {
			*err = fmt.Errorf("parser failure: %v", e)
			return
		}
		*err = fmt.Errorf("%v", r)
	}
}

// openPDF opens data with ledongthuc/pdf once the pre-check has found
// nothing in it that would make the library loop or recurse for ever.
func openPDF(data []byte) (r *pdf.Reader, err error) {
	if err := precheckPDF(data); err != nil {
		return nil, err
	}
	defer recoverPDF(&err)
	if r, err = pdf.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
		return nil, err
	}
	if err := checkObjectStreams(r, data); err != nil {
		return nil, err
	}
	return r, nil
}

// readStream returns a stream's decoded bytes, at most limit of them.
func readStream(v pdf.Value, limit int64) (data []byte, err error) {
	defer recoverPDF(&err)
	rc := v.Reader()
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}

// walkPDF reads every page of an opened document.
func walkPDF(r *pdf.Reader) (*walkResult, error) {
	pages, err := pageList(r)
	if err != nil {
		return nil, err
	}
	res := &walkResult{title: infoTitle(r)}
	fonts := make(map[string]*pdfFont)
	budget := maxTextBytes
	for i, p := range pages {
		w := &pageWalker{fonts: fonts, budget: &budget}
		err := w.walkPage(p)
		res.pages = append(res.pages, layoutPage(w.runs))
		res.images = append(res.images, w.images)
		res.mapped += w.mapped
		res.unmapped += w.unmapped
		switch {
		case errors.Is(err, errOversized):
			res.oversized = append(res.oversized, i+1)
		case err != nil:
			res.failed = append(res.failed, i+1)
		}
	}
	return res, nil
}

func infoTitle(r *pdf.Reader) (title string) {
	defer func() {
		if recover() != nil {
			title = ""
		}
	}()
	return r.Trailer().Key("Info").Key("Title").Text()
}

type pdfPage struct {
	v   pdf.Value
	res pdf.Value // inherited Resources
}

// pageList walks the page tree itself: the library's Reader.Page follows
// Kids and Parent without bounds, so a looping tree spins forever.
func pageList(r *pdf.Reader) (pages []pdfPage, err error) {
	defer recoverPDF(&err)
	seen := make(map[string]bool)
	nodes := 0
	var walk func(node, res pdf.Value, depth int) error
	walk = func(node, res pdf.Value, depth int) error {
		nodes++
		if nodes > maxPageTreeNodes || depth > maxPageTreeDepth {
			return fmt.Errorf("%w: more than %d nodes or %d levels", errPageTree, maxPageTreeNodes, maxPageTreeDepth)
		}
		if node.Kind() != pdf.Dict {
			return nil // a dangling reference: nothing to read there
		}
		if rs := node.Key("Resources"); rs.Kind() == pdf.Dict {
			res = rs
		}
		kids := node.Key("Kids")
		typ := node.Key("Type").Name()
		if typ == "Pages" || typ != "Page" && kids.Kind() == pdf.Array {
			// Two distinct Pages nodes never print the same: their Kids
			// or Parent differ. So a repeat is a loop.
			key := node.String()
			if seen[key] {
				return fmt.Errorf("%w: it loops", errPageTree)
			}
			seen[key] = true
			for i := range kids.Len() {
				if err := walk(kids.Index(i), res, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if len(pages) >= maxPages {
			return fmt.Errorf("%w: more than %d pages", errPageTree, maxPages)
		}
		pages = append(pages, pdfPage{v: node, res: res})
		return nil
	}
	if err := walk(r.Trailer().Key("Root").Key("Pages"), pdf.Value{}, 0); err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: no pages", errPageTree)
	}
	return pages, nil
}

// pdfMat is an affine matrix [a b c d e f], applied to row vectors as in the
// PDF specification.
type pdfMat [6]float64

var pdfIdentity = pdfMat{1, 0, 0, 1, 0, 0}

func (m pdfMat) mul(n pdfMat) pdfMat {
	return pdfMat{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m pdfMat) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// pdfRun is one shown string with its baseline in device space.
type pdfRun struct {
	s              string
	x0, y0, x1, y1 float64
	ux, uy         float64 // unit vector along the baseline
	size           float64 // font size in device space
}

type pdfGState struct {
	ctm                        pdfMat
	tc, tw, th, tl, rise, size float64
	font                       *pdfFont
}

type pdfScope struct {
	res   pdf.Value
	fonts map[string]*pdfFont
}

type pageWalker struct {
	fonts     map[string]*pdfFont // parsed fonts by dictionary, shared across pages
	budget    *int                // bytes of text the document may still add
	runs      []pdfRun
	images    int
	formCalls int
	mapped    int
	unmapped  int
	gs        pdfGState
	stack     []pdfGState
	tm, tlm   pdfMat
	args      []pdf.Value
	text      strings.Builder
}

func (w *pageWalker) walkPage(p pdfPage) (err error) {
	defer recoverPDF(&err)
	w.gs = pdfGState{ctm: pdfIdentity, th: 1}
	contents := p.v.Key("Contents")
	if contents.IsNull() {
		return nil
	}
	if n := contentSize(contents, maxContentBytes); n > maxContentBytes {
		return errOversized
	}
	w.run(contents, &pdfScope{res: p.res}, 0)
	return nil
}

// maxExpansion bounds how much one Flate (or LZW, RunLength) filter can
// expand its input.
const maxExpansion = 1100

var errOversized = fmt.Errorf("page content over %d MB", maxContentBytes>>20)

// contentSize returns the decoded size of a content stream or array of
// streams, or a number past limit when it is larger. Deflate expands at
// most about a thousand times, so streams short enough cannot pass the
// limit and are not decoded twice (most page streams are a few
// kilobytes); others are counted by reading into nothing, so a bomb costs
// time, not memory.
func contentSize(v pdf.Value, limit int64) (n int64) {
	defer func() {
		if recover() != nil {
			n = 0 // the walk itself will meet and report the damage
		}
	}()
	if b := contentBound(v); b <= limit {
		return b
	}
	return countDecoded(v, limit)
}

// contentBound is an upper bound of the decoded size from the encoded
// lengths, or the maximum when there is none (no length, chained filters).
func contentBound(v pdf.Value) int64 {
	switch v.Kind() {
	case pdf.Stream:
		return streamBound(v)
	case pdf.Array:
		// an array of streams, never of arrays: the specification allows
		// no more, and an array that holds itself would recurse for ever
		var sum int64
		for i := 0; i < v.Len(); i++ {
			b := streamBound(v.Index(i))
			if b > math.MaxInt64-sum {
				return math.MaxInt64
			}
			sum += b
		}
		return sum
	}
	return 0
}

// streamBound is contentBound for one stream; anything else adds nothing.
func streamBound(v pdf.Value) int64 {
	if v.Kind() != pdf.Stream {
		return 0
	}
	enc := v.Key("Length").Int64()
	if enc <= 0 || v.Key("Filter").Kind() == pdf.Array || enc > math.MaxInt64/maxExpansion {
		return math.MaxInt64
	}
	return enc * maxExpansion
}

func countDecoded(v pdf.Value, limit int64) (n int64) {
	switch v.Kind() {
	case pdf.Stream:
		rc := v.Reader()
		defer rc.Close()
		n, _ = io.Copy(io.Discard, io.LimitReader(rc, limit+1))
	case pdf.Array:
		for i := 0; i < v.Len() && n <= limit; i++ {
			if s := v.Index(i); s.Kind() == pdf.Stream {
				n += countDecoded(s, limit-n)
			}
		}
	}
	return n
}

// run interprets one content stream (or array of streams).
func (w *pageWalker) run(strm pdf.Value, sc *pdfScope, depth int) {
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		w.args = w.args[:0]
		for stk.Len() > 0 {
			w.args = append(w.args, stk.Pop())
		}
		// Popped top first; operands are easier to read bottom first.
		for i, j := 0, len(w.args)-1; i < j; i, j = i+1, j-1 {
			w.args[i], w.args[j] = w.args[j], w.args[i]
		}
		w.op(op, w.args, sc, depth)
	})
}

// operands returns the last n operands, or nil when there are fewer. Junk
// before an operator (a damaged stream) is ignored rather than costing the
// operator.
func operands(a []pdf.Value, n int) []pdf.Value {
	if len(a) < n {
		return nil
	}
	return a[len(a)-n:]
}

func pdfNum(args []pdf.Value, i int) float64 {
	if i < len(args) {
		return args[i].Float64()
	}
	return 0
}

func pdfMatArgs(a []pdf.Value) pdfMat {
	return pdfMat{pdfNum(a, 0), pdfNum(a, 1), pdfNum(a, 2), pdfNum(a, 3), pdfNum(a, 4), pdfNum(a, 5)}
}

func (w *pageWalker) op(op string, a []pdf.Value, sc *pdfScope, depth int) {
	switch op {
	case "q":
		if len(w.stack) < maxGStateDepth {
			w.stack = append(w.stack, w.gs)
		}
	case "Q":
		if n := len(w.stack); n > 0 {
			w.gs = w.stack[n-1]
			w.stack = w.stack[:n-1]
		}
	case "cm":
		if a = operands(a, 6); a != nil {
			w.gs.ctm = pdfMatArgs(a).mul(w.gs.ctm)
		}
	case "BT":
		w.tm, w.tlm = pdfIdentity, pdfIdentity
	case "Tf":
		if a = operands(a, 2); a != nil {
			w.gs.font = w.font(sc, a[0].Name())
			w.gs.size = a[1].Float64()
		}
	case "Tc":
		w.gs.tc = pdfNum(operands(a, 1), 0)
	case "Tw":
		w.gs.tw = pdfNum(operands(a, 1), 0)
	case "Tz":
		w.gs.th = pdfNum(operands(a, 1), 0) / 100
	case "TL":
		w.gs.tl = pdfNum(operands(a, 1), 0)
	case "Ts":
		w.gs.rise = pdfNum(operands(a, 1), 0)
	case "Td":
		a = operands(a, 2)
		w.moveLine(pdfNum(a, 0), pdfNum(a, 1))
	case "TD":
		a = operands(a, 2)
		w.gs.tl = -pdfNum(a, 1)
		w.moveLine(pdfNum(a, 0), pdfNum(a, 1))
	case "Tm":
		if a = operands(a, 6); a != nil {
			w.tm = pdfMatArgs(a)
			w.tlm = w.tm
		}
	case "T*":
		w.moveLine(0, -w.gs.tl)
	case "Tj":
		if a = operands(a, 1); a != nil {
			w.show(a[0].RawString())
		}
	case "'":
		if a = operands(a, 1); a != nil {
			w.moveLine(0, -w.gs.tl)
			w.show(a[0].RawString())
		}
	case "\"":
		if a = operands(a, 3); a != nil {
			w.gs.tw, w.gs.tc = a[0].Float64(), a[1].Float64()
			w.moveLine(0, -w.gs.tl)
			w.show(a[2].RawString())
		}
	case "TJ":
		if a = operands(a, 1); a == nil {
			return
		}
		arr := a[0]
		for i := range arr.Len() {
			e := arr.Index(i)
			if e.Kind() == pdf.String {
				w.show(e.RawString())
				continue
			}
			tx := -e.Float64() / 1000 * w.gs.size * w.gs.th
			w.tm = pdfMat{1, 0, 0, 1, tx, 0}.mul(w.tm)
		}
	case "Do":
		if a = operands(a, 1); a != nil {
			w.xobject(sc, a[0].Name(), depth)
		}
	case "BI":
		w.images++
	}
}

func (w *pageWalker) moveLine(tx, ty float64) {
	w.tlm = pdfMat{1, 0, 0, 1, tx, ty}.mul(w.tlm)
	w.tm = w.tlm
}

func (w *pageWalker) font(sc *pdfScope, name string) *pdfFont {
	if f, ok := sc.fonts[name]; ok {
		return f
	}
	if sc.fonts == nil {
		sc.fonts = make(map[string]*pdfFont)
	}
	v := sc.res.Key("Font").Key(name)
	var f *pdfFont
	if v.Kind() == pdf.Dict {
		// Keyed by the dictionary as written: the same text means the same
		// font objects, while the same resource name on another page
		// may not (the library's GetPlainText font cache bug).
		key := v.String()
		if f = w.fonts[key]; f == nil {
			f = newPDFFont(v)
			w.fonts[key] = f
		}
	}
	sc.fonts[name] = f
	return f
}

// show decodes a string through the current font and records it as a run,
// advancing the text matrix by the glyph widths.
func (w *pageWalker) show(s string) {
	f := w.gs.font
	if f == nil || s == "" {
		return
	}
	m := w.tm.mul(w.gs.ctm)
	x0, y0 := m.apply(0, w.gs.rise)
	w.text.Reset()
	// tx is the pen advance; ink excludes the character and word spacing
	// after the last glyph, which some producers set huge and then take
	// back with a TJ offset (Quartz letter-spacing).
	var tx, ink float64
	for i := 0; i < len(s); {
		n := min(f.codeLen(s[i:]), len(s)-i)
		raw := s[i : i+n]
		code := pdfCode(raw)
		t := f.decode(code, raw)
		if t == "" && f.cid && f.toUni == nil && !f.unicodeCMap {
			w.unmapped++
		} else {
			w.mapped++
		}
		w.text.WriteString(t)
		glyph := f.width(code) * w.gs.size
		spacing := w.gs.tc
		if n == 1 && raw[0] == ' ' {
			spacing += w.gs.tw
		}
		ink = tx + glyph*w.gs.th
		tx += (glyph + spacing) * w.gs.th
		i += n
	}
	x1, y1 := m.apply(ink, w.gs.rise)
	w.tm = pdfMat{1, 0, 0, 1, tx, 0}.mul(w.tm)
	ux, uy := m[0], m[1]
	if l := math.Hypot(ux, uy); l > 0 {
		ux, uy = ux/l, uy/l
	} else {
		ux, uy = 1, 0
	}
	size := math.Abs(w.gs.size) * math.Hypot(m[2], m[3])
	if size == 0 || math.IsNaN(size) || math.IsInf(size, 0) {
		size = 1
	}
	if len(w.runs) >= maxRunsPerPage || *w.budget < w.text.Len() {
		return
	}
	*w.budget -= w.text.Len()
	w.runs = append(w.runs, pdfRun{s: w.text.String(), x0: x0, y0: y0, x1: x1, y1: y1, ux: ux, uy: uy, size: size})
}

func (w *pageWalker) xobject(sc *pdfScope, name string, depth int) {
	x := sc.res.Key("XObject").Key(name)
	switch x.Key("Subtype").Name() {
	case "Image":
		w.images++
	case "Form":
		if depth >= maxFormDepth || w.formCalls >= maxFormCalls {
			return
		}
		w.formCalls++
		saved, savedStack := w.gs, len(w.stack)
		if m := x.Key("Matrix"); m.Len() == 6 {
			var fm pdfMat
			for i := range fm {
				fm[i] = m.Index(i).Float64()
			}
			w.gs.ctm = fm.mul(w.gs.ctm)
		}
		res := x.Key("Resources")
		if res.Kind() != pdf.Dict {
			res = sc.res // forms without resources use their parent's
		}
		w.run(x, &pdfScope{res: res}, depth+1)
		w.gs, w.stack = saved, w.stack[:savedStack]
	}
}

// layoutPage joins a page's runs in content-stream order, inferring spaces
// and line breaks from their positions.
func layoutPage(runs []pdfRun) string {
	var b strings.Builder
	para := paragraphStep(runs)
	var prev *pdfRun
	pendingSpace := false
	for i := range runs {
		r := &runs[i]
		if strings.TrimSpace(r.s) == "" {
			if prev != nil && r.s != "" {
				if _, perp := runOffset(prev, r); math.Abs(perp) <= sameLine*math.Max(prev.size, r.size) {
					pendingSpace = true
				}
			}
			continue
		}
		if prev == nil {
			b.WriteString(r.s)
			prev = r
			continue
		}
		h := math.Max(prev.size, r.size)
		along, perp := runOffset(prev, r)
		// Fake bold and shadows draw the same string twice, a hair apart;
		// a doubled letter ("ff" drawn glyph by glyph) is a glyph apart.
		if r.s == prev.s {
			d := math.Hypot(r.x0-prev.x0, r.y0-prev.y0)
			if d < 0.1*h && d < 0.3*math.Hypot(prev.x1-prev.x0, prev.y1-prev.y0) {
				continue
			}
		}
		switch {
		case math.Abs(perp) <= sameLine*h && along > -h:
			if (pendingSpace || along > spaceGap*h) && !pdfEndsWithSpace(&b) && !strings.HasPrefix(r.s, " ") {
				b.WriteByte(' ')
			}
		case perp < 0 && -perp <= para*h:
			b.WriteByte('\n')
		default:
			b.WriteString("\n\n")
		}
		pendingSpace = false
		b.WriteString(r.s)
		prev = r
	}
	return b.String()
}

// runOffset returns where r starts relative to where prev ended: along prev's
// baseline, and across it (positive is up).
func runOffset(prev, r *pdfRun) (along, perp float64) {
	dx, dy := r.x0-prev.x1, r.y0-prev.y1
	return dx*prev.ux + dy*prev.uy, -dx*prev.uy + dy*prev.ux
}

// paragraphStep is the line step, in font sizes, above which a move to the
// next line also starts a paragraph: paraStep times the page's usual step.
func paragraphStep(runs []pdfRun) float64 {
	var steps []float64
	var prev *pdfRun
	for i := range runs {
		r := &runs[i]
		if strings.TrimSpace(r.s) == "" {
			continue
		}
		if prev != nil {
			h := math.Max(prev.size, r.size)
			if _, perp := runOffset(prev, r); perp < -sameLine*h && -perp < 4*h {
				steps = append(steps, -perp/h)
			}
		}
		prev = r
	}
	// The usual step is a low quantile rather than the median: on a page
	// of one-line paragraphs most steps are paragraph steps.
	usual := 1.2
	if len(steps) >= 3 {
		slices.Sort(steps)
		usual = steps[len(steps)/4]
	}
	return usual * paraStep
}

func pdfEndsWithSpace(b *strings.Builder) bool {
	s := b.String()
	return s == "" || s[len(s)-1] == ' ' || s[len(s)-1] == '\n'
}
