package extract

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// pdfium reads what ledongthuc/pdf cannot: AES-256 encryption, damaged
// cross-reference tables, looping page trees. It is pdfium compiled to
// WebAssembly and run by wazero, so it needs no cgo; compiling the module
// takes seconds, so the compiled code is cached on disk.

var (
	errPDFiumPassword = pdfiumerrors.ErrPassword
	errPDFiumSecurity = pdfiumerrors.ErrSecurity
)

type pdfiumResult struct {
	pdfResult
	images []int // image objects per page; only counted on pages without text
}

// pdfiumRead opens data with pdfium. When walkCopy is set it first asks for
// a decrypted, repaired copy and walks that: faster than pdfium's own page
// parsing in WebAssembly, and laid out like every other PDF. When the copy
// does not walk cleanly (a looping page tree survives the copy), pdfium
// reads the text itself.
func pdfiumRead(ctx context.Context, data []byte, walkCopy bool) (res pdfiumResult, wr *walkResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, wr, err = pdfiumResult{}, nil, fmt.Errorf("pdfium failure: %v", r)
		}
	}()
	inst, err := pdfiumInstance(ctx)
	if err != nil {
		return res, nil, fmt.Errorf("start pdfium: %w", err)
	}
	defer inst.Close()

	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		return res, nil, err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})

	// The copy of a repaired file can lose the Info dictionary; pdfium
	// found it while repairing.
	if md, err := inst.GetMetaData(&requests.GetMetaData{Document: doc.Document, Tags: &[]string{"Title"}}); err == nil && len(md.Tags) > 0 {
		res.Title = cleanPDFTitle(md.Tags[0].Value)
	}
	if walkCopy {
		if cw := walkPDFiumCopy(inst, doc.Document); cw != nil {
			cw.title = cmp.Or(cw.title, res.Title)
			return res, cw, nil
		}
	}

	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return res, nil, err
	}
	if count.PageCount <= 0 {
		return res, nil, errors.New("no pages")
	}
	n := min(count.PageCount, maxPages)
	pages := make([]string, 0, n)
	res.images = make([]int, n)
	var failed []int
	var firstErr error
	for i := range n {
		if err := ctx.Err(); err != nil {
			return res, nil, err
		}
		// A page that cannot be loaded (a looping tree counts pages that
		// are not there) costs that page, not the document.
		text, images, err := pdfiumPage(inst, doc.Document, i)
		if err != nil {
			failed = append(failed, i+1)
			firstErr = cmp.Or(firstErr, fmt.Errorf("page %d: %w", i+1, err))
		}
		res.images[i] = images
		pages = append(pages, text)
	}
	if len(failed) == n {
		return res, nil, firstErr
	}
	if len(failed) > 0 {
		res.Notes = append(res.Notes, "could not read "+pageNumbers(failed))
	}
	res.Body = strings.Join(dehyphenate(pages), "\f")
	res.Pages = len(pages)
	return res, nil, nil
}

// walkPDFiumCopy walks the copy pdfium saves without encryption and with
// a rebuilt cross-reference table, or returns nil when that fails.
func walkPDFiumCopy(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT) *walkResult {
	cp, err := inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: doc, Flags: requests.SaveFlagRemoveSecurity})
	if err != nil || cp.FileBytes == nil {
		return nil
	}
	r, err := openPDF(*cp.FileBytes)
	if err != nil {
		return nil
	}
	wr, err := walkPDF(r)
	if err != nil || len(wr.failed) > 0 || wr.unmapped > wr.mapped {
		return nil
	}
	return wr
}

// pdfiumPage reads a page's text in one call: GetPageText, the
// convenient request, crosses into WebAssembly once per character and is
// five times slower.
func pdfiumPage(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, index int) (text string, images int, err error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: index})
	if err != nil {
		return "", 0, err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	ref := requests.Page{ByReference: &page.Page}
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: ref})
	if err != nil {
		return "", 0, err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return "", 0, err
	}
	if n.Count > 0 {
		t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: n.Count})
		if err != nil {
			return "", 0, err
		}
		// pdfium joins a word hyphenated at the end of a line and marks
		// the hyphen it removed with U+FFFE; restored, the break goes
		// through dehyphenate like the walker's.
		text = normalizePDFPage(strings.ReplaceAll(t.Text, "\ufffe", "-\n"))
	}
	if pdfLetters(text) < scanLetters {
		images = countImages(inst, ref)
	}
	return text, images, nil
}

func countImages(inst pdfium.Pdfium, page requests.Page) int {
	objs, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return 0
	}
	n := 0
	for i := range objs.Count {
		obj, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: i})
		if err != nil {
			continue
		}
		t, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: obj.PageObject})
		if err == nil && t.Type == enums.FPDF_PAGEOBJ_IMAGE {
			n++
		}
	}
	return n
}

// longLived is set in a PDF worker, which reads many documents: it keeps
// one pdfium module for all of them rather than compiling one for each.
var longLived bool

// workerPDFium is the worker's module, made on first use.
var workerPDFium = sync.OnceValues(func() (pdfium.Pool, error) { return newPDFiumPool(context.Background()) })

// pdfiumInstance returns a pdfium instance: the worker's, or one whose
// module lives as long as ctx (a one-shot command reads one document).
func pdfiumInstance(ctx context.Context) (pdfium.Pdfium, error) {
	if longLived {
		pool, err := workerPDFium()
		if err != nil {
			return nil, err
		}
		return pool.GetInstanceWithContext(ctx)
	}
	pool, err := newPDFiumPool(ctx)
	if err != nil {
		return nil, err
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return closingInstance{inst, pool}, nil
}

// closingInstance closes its pool with it.
type closingInstance struct {
	pdfium.Pdfium
	pool pdfium.Pool
}

func (c closingInstance) Close() error {
	err := c.Pdfium.Close()
	c.pool.Close()
	return err
}

func newPDFiumPool(ctx context.Context) (pdfium.Pool, error) {
	return webassembly.Init(webassembly.Config{
		Context:       ctx,
		MinIdle:       1,
		MaxIdle:       1,
		MaxTotal:      1,
		RuntimeConfig: wazeroConfig(),
		// Bytes are passed in memory; the module gets no file system, and
		// its output must not reach the worker's stdout, which carries
		// results.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
	})
}

// WarmPDFium has a worker of the shared pool load pdfium, compiling it
// into the on-disk cache if it is not there yet, so that the first damaged
// PDF a server meets is not read within the time a cold compile takes
// (2.5–3.4 s and 300 MB, in the worker) and mistaken for an attack. It is
// for servers to call once at start, in the background.
func WarmPDFium(ctx context.Context) error {
	if _, err := defaultPool().extract(ctx, nil, workerRequest{WarmPDFium: true, Timeout: time.Minute}, nil); err != nil {
		return fmt.Errorf("extract: warm pdfium: %w", err)
	}
	return nil
}

// wazeroConfig is go-pdfium's default runtime configuration plus an
// on-disk compilation cache: without it every child spends 2.5–3.4 s and
// about 300 MB compiling pdfium; with it, about 80 ms. A cache that cannot
// be created only costs that time.
func wazeroConfig() wazero.RuntimeConfig {
	// The module lowers setjmp/longjmp to WebAssembly exception handling,
	// which a custom configuration must keep enabling.
	rc := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithCloseOnContextDone(true)
	dir, err := os.UserCacheDir()
	if err != nil {
		return rc
	}
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "s54", "wazero"))
	if err != nil {
		return rc
	}
	return rc.WithCompilationCache(cache)
}
