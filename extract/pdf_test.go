package extract_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/internal/golden"
	"github.com/s54dev/s54/internal/testpdf"
	"github.com/s54dev/s54/statement"
)

const pdfiumNote = "read with the pdfium fallback"
const pdfcpuNote = "decrypted or repaired with pdfcpu before reading"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "pdf", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestPDFInProcess(t *testing.T) {
	tests := []struct {
		name  string
		data  func(testing.TB) []byte
		body  string
		pages int
		title string
		note  string
	}{
		{
			name: "simple", data: func(testing.TB) []byte { return simplePDF() },
			body: "Modern Slavery Statement\n\nNorthwind Widgets Ltd sets out the steps it took\n" +
				"during the financial year to 31 March 2025.\n\nOur supply chains include two (2) factories." +
				"\fThis statement was approved by the board.",
			pages: 2, title: "Northwind statement",
		},
		{
			name: "positioned words", data: func(testing.TB) []byte { return positionedWordsPDF() },
			body: "Supplier audits found no forced labour.", pages: 1,
		},
		{
			name: "kerned runs", data: func(testing.TB) []byte { return kernedPDF() },
			body: "See Annexure 1 for details\nAnnex B", pages: 1,
		},
		{
			name: "cid font", data: func(testing.TB) []byte { return cidPDF() },
			body: "DEF ABC\nfined", pages: 1,
		},
		{
			name: "form xobject", data: func(testing.TB) []byte { return formPDF() },
			body: "Page text first.\n\nText inside a nested form.", pages: 1,
		},
		{
			name: "aes-128, empty user password", data: func(t testing.TB) []byte { return fixture(t, "aes128.pdf") },
			body: "Modern Slavery Statement", pages: 2, title: "Northwind statement",
		},
		{
			name: "aes-256, empty user password", data: func(t testing.TB) []byte { return fixture(t, "aes256.pdf") },
			body: "Modern Slavery Statement", pages: 2, title: "Northwind statement", note: pdfcpuNote,
		},
		{
			name: "wrong startxref", data: func(testing.TB) []byte { return badStartxrefPDF() },
			body: "Modern Slavery Statement", pages: 2, title: "Northwind statement", note: pdfcpuNote,
		},
		{
			name: "looping page tree", data: func(testing.TB) []byte { return loopingTreePDF() },
			body: "A page in a looping tree.", note: pdfiumNote,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.note == pdfiumNote && testing.Short() {
				t.Skip("pdfium fallback: slow to start without a compilation cache")
			}
			got, err := extract.PDFInProcess(tt.data(t), extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(tt.body, "\n") || tt.note == "" && tt.pages == 1 {
				if got.Body != tt.body {
					t.Errorf("body:\n%q\nwant\n%q", got.Body, tt.body)
				}
			} else if !strings.Contains(got.Body, tt.body) {
				t.Errorf("body %q does not contain %q", got.Body, tt.body)
			}
			if tt.pages != 0 && got.Pages != tt.pages {
				t.Errorf("pages = %d, want %d", got.Pages, tt.pages)
			}
			if got.Title != tt.title {
				t.Errorf("title = %q, want %q", got.Title, tt.title)
			}
			if got.Format != statement.FormatPDF {
				t.Errorf("format = %q", got.Format)
			}
			notes := strings.Join(got.Notes, "|")
			for _, n := range []string{pdfiumNote, pdfcpuNote} {
				if strings.Contains(notes, n) != (tt.note == n) {
					t.Errorf("notes = %q, want %q", got.Notes, tt.note)
				}
			}
		})
	}
}

func TestPDFInProcessErrors(t *testing.T) {
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)
	simple := simplePDF()
	tests := []struct {
		name   string
		data   func(testing.TB) []byte
		want   error
		slow   bool // goes to the pdfium fallback
		phrase string
	}{
		{name: "no bytes", data: func(testing.TB) []byte { return nil }, want: extract.ErrEmpty},
		{name: "random bytes", data: func(testing.TB) []byte { return random }, want: extract.ErrUnsupported},
		{name: "header then garbage", slow: true, want: extract.ErrCorrupt, phrase: "corrupt document: ",
			data: func(testing.TB) []byte { return append([]byte("%PDF-1.4\n"), random...) }},
		{name: "truncated", slow: true, want: extract.ErrCorrupt,
			data: func(testing.TB) []byte { return simple[:len(simple)/3] }},
		{name: "scan", want: extract.ErrNoTextLayer, phrase: "--ocr",
			data: func(testing.TB) []byte { return imageOnlyPDF(2, 0, 0, nil) }},
		{name: "blank page", want: extract.ErrEmpty,
			data: func(testing.TB) []byte {
				return testpdf.Doc("", testpdf.Page{Content: "0 0 m 10 10 l S", Resources: "<< >>"})
			}},
		{name: "user password", slow: true, want: extract.ErrEncrypted, phrase: "password",
			data: func(t testing.TB) []byte { return fixture(t, "aes256-user.pdf") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.slow && testing.Short() {
				t.Skip("pdfium fallback: slow to start without a compilation cache")
			}
			got, err := extract.PDFInProcess(tt.data(t), extract.Options{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v (body %q), want %v", err, got.Body, tt.want)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "extract: ") || strings.Contains(msg, "\n") || !strings.Contains(msg, tt.phrase) {
				t.Errorf("message %q: want one line starting with \"extract: \" containing %q", msg, tt.phrase)
			}
		})
	}
}

func TestPDFScannedPage(t *testing.T) {
	got, err := extract.PDFInProcess(typedThenScannedPDF(), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Pages != 2 || !strings.HasPrefix(got.Body, "Our policies forbid forced labour") {
		t.Errorf("got %d pages, body %q", got.Pages, got.Body)
	}
	want := "page 2 is scanned without a text layer; --ocr can read it"
	if len(got.Notes) != 1 || got.Notes[0] != want {
		t.Errorf("notes = %q, want %q", got.Notes, want)
	}
}

// The tests below go through Bytes, which uses a worker process: under go
// test the worker is this test binary (see pdf_worker.go).

func TestBytesRunsChild(t *testing.T) {
	got, err := extract.Bytes(context.Background(), simplePDF(), "northwind.pdf", "application/pdf", extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := extract.PDFInProcess(simplePDF(), extract.Options{})
	if got.Body != want.Body || got.Pages != 2 || got.Title != want.Title || got.Source != "northwind.pdf" {
		t.Errorf("child result %+v differs from in-process %+v", got, want)
	}
}

func TestBytesChildErrors(t *testing.T) {
	_, err := extract.Bytes(context.Background(), imageOnlyPDF(1, 0, 0, nil), "scan.pdf", "", extract.Options{})
	if !errors.Is(err, extract.ErrNoTextLayer) {
		t.Fatalf("err = %v, want ErrNoTextLayer", err)
	}
	if !strings.HasPrefix(err.Error(), "extract: scan.pdf: no text layer") {
		t.Errorf("message %q", err)
	}
}

func TestBytesTimeout(t *testing.T) {
	_, err := extract.Bytes(context.Background(), slowPDF(), "slow.pdf", "", extract.Options{Timeout: 300 * time.Millisecond})
	if !errors.Is(err, extract.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestBytesCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := extract.Bytes(ctx, slowPDF(), "slow.pdf", "", extract.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestBytesLoopingTreeWithinLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("pdfium fallback: slow to start without a compilation cache")
	}
	_, err := extract.Bytes(context.Background(), loopingTreePDF(), "loop.pdf", "", extract.Options{Timeout: time.Minute})
	if err != nil && !errors.Is(err, extract.ErrCorrupt) {
		t.Fatalf("err = %v", err)
	}
}

// TestOCR turns the simple PDF into a scan with pdftoppm and reads it back.
func TestOCR(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR takes seconds")
	}
	for _, tool := range []string{"pdftoppm", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	// The top of page 1 at 300 dpi, as an 8-bit grey PGM on stdout.
	cmd := exec.Command("pdftoppm", "-r", "300", "-gray", "-f", "1", "-l", "1", "-x", "250", "-y", "0", "-W", "1900", "-H", "800", "-")
	cmd.Stdin = bytes.NewReader(simplePDF())
	pgm, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	w, h, pixels := parsePGM(t, pgm)
	scan := imageOnlyPDF(1, w, h, pixels)

	if _, err := extract.PDFInProcess(scan, extract.Options{}); !errors.Is(err, extract.ErrNoTextLayer) {
		t.Fatalf("without OCR: err = %v, want ErrNoTextLayer", err)
	}
	// read in a worker of the pool, which tells the pages as it goes
	var seen [][2]int
	got, err := extract.Bytes(context.Background(), scan, "scan.pdf", "", extract.Options{OCR: true, Timeout: time.Minute,
		Progress: func(done, total int) { seen = append(seen, [2]int{done, total}) }})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(seen) != "[[0 1] [1 1]]" {
		t.Errorf("progress %v, want page 0 of 1, then 1 of 1", seen)
	}
	if !strings.Contains(got.Body, "Modern Slavery Statement") || !strings.Contains(got.Body, "Northwind") {
		t.Errorf("OCR text %q", got.Body)
	}
	if len(got.Notes) == 0 || !strings.Contains(got.Notes[len(got.Notes)-1], "OCR") {
		t.Errorf("notes = %q, want an OCR note", got.Notes)
	}
}

func parsePGM(t *testing.T, b []byte) (w, h int, pixels []byte) {
	t.Helper()
	var maxv, n int
	fields := 0
	i := 2 // after "P5"
	for fields < 3 {
		for b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t' {
			i++
		}
		v := 0
		for b[i] >= '0' && b[i] <= '9' {
			v = v*10 + int(b[i]-'0')
			i++
		}
		switch fields {
		case 0:
			w = v
		case 1:
			h = v
		case 2:
			maxv = v
		}
		fields++
	}
	i++ // one whitespace byte ends the header
	n = w * h
	if string(b[:2]) != "P5" || maxv != 255 || len(b) < i+n {
		t.Fatalf("unexpected PGM output from pdftoppm")
	}
	return w, h, b[i : i+n]
}

// TestWritePDFFixtures regenerates testdata/pdf with -update. The
// encrypted copies are made by qpdf, which the other tests do not need.
func TestWritePDFFixtures(t *testing.T) {
	if !golden.Update() {
		t.Skip("run with -update to rewrite testdata/pdf")
	}
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("testdata/pdf is made with qpdf, which is not installed")
	}
	dir := filepath.Join("..", "testdata", "pdf")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(t.TempDir(), "plain.pdf")
	if err := os.WriteFile(plain, simplePDF(), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"aes128.pdf":      {"--encrypt", "", "owner-pw", "128", "--use-aes=y", "--"},
		"aes256.pdf":      {"--encrypt", "", "owner-pw", "256", "--"},
		"aes256-user.pdf": {"--encrypt", "user-pw", "owner-pw", "256", "--"},
	} {
		args = append([]string{"--static-id", "--static-aes-iv"}, append(args, plain, filepath.Join(dir, name))...)
		if out, err := exec.Command("qpdf", args...).CombinedOutput(); err != nil {
			t.Fatalf("qpdf %v: %v: %s", args, err, out)
		}
	}
}

// TestPDFContentBomb: a small PDF whose page decompresses to 40 MB of one
// text string costs that page, not gigabytes of memory; the other page is
// read.
func TestPDFContentBomb(t *testing.T) {
	huge := "BT /F1 11 Tf 72 760 Td (" + strings.Repeat("A", 40<<20) + ") Tj ET"
	data := testpdf.Doc("",
		testpdf.Page{Content: huge, Resources: testpdf.Helvetica, Flate: true},
		testpdf.Page{Content: "BT /F1 11 Tf 72 760 Td (This statement was approved by the board.) Tj ET", Resources: testpdf.Helvetica})
	if len(data) > 1<<20 {
		t.Fatalf("fixture is %d bytes, want a small file", len(data))
	}
	got, err := extract.PDFInProcess(data, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Body, "approved by the board") || strings.Contains(got.Body, "AAAA") {
		t.Errorf("body %.100q", got.Body)
	}
	if !strings.Contains(strings.Join(got.Notes, "|"), "page 1 is too large to read") {
		t.Errorf("notes %q", got.Notes)
	}
}

// TestTestPDFText: the documents internal/testpdf.Text lays out, which the
// fake web serves as statements, read back as their paragraphs, pages and
// WinAnsi characters included.
func TestTestPDFText(t *testing.T) {
	var paras []string
	for i := range 30 {
		paras = append(paras, fmt.Sprintf("Paragraph %d: our suppliers in the UK sign a code of conduct that forbids forced labour, and we check it each year with audits costing £%d,000 – “unannounced” where we can.", i, i+1))
	}
	data := testpdf.Text("Modern Slavery Statement 2025", paras...)
	got, err := extract.PDFInProcess(data, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Pages < 2 {
		t.Errorf("%d pages, want the text to run onto a second page", got.Pages)
	}
	if got.Title != "Modern Slavery Statement 2025" {
		t.Errorf("title %q", got.Title)
	}
	body := strings.Join(strings.Fields(got.Body), " ")
	for _, want := range []string{"Modern Slavery Statement 2025", "Paragraph 0: our suppliers", "£30,000 – “unannounced” where we can."} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%.600s", want, got.Body)
		}
	}
}
