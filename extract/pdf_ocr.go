package extract

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OCR rasterises each page with poppler's pdftoppm and reads it with
// tesseract, page by page so that the time limit can stop it between pages.
// It takes seconds per page, hence only on request.

func ocrAvailable() bool {
	for _, tool := range []string{"pdftoppm", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			return false
		}
	}
	return true
}

const ocrMissing = "OCR needs pdftoppm (poppler-utils) and tesseract (tesseract-ocr), which are not installed"

// ocrPDF replaces the text of the scanned pages (1-based) with what
// tesseract reads on them. whole says every page is a scan. The document
// may be a confidential draft: it and its page images go from tool to tool
// through pipes and memory, never through files.
//
// Pages are read in order while time allows: when ctx has a deadline, a
// page is begun only if the one before took less than the time left, and
// the pages not read are said in a note (a public check reads the first
// few pages of a long scan within its time).
func ocrPDF(ctx context.Context, data []byte, res pdfResult, pages []string, scans []int, whole bool, cfg pdfConfig) (pdfResult, error) {
	pages = slices.Clone(pages)
	var done []int
	var last time.Duration
	for i, p := range scans {
		if deadline, ok := ctx.Deadline(); ok && i > 0 && time.Until(deadline) < last || cfg.ocrPages > 0 && i >= cfg.ocrPages {
			break
		}
		if cfg.progress != nil {
			cfg.progress(i, len(scans))
		}
		start := time.Now()
		text, err := ocrPage(ctx, data, p)
		if err != nil {
			if len(done) > 0 && ctx.Err() != nil {
				break // out of time part way: keep the pages read
			}
			return pdfResult{}, fmt.Errorf("ocr page %d: %w", p, err)
		}
		last = time.Since(start)
		pages[p-1] = normalizePDFPage(text)
		done = append(done, p)
	}
	if cfg.progress != nil {
		cfg.progress(len(done), len(scans))
	}
	res.Body = strings.Join(pages, "\f")
	if pdfLetters(res.Body) == 0 {
		return pdfResult{}, &pdfError{ErrNoTextLayer, "OCR found no text in it"}
	}
	switch {
	case whole && len(done) == len(scans):
		res.Notes = append(res.Notes, noteOCR)
	case whole:
		res.Notes = append(res.Notes, fmt.Sprintf("a scan: the first %d of its %d pages were read by OCR (tesseract), as far as the time and the page limit allowed; check them", len(done), len(scans)))
	default:
		res.Notes = append(res.Notes, fmt.Sprintf("%s read by OCR (tesseract); check %s", pageNumbers(done), pick(len(done) == 1, "it", "them")))
	}
	if !whole && len(done) < len(scans) {
		res.Notes = append(res.Notes, fmt.Sprintf("%s scanned and not read in the time allowed", pluralPages(scans[len(done):])))
	}
	return res, nil
}

// ocrPage rasterises one page from the PDF on pdftoppm's standard input
// and hands the PNG to tesseract on its standard input.
func ocrPage(ctx context.Context, data []byte, page int) (string, error) {
	n := strconv.Itoa(page)
	var png bytes.Buffer
	if err := runOCRTool(ctx, data, &png, "pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", n, "-l", n, "-"); err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := runOCRTool(ctx, png.Bytes(), &out, "tesseract", "stdin", "stdout"); err != nil {
		return "", err
	}
	return out.String(), nil
}

func runOCRTool(ctx context.Context, stdin []byte, stdout *bytes.Buffer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stdout = stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg != "" {
			return fmt.Errorf("%s: %w: %s", name, err, msg)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// OCRAvailable reports whether pdftoppm and tesseract are installed, so
// that scans can be read.
func OCRAvailable() bool { return ocrAvailable() }
