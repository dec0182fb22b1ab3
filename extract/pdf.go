package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

// PDF text comes from a walker over ledongthuc/pdf's parser (pdf_walker.go);
// what that parser cannot open (AES-256, broken cross-reference tables) is
// rewritten by pdfcpu and walked again (pdf_pdfcpu.go); what still fails,
// or reads as unmapped glyphs, goes to pdfium compiled to WebAssembly
// (pdf_pdfium.go); scans go to tesseract when asked (pdf_ocr.go). All of it
// runs in a worker process with a time limit (pdf_pool.go, pdf_worker.go),
// or for a one-shot command in this one (pdf_inprocess.go).

// Notes added to statement.Text.Notes.
const (
	notePDFium = "read with the pdfium fallback"
	notePDFcpu = "decrypted or repaired with pdfcpu before reading"
	noteOCR    = "text read by OCR (tesseract); check it"
)

// scanLetters: a page with fewer letters than this has no real text layer
// (page numbers and bullets drawn as text around scanned images).
const scanLetters = 30

// pdfConfig is what one extraction needs besides the bytes.
type pdfConfig struct {
	ocr bool
	// primaryOnly leaves out pdfcpu and pdfium: for fuzzing the walker
	// and the library under it, which the fallbacks would otherwise hide.
	primaryOnly bool
	// progress, when set, is told the OCR's pages done and total.
	progress func(done, total int)
	// ocrPages bounds the pages OCR reads (0: all)
	ocrPages int
}

// pdfResult is the outcome of one extraction; the child sends it as JSON.
type pdfResult struct {
	Body  string   `json:"body"`
	Pages int      `json:"pages"`
	Title string   `json:"title,omitempty"`
	Notes []string `json:"notes,omitempty"`
}

func (r pdfResult) text(source string) statement.Text {
	return statement.Text{Source: source, Format: statement.FormatPDF, Body: r.Body,
		Pages: r.Pages, Title: r.Title, Notes: r.Notes}
}

// pdfError carries a sentinel and the detail after it, so that the message
// reads "corrupt document: malformed PDF: …" and errors.Is still works.
type pdfError struct {
	kind   error
	detail string
}

func (e *pdfError) Error() string {
	if e.detail == "" {
		return e.kind.Error()
	}
	return e.kind.Error() + ": " + e.detail
}

func (e *pdfError) Unwrap() error { return e.kind }

// pdfText extracts the text of a PDF within opts.Timeout.
func pdfText(ctx context.Context, data []byte, source string, opts Options) (statement.Text, error) {
	opts = opts.withDefaults()
	if int64(len(data)) > opts.MaxBytes {
		return statement.Text{}, fmt.Errorf("extract: %s is over the %d MB limit: %w", source, opts.MaxBytes>>20, ErrTooLarge)
	}
	res, err := readPDF(ctx, data, source, opts)
	if err != nil {
		return statement.Text{}, err
	}
	return res.text(source), nil
}

// PDFInProcess extracts the text of a PDF in the calling goroutine, with
// no time limit: for fuzzing and tests of the reader itself. Everything
// else goes through Bytes, which isolates the parser and bounds its time.
func PDFInProcess(data []byte, opts Options) (statement.Text, error) {
	opts = opts.withDefaults()
	res, err := extractPDF(context.Background(), data, pdfConfig{ocr: opts.OCR})
	if err != nil {
		return statement.Text{}, fmt.Errorf("extract: %w", err)
	}
	return res.text(""), nil
}

// extractPDF never panics: the library is called behind recover() deeper
// down, and this last guard catches whatever slips past.
func extractPDF(ctx context.Context, data []byte, cfg pdfConfig) (res pdfResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = pdfResult{}, &pdfError{ErrCorrupt, fmt.Sprintf("parser failure: %v", r)}
		}
	}()
	if len(bytes.TrimSpace(data)) == 0 {
		return pdfResult{}, &pdfError{ErrEmpty, "the file has no content"}
	}
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return pdfResult{}, &pdfError{ErrUnsupported, "no %PDF- header"}
	}

	var wr *walkResult
	r, walkErr := openPDF(data)
	if errors.Is(walkErr, errStructure) {
		// built to hurt a reader: no other reader is given it
		return pdfResult{}, &pdfError{ErrCorrupt, walkErr.Error()}
	}
	if walkErr == nil {
		wr, walkErr = walkPDF(r)
	}
	var images []int
	if wr != nil {
		res = wr.result()
		images = wr.images
	}
	// A file the walker cannot open at all (AES-256, a broken
	// cross-reference table) is first rewritten by pdfcpu.
	if cfg.primaryOnly && walkErr != nil {
		return pdfResult{}, &pdfError{ErrCorrupt, walkErr.Error()}
	}
	var pdfcpuErr error
	if walkErr != nil {
		var cw *walkResult
		if cw, pdfcpuErr = walkPDFcpuCopy(data); pdfcpuErr == nil {
			wr, walkErr = cw, nil
			res = wr.result()
			res.Notes = append(res.Notes, notePDFcpu)
			images = wr.images
		}
	}
	// Glyphs without a Unicode mapping in most of the text, or pages that
	// broke part way, are worth a second reader too.
	if !cfg.primaryOnly && (walkErr != nil || len(wr.failed) > 0 || wr.unmapped > wr.mapped) {
		pr, copyWalk, perr := pdfiumRead(ctx, data, wr == nil)
		switch {
		case perr == nil && copyWalk != nil:
			res = copyWalk.result()
			res.Notes = append(res.Notes, notePDFium)
			images = copyWalk.images
		case perr == nil && (wr == nil || pdfLetters(pr.Body) >= pdfLetters(res.Body)):
			pr.Notes = append(pr.Notes, notePDFium)
			if images == nil {
				images = pr.images
			}
			res = pr.pdfResult
		case wr != nil:
			if len(wr.failed) > 0 {
				res.Notes = append(res.Notes, "could not read all of "+pageNumbers(wr.failed))
			}
		default:
			return pdfResult{}, classifyOpenError(walkErr, errors.Join(pdfcpuErr, perr))
		}
	}

	if wr != nil && len(wr.oversized) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s too large to read (over %d MB of content)",
			pluralPages(wr.oversized), maxContentBytes>>20))
	}
	// Pages drawn as images with (nearly) no text are scans: all of them
	// (a scanned statement) or a few (a typed statement with a scanned,
	// signed last page).
	pages := strings.Split(res.Body, "\f")
	var scans []int
	for i, p := range pages {
		if i < len(images) && images[i] > 0 && pdfLetters(p) < scanLetters {
			scans = append(scans, i+1)
		}
	}
	whole := len(scans) > 0 && !hasTextLayer(pages)
	switch {
	case len(scans) == 0 && pdfLetters(res.Body) == 0:
		return pdfResult{}, &pdfError{ErrEmpty, fmt.Sprintf("no text in %d %s", res.Pages, pick(res.Pages == 1, "page", "pages"))}
	case len(scans) == 0:
		return res, nil
	case cfg.ocr && ocrAvailable():
		return ocrPDF(ctx, data, res, pages, scans, whole, cfg)
	case whole && cfg.ocr:
		return pdfResult{}, &pdfError{ErrNoTextLayer, ocrMissing}
	case whole:
		return pdfResult{}, &pdfError{ErrNoTextLayer, "run again with --ocr to read it with tesseract (if installed)"}
	case cfg.ocr:
		res.Notes = append(res.Notes, fmt.Sprintf("%s scanned without a text layer; %s", pluralPages(scans), ocrMissing))
	default:
		res.Notes = append(res.Notes, fmt.Sprintf("%s scanned without a text layer; --ocr can read %s", pluralPages(scans), pick(len(scans) == 1, "it", "them")))
	}
	return res, nil
}

// pluralPages says "page 3 is" or "pages 3, 4 are".
func pluralPages(pages []int) string {
	return pageNumbers(pages) + pick(len(pages) == 1, " is", " are")
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func (wr *walkResult) result() pdfResult {
	pages := make([]string, len(wr.pages))
	for i, p := range wr.pages {
		pages[i] = normalizePDFPage(p)
	}
	return pdfResult{Body: strings.Join(dehyphenate(pages), "\f"), Pages: len(pages), Title: cleanPDFTitle(wr.title)}
}

var (
	lineEndHyphen = lazyre.New(`(\p{L}+)-\n(\p{Ll}\p{L}*)`)
	wordPattern   = lazyre.New(`\p{L}+(?:-\p{L}+)*`)
)

// dehyphenate joins words broken across lines by typesetting ("princi-" /
// "ples"), which would otherwise escape the checker and the search index,
// while keeping compounds ("anti-" / "slavery"). The document decides:
// a joined form used elsewhere in it wins, then a hyphenated one; failing
// both, words are joined only where the document hyphenates many lines.
func dehyphenate(pages []string) []string {
	breaks := 0
	for _, p := range pages {
		if strings.Contains(p, "-\n") { // the expression is slow; most pages have none
			breaks += len(lineEndHyphen().FindAllStringIndex(p, -1))
		}
	}
	if breaks == 0 {
		return pages
	}
	used := make(map[string]bool)
	for _, p := range pages {
		for _, w := range wordPattern().FindAllString(strings.ReplaceAll(p, "-\n", "\n"), -1) {
			used[strings.ToLower(w)] = true
		}
	}
	typeset := breaks > max(2, len(pages))
	out := make([]string, len(pages))
	for i, p := range pages {
		var b strings.Builder
		last := 0
		for _, m := range lineEndHyphen().FindAllStringSubmatchIndex(p, -1) {
			head, tail := p[m[2]:m[3]], p[m[4]:m[5]]
			joined := strings.ToLower(head + tail)
			if !used[joined] && (used[strings.ToLower(head+"-"+tail)] || !typeset) {
				continue
			}
			// The rest of the word moves up to the line it started on.
			b.WriteString(p[last:m[0]])
			b.WriteString(head + tail)
			last = m[1]
			if last < len(p) && p[last] == ' ' {
				b.WriteByte('\n')
				last++
			}
		}
		b.WriteString(p[last:])
		out[i] = b.String()
	}
	return out
}

func pageNumbers(pages []int) string {
	s := make([]string, len(pages))
	for i, p := range pages {
		s[i] = strconv.Itoa(p)
	}
	if len(s) == 1 {
		return "page " + s[0]
	}
	return "pages " + strings.Join(s, ", ")
}

// hasTextLayer reports whether some page has real text.
func hasTextLayer(pages []string) bool {
	for _, p := range pages {
		if pdfLetters(p) >= scanLetters {
			return true
		}
	}
	return false
}

func pdfLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// classifyOpenError picks the sentinel when neither reader could open the
// document. The walker's message names the damage better than pdfium's
// error codes, so it leads.
func classifyOpenError(walkErr, fallbackErr error) error {
	if errors.Is(fallbackErr, errPDFiumPassword) || errors.Is(fallbackErr, errPDFcpuPassword) {
		return &pdfError{ErrEncrypted, "it needs a password to open"}
	}
	detail := walkErr.Error()
	if errors.Is(fallbackErr, errPDFiumSecurity) {
		return &pdfError{ErrEncrypted, detail}
	}
	if fallbackErr != nil {
		detail += " (fallbacks: " + strings.Join(strings.Fields(strings.ReplaceAll(fallbackErr.Error(), "\n", "; ")), " ") + ")"
	}
	return &pdfError{ErrCorrupt, detail}
}

// normalizePDFPage cleans one page: what only PDFs need, then tidyText,
// which every format goes through (ligatures, odd spaces, invisible
// characters, trimmed lines, at most one blank line in a row).
func normalizePDFPage(s string) string {
	return tidyText(pdfSymbols(s))
}

// pdfSymbols handles what PDFs alone produce: a soft hyphen shows only
// where the line breaks; Symbol and Wingdings bullets come mapped to the
// private use area (which tidyText drops); U+FFFD marks glyphs the font
// could not map, which carry no text.
func pdfSymbols(s string) string {
	if !strings.ContainsAny(s, "\u00ad\ufffd\uf0b7\uf0a7\uf076\uf0d8\uf0fc") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch r {
		case '\u00ad':
			rest := s[i+len("\u00ad"):]
			if end := strings.IndexByte(rest, '\n'); end >= 0 {
				rest = rest[:end]
			}
			if strings.TrimSpace(rest) == "" {
				b.WriteByte('-')
			}
		case '\ufffd':
		case '\uf0b7', '\uf0a7', '\uf076', '\uf0d8', '\uf0fc':
			b.WriteRune('•')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cleanPDFTitle keeps a title a person would recognise: Word prefixes the
// application's name to the file name when the author set no title.
func cleanPDFTitle(t string) string {
	t = strings.Join(strings.Fields(normalizePDFPage(t)), " ")
	return strings.TrimPrefix(t, "Microsoft Word - ")
}
