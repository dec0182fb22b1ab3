package extract

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
// tesseract reads on them. whole says every page is a scan.
func ocrPDF(ctx context.Context, data []byte, res pdfResult, pages []string, scans []int, whole bool, cfg pdfConfig) (pdfResult, error) {
	// The document may be a confidential draft: its copy and page images
	// live in a private directory that is removed afterwards (by the parent
	// process when this runs in the child, since a killed child cannot).
	dir := cfg.tempDir
	if dir == "" {
		d, err := os.MkdirTemp("", "s54-ocr-")
		if err != nil {
			return pdfResult{}, fmt.Errorf("ocr: %w", err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return pdfResult{}, fmt.Errorf("ocr: %w", err)
	}
	defer os.Remove(in)

	pages = slices.Clone(pages)
	for _, p := range scans {
		text, err := ocrPage(ctx, in, filepath.Join(dir, "page"), p)
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

func ocrPage(ctx context.Context, in, prefix string, page int) (string, error) {
	n := strconv.Itoa(page)
	if err := runOCRTool(ctx, nil, "pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", n, "-l", n, in, prefix); err != nil {
		return "", err
	}
	img := prefix + ".png"
	defer os.Remove(img)
	var out bytes.Buffer
	if err := runOCRTool(ctx, &out, "tesseract", img, "stdout"); err != nil {
		return "", err
	}
	return out.String(), nil
}

func runOCRTool(ctx context.Context, stdout *bytes.Buffer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	if stdout != nil {
		cmd.Stdout = stdout
	}
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
