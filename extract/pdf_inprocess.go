package extract

import (
	"context"
	"errors"
	"fmt"
)

// readPDF extracts data within opts.Timeout: in a worker of the default
// pool, or, for a process that reads this one document and exits
// (Options.InProcess), in a goroutine of its own, where a parser that
// overstays is abandoned at the deadline and dies with the process. The
// pre-check (pdf_precheck.go) and the walker's bounds keep the known loops
// and bombs from starting at all.
func readPDF(ctx context.Context, data []byte, source string, opts Options) (pdfResult, error) {
	var res pdfResult
	var err error
	// OCR runs external tools: only a worker, killed with its process
	// group at the deadline, stops them too.
	if opts.InProcess && !opts.OCR {
		res, err = readPDFGoroutine(ctx, data, opts)
	} else {
		pool := opts.Pool
		if pool == nil {
			pool = defaultPool()
		}
		res, err = pool.extract(ctx, data, workerRequest{OCR: opts.OCR, OCRPages: opts.OCRPages, Timeout: opts.Timeout}, opts.Progress)
	}
	if err != nil {
		return pdfResult{}, wrapPDFError(source, err)
	}
	return res, nil
}

func readPDFGoroutine(ctx context.Context, data []byte, opts Options) (pdfResult, error) {
	tctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	type outcome struct {
		res pdfResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := extractPDF(tctx, data, pdfConfig{ocr: opts.OCR, ocrPages: opts.OCRPages, progress: opts.Progress})
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-tctx.Done():
		if errors.Is(ctx.Err(), context.Canceled) {
			return pdfResult{}, ctx.Err()
		}
		return pdfResult{}, fmt.Errorf("%w after %s", ErrTimeout, opts.Timeout)
	}
}

func wrapPDFError(source string, err error) error {
	if source == "" {
		return fmt.Errorf("extract: %w", err)
	}
	return fmt.Errorf("extract: %s: %w", source, err)
}
