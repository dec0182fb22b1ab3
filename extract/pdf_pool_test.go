package extract_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/internal/testpdf"
)

// Under go test the workers are this test binary, started again: the
// package's init serves as a worker when asked, with no TestMain.

func poolOptions(p *extract.Pool) extract.Options {
	return extract.Options{Pool: p, Timeout: 20 * time.Second}
}

// TestPoolReplacesKilledWorker: a worker past its deadline is killed, and
// the next document is read by a new one.
func TestPoolReplacesKilledWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a worker process")
	}
	p := extract.NewPool(extract.PoolOptions{Workers: 1})
	defer p.Close()
	opts := poolOptions(p)
	if _, err := extract.Bytes(context.Background(), simplePDF(), "a.pdf", "", opts); err != nil {
		t.Fatal(err)
	}
	opts.Timeout = 300 * time.Millisecond
	_, err := extract.Bytes(context.Background(), slowPDF(), "slow.pdf", "", opts)
	if !errors.Is(err, extract.ErrTimeout) {
		t.Fatalf("slow PDF: err = %v, want ErrTimeout", err)
	}
	opts.Timeout = 20 * time.Second
	got, err := extract.Bytes(context.Background(), simplePDF(), "b.pdf", "", opts)
	if err != nil || !strings.Contains(got.Body, "Northwind Widgets") {
		t.Fatalf("after the kill: %v, %q", err, got.Body)
	}
	if n := p.Started(); n != 2 {
		t.Errorf("started %d workers, want 2 (one killed, one new)", n)
	}
}

// TestPoolRecycles: a worker is replaced after MaxDocuments documents.
func TestPoolRecycles(t *testing.T) {
	p := extract.NewPool(extract.PoolOptions{Workers: 1, MaxDocuments: 2})
	defer p.Close()
	for i := range 5 {
		if _, err := extract.Bytes(context.Background(), simplePDF(), fmt.Sprint(i, ".pdf"), "", poolOptions(p)); err != nil {
			t.Fatal(err)
		}
	}
	if n := p.Started(); n != 3 {
		t.Errorf("5 documents, 2 per worker: started %d workers, want 3", n)
	}
}

// TestPoolCrashIsOneLine: a worker that dies (here at its memory limit,
// on a page holding one 30 MB string) is reported in one line, and
// replaced.
func TestPoolCrashIsOneLine(t *testing.T) {
	p := extract.NewPool(extract.PoolOptions{Workers: 1, MemoryLimit: 64 << 20})
	defer p.Close()
	content := "BT /F1 12 Tf 72 700 Td (" + strings.Repeat("a", 30<<20) + ") Tj ET"
	big := testpdf.Doc("", testpdf.Page{Content: content, Resources: testpdf.Helvetica, Flate: true})
	_, err := extract.Bytes(context.Background(), big, "big.pdf", "", poolOptions(p))
	if !errors.Is(err, extract.ErrCorrupt) || !strings.Contains(err.Error(), "needs more than the 64 MB of memory") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %q, want one line saying the reader ran out of memory", err)
	}
	if _, err := extract.Bytes(context.Background(), simplePDF(), "after.pdf", "", poolOptions(p)); err != nil {
		t.Fatalf("after the crash: %v", err)
	}
}

// TestPoolConcurrent reads documents from many goroutines through two
// workers (run with -race).
func TestPoolConcurrent(t *testing.T) {
	p := extract.NewPool(extract.PoolOptions{Workers: 2})
	defer p.Close()
	want, err := extract.PDFInProcess(simplePDF(), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := range 8 {
		wg.Go(func() {
			for i := range 5 {
				data := simplePDF()
				if (g+i)%4 == 0 {
					data = []byte("%PDF-1.7\nnot really a PDF\n%%EOF\n") // an error answer keeps the worker
				}
				got, err := extract.Bytes(context.Background(), data, "doc.pdf", "application/pdf", poolOptions(p))
				switch {
				case (g+i)%4 == 0 && err == nil:
					errs <- errors.New("junk read as a PDF")
				case (g+i)%4 != 0 && (err != nil || got.Body != want.Body):
					errs <- fmt.Errorf("got %v, %q", err, got.Body)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := p.Started(); n != 2 {
		t.Errorf("started %d workers for 2 slots", n)
	}
}

// TestWarmPDFium: a worker loads pdfium and stays to read the next PDF.
func TestWarmPDFium(t *testing.T) {
	if testing.Short() {
		t.Skip("pdfium: slow to compile without a cache")
	}
	if err := extract.WarmPDFium(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := extract.Bytes(context.Background(), simplePDF(), "a.pdf", "", extract.Options{}); err != nil {
		t.Fatal(err)
	}
}
