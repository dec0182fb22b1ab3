package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"
)

// A malformed PDF can make a parser loop forever; no goroutine can be
// stopped from outside, so each PDF is parsed by a copy of this program
// started as a child, which is killed when the time is up. The child is the
// same executable run with childEnv set: it reads a one-line JSON request
// and the PDF on stdin and writes one JSON response on stdout.

const (
	childEnv = "S54_EXTRACT_CHILD"
	// childMemoryLimit is the child's soft heap limit. pdfium compiling its
	// module without a cache peaks near 320 MB.
	childMemoryLimit = 1 << 30
	// maxChildOutput bounds what the parent buffers from a child.
	maxChildOutput = 256 << 20
)

// childReady records that the program calls RunChildIfRequested first
// thing, so that re-executing it reaches the child code.
var childReady atomic.Bool

// RunChildIfRequested runs the PDF child work and exits when this process
// was started as an extraction child; otherwise it returns at once. A
// program that extracts PDFs must call it first thing in main (and in
// TestMain): until it has, PDFs are parsed in-process, with the time limit
// enforced but a hang left running in the background.
func RunChildIfRequested() {
	if os.Getenv(childEnv) != "pdf" {
		childReady.Store(true)
		return
	}
	os.Exit(childMain(os.Stdin, os.Stdout))
}

type childRequest struct {
	OCR     bool          `json:"ocr,omitempty"`
	Timeout time.Duration `json:"timeout"`
}

type childResponse struct {
	Result *pdfResult `json:"result,omitempty"`
	Kind   string     `json:"kind,omitempty"`
	Detail string     `json:"detail,omitempty"`
}

var pdfErrorKinds = map[string]error{
	"empty": ErrEmpty, "too_large": ErrTooLarge, "unsupported": ErrUnsupported,
	"corrupt": ErrCorrupt, "encrypted": ErrEncrypted, "no_text_layer": ErrNoTextLayer,
	"timeout": ErrTimeout,
}

func childMain(in io.Reader, out io.Writer) int {
	debug.SetMemoryLimit(childMemoryLimit)
	br := bufio.NewReader(in)
	var req childRequest
	line, err := br.ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &req)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "extract: bad request to the pdf child: %v\n", err)
		return 2
	}
	if req.Timeout > 0 {
		// The parent kills the child at the deadline; this covers a parent
		// that died without doing so.
		time.AfterFunc(req.Timeout+5*time.Second, func() { os.Exit(3) })
	}
	data, err := io.ReadAll(br)
	if err != nil {
		fmt.Fprintf(os.Stderr, "extract: read pdf: %v\n", err)
		return 2
	}
	var resp childResponse
	res, err := extractPDF(context.Background(), data, pdfConfig{ocr: req.OCR})
	if err != nil {
		resp.Detail = err.Error()
		var pe *pdfError
		if errors.As(err, &pe) {
			resp.Detail = pe.detail
			for name, kind := range pdfErrorKinds {
				if pe.kind == kind {
					resp.Kind = name
				}
			}
		}
	} else {
		resp.Result = &res
	}
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		fmt.Fprintf(os.Stderr, "extract: write result: %v\n", err)
		return 2
	}
	return 0
}

// runPDFChild extracts data in a child process bounded by opts.Timeout.
func runPDFChild(ctx context.Context, data []byte, source string, opts Options) (pdfResult, error) {
	tctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	// OCR runs external tools: only a child, killed with its process
	// group at the deadline, stops them too.
	if opts.InProcess && !opts.OCR || !childReady.Load() {
		return runPDFGoroutine(ctx, tctx, data, source, opts)
	}
	exe, err := os.Executable()
	if err != nil {
		return pdfResult{}, wrapPDFError(source, fmt.Errorf("start the pdf reader: %w", err))
	}
	req := childRequest{OCR: opts.OCR, Timeout: opts.Timeout}
	hdr, err := json.Marshal(req)
	if err != nil {
		return pdfResult{}, wrapPDFError(source, err)
	}

	cmd := exec.CommandContext(tctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"=pdf")
	cmd.Stdin = io.MultiReader(bytes.NewReader(append(hdr, '\n')), bytes.NewReader(data))
	stdout := &pdfCappedBuffer{max: maxChildOutput}
	stderr := &pdfCappedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = 2 * time.Second
	isolateChild(cmd)
	runErr := cmd.Run()

	if tctx.Err() != nil {
		return pdfResult{}, pdfDeadlineError(ctx, source, opts.Timeout)
	}
	var resp childResponse
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		// No answer: the child crashed (out of memory, a fatal runtime
		// error) or could not start.
		detail := "the pdf reader stopped without a result"
		if runErr != nil {
			detail += " (" + runErr.Error() + ")"
		}
		if msg := pdfFirstLine(stderr.String()); msg != "" {
			detail += ": " + msg
		}
		return pdfResult{}, wrapPDFError(source, &pdfError{ErrCorrupt, detail})
	}
	if resp.Result != nil {
		return *resp.Result, nil
	}
	if kind := pdfErrorKinds[resp.Kind]; kind != nil {
		return pdfResult{}, wrapPDFError(source, &pdfError{kind, resp.Detail})
	}
	return pdfResult{}, wrapPDFError(source, errors.New(resp.Detail))
}

// runPDFGoroutine serves one-shot commands (Options.InProcess) and programs
// that never called RunChildIfRequested (re-executing them would run their
// main, not the child): the time limit still holds for the caller, but a
// parser that hangs keeps a goroutine busy until the process exits.
func runPDFGoroutine(ctx, tctx context.Context, data []byte, source string, opts Options) (pdfResult, error) {
	type outcome struct {
		res pdfResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := extractPDF(tctx, data, pdfConfig{ocr: opts.OCR})
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			return pdfResult{}, wrapPDFError(source, o.err)
		}
		return o.res, nil
	case <-tctx.Done():
		return pdfResult{}, pdfDeadlineError(ctx, source, opts.Timeout)
	}
}

func pdfDeadlineError(ctx context.Context, source string, limit time.Duration) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return wrapPDFError(source, ctx.Err())
	}
	return wrapPDFError(source, fmt.Errorf("%w after %s", ErrTimeout, limit))
}

func wrapPDFError(source string, err error) error {
	if source == "" {
		return fmt.Errorf("extract: %w", err)
	}
	return fmt.Errorf("extract: %s: %w", source, err)
}

func pdfFirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// cappedBuffer keeps the first max bytes written and fails after that, so
// that a runaway child cannot exhaust the parent's memory.
type pdfCappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *pdfCappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, errors.New("output too large")
	}
	return b.Buffer.Write(p)
}
