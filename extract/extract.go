// Package extract turns the bytes of a statement (PDF, DOCX, HTML, plain
// text or Markdown) into the plain text the checker reads. The format is
// decided by magic bytes, never by a file name alone. Third-party parsers
// run behind recover() and a time limit; PDFs are parsed in worker processes
// because a malformed page tree can hang the parser in a way no goroutine
// can stop.
package extract

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/s54dev/s54/statement"
)

// Options bound extraction.
type Options struct {
	// MaxBytes is the largest input accepted, and the largest a DOCX may
	// unpack to.
	MaxBytes int64
	// Timeout bounds the extraction of one document.
	Timeout time.Duration
	// OCR runs tesseract on PDF pages without a text layer when it is
	// installed. It is slow (seconds per page), so it is off by default.
	OCR bool
	// Progress, when set, is told the pages of a scan read by OCR so
	// far and their total, as OCR goes (it takes seconds a page).
	Progress func(done, total int)
	// OCRPages bounds the scanned pages read by OCR (0: all, as time
	// allows); the pages left are said in a note.
	OCRPages int
	// InProcess parses PDFs in this process rather than in a worker. Only
	// for a process that exits once this one document is done (a one-shot
	// command): a parser that hangs is abandoned at the time limit, not
	// stopped, and dies with the process. It saves starting a second
	// process, which is most of the cost of a small PDF. OCR still runs in
	// a child, so that its tools are killed at the time limit.
	InProcess bool
	// Pool reads PDFs when InProcess is not set; nil is a pool shared by
	// the process, with a worker per processor.
	Pool *Pool
}

// DefaultOptions are the limits used by the CLI, the crawler and the web.
func DefaultOptions() Options {
	return Options{MaxBytes: 50 << 20, Timeout: 30 * time.Second}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MaxBytes <= 0 {
		o.MaxBytes = d.MaxBytes
	}
	if o.Timeout <= 0 {
		o.Timeout = d.Timeout
	}
	return o
}

// File extracts the text of the file at path. Its size is checked before it
// is read.
func File(ctx context.Context, path string, opts Options) (statement.Text, error) {
	opts = opts.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return statement.Text{}, fmt.Errorf("extract: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > opts.MaxBytes {
		return statement.Text{}, fmt.Errorf("extract: %s is %d MB, over the %d MB limit: %w",
			path, fi.Size()>>20, opts.MaxBytes>>20, ErrTooLarge)
	}
	return Reader(ctx, f, path, "", opts)
}

// Reader extracts the text of a document read from r, reading at most
// opts.MaxBytes. contentType is an optional hint (an HTTP Content-Type);
// source names the document in results and errors.
func Reader(ctx context.Context, r io.Reader, source, contentType string, opts Options) (statement.Text, error) {
	opts = opts.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return statement.Text{}, fmt.Errorf("extract: read %s: %w", source, err)
	}
	if int64(len(data)) > opts.MaxBytes {
		return statement.Text{}, fmt.Errorf("extract: %s is over the %d MB limit: %w", source, opts.MaxBytes>>20, ErrTooLarge)
	}
	return Bytes(ctx, data, source, contentType, opts)
}
