package extract

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"time"
)

// A malformed PDF can make a parser loop or eat memory in ways no
// goroutine can be stopped from, so PDFs are read by worker processes
// (pdf_pool.go) that are killed at the deadline or their memory limit. A
// worker is this same executable started with workerEnv set: the init
// below turns it into a worker before main, or a test's TestMain, runs, so
// every program that links this package can read PDFs in workers without
// a call of its own. A worker reads many documents, one after another,
// over a framed protocol on stdin and stdout.

const workerEnv = "S54_PDF_WORKER"

// Limits of a worker's own process: the kernel's, which the Go runtime
// cannot overrun, under the soft heap limit the collector works to.
const (
	// workerMemoryLimit bounds the memory the worker may map beyond what
	// it holds at start (see limitMemory). Past it an allocation fails
	// and the worker dies, which its pool reports and replaces. Real
	// statements need tens of MB; pdfium compiling its module without a
	// cache needs about 320 MB.
	workerMemoryLimit = 1 << 30
	// workerSoftLimit is where the collector starts working hard.
	workerSoftLimit = 768 << 20
	// workerMaxStack bounds one goroutine's stack: our walker recurses
	// only through forms, a dozen deep.
	workerMaxStack = 64 << 20
	// maxWorkerFrame bounds a frame either way: a document (at most
	// Options.MaxBytes) or a result (its text, at most maxTextBytes).
	maxWorkerFrame = 256 << 20
)

func init() {
	if os.Getenv(workerEnv) == "" {
		return
	}
	limit, _ := strconv.ParseInt(os.Getenv(workerEnv), 10, 64)
	os.Exit(serveWorker(os.Stdin, os.Stdout, limit))
}

// workerRequest precedes each document.
type workerRequest struct {
	OCR      bool          `json:"ocr,omitempty"`
	OCRPages int           `json:"ocr_pages,omitempty"`
	Timeout  time.Duration `json:"timeout"`
	// WarmPDFium loads the worker's pdfium module; no document comes.
	WarmPDFium bool `json:"warm_pdfium,omitempty"`
	// Progress asks for a frame with the OCR's pages done and total as
	// it goes, before the answer.
	Progress bool `json:"progress,omitempty"`
}

// workerResponse answers each document: a result, or an error kind and
// its detail.
type workerResponse struct {
	Result *pdfResult `json:"result,omitempty"`
	Kind   string     `json:"kind,omitempty"`
	Detail string     `json:"detail,omitempty"`
	// Progress, in a frame before the answer, is the OCR's pages done
	// and total.
	Progress *[2]int `json:"progress,omitempty"`
}

var pdfErrorKinds = map[string]error{
	"empty": ErrEmpty, "too_large": ErrTooLarge, "unsupported": ErrUnsupported,
	"corrupt": ErrCorrupt, "encrypted": ErrEncrypted, "no_text_layer": ErrNoTextLayer,
	"timeout": ErrTimeout,
}

// serveWorker reads documents until its input ends. memoryLimit (bytes)
// replaces workerMemoryLimit when positive.
func serveWorker(in io.Reader, out io.Writer, memoryLimit int64) int {
	if memoryLimit <= 0 {
		memoryLimit = workerMemoryLimit
	}
	debug.SetMaxStack(workerMaxStack)
	debug.SetMemoryLimit(min(workerSoftLimit, memoryLimit*3/4))
	if err := limitMemory(memoryLimit); err != nil {
		fmt.Fprintf(os.Stderr, "extract: pdf worker: %v\n", err)
	}
	longLived = true
	br, bw := bufio.NewReader(in), bufio.NewWriter(out)
	for {
		hdr, err := readFrame(br, 64<<10)
		if errors.Is(err, io.EOF) {
			return 0
		}
		var req workerRequest
		if err == nil {
			err = json.Unmarshal(hdr, &req)
		}
		var data []byte
		if err == nil {
			data, err = readFrame(br, maxWorkerFrame)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "extract: pdf worker: bad request: %v\n", err)
			return 2
		}
		var progress func(done, total int)
		if req.Progress {
			progress = func(done, total int) {
				if b, err := json.Marshal(workerResponse{Progress: &[2]int{done, total}}); err == nil && writeFrame(bw, b) == nil {
					bw.Flush()
				}
			}
		}
		resp, err := json.Marshal(workDocument(req, data, progress))
		if err == nil {
			err = writeFrame(bw, resp)
		}
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "extract: pdf worker: write result: %v\n", err)
			return 2
		}
	}
}

func workDocument(req workerRequest, data []byte, progress func(done, total int)) workerResponse {
	ctx := context.Background()
	if req.Timeout > 0 {
		// stop a little before the pool's deadline, so that a long OCR
		// returns the pages it read rather than being killed
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout-min(req.Timeout/10, 2*time.Second))
		defer cancel()
		// The pool kills a worker at the deadline; this covers a pool
		// that died without doing so.
		t := time.AfterFunc(req.Timeout+5*time.Second, func() { os.Exit(3) })
		defer t.Stop()
	}
	if req.WarmPDFium {
		if _, err := workerPDFium(); err != nil {
			return workerResponse{Kind: "corrupt", Detail: err.Error()}
		}
		return workerResponse{Result: &pdfResult{}}
	}
	res, err := extractPDF(ctx, data, pdfConfig{ocr: req.OCR, ocrPages: req.OCRPages, progress: progress})
	if err == nil {
		return workerResponse{Result: &res}
	}
	resp := workerResponse{Detail: err.Error()}
	var pe *pdfError
	if errors.As(err, &pe) {
		resp.Detail = pe.detail
		for name, kind := range pdfErrorKinds {
			if pe.kind == kind {
				resp.Kind = name
			}
		}
	}
	return resp
}

// A frame is a big-endian uint32 length and that many bytes.

func writeFrame(w io.Writer, p []byte) error {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(p)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	_, err := w.Write(p)
	return err
}

func readFrame(r io.Reader, limit int) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if int64(size) > int64(limit) {
		return nil, fmt.Errorf("frame of %d bytes, over %d", size, limit)
	}
	p := make([]byte, size)
	if _, err := io.ReadFull(r, p); err != nil {
		return nil, fmt.Errorf("short frame: %w", io.ErrUnexpectedEOF)
	}
	return p, nil
}
