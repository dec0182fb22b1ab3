package extract

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
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
func ocrPDF(ctx context.Context, data []byte, res pdfResult, pages []string, scans []int, whole bool, cfg pdfConfig) (pdfResult, error) {
	pages = slices.Clone(pages)
	for _, p := range scans {
		text, err := ocrPage(ctx, data, p)
		if err != nil {
			return pdfResult{}, fmt.Errorf("ocr page %d: %w", p, err)
		}
		pages[p-1] = normalizePDFPage(text)
	}
	res.Body = strings.Join(pages, "\f")
	if pdfLetters(res.Body) == 0 {
		return pdfResult{}, &pdfError{ErrNoTextLayer, "OCR found no text in it"}
	}
	if whole {
		res.Notes = append(res.Notes, noteOCR)
	} else {
		res.Notes = append(res.Notes, fmt.Sprintf("%s read by OCR (tesseract); check %s", pageNumbers(scans), pick(len(scans) == 1, "it", "them")))
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
