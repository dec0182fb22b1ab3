package extract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

// FuzzPDFInProcess feeds mutated PDFs to the in-process reader: whatever
// the input, it returns text or an "extract:" error, and never panics.
// Hangs are out of its reach (FuzzPDFPrimary, in the package, finds those).
func FuzzPDFInProcess(f *testing.F) {
	for _, seed := range [][]byte{
		simplePDF(), positionedWordsPDF(), kernedPDF(), cidPDF(), formPDF(),
		imageOnlyPDF(1, 0, 0, nil), typedThenScannedPDF(), loopingTreePDF(), badStartxrefPDF(),
	} {
		f.Add(seed)
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "pdf", "*.pdf"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := extract.PDFInProcess(data, extract.Options{})
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "extract: ") {
				t.Errorf("error %q lacks the extract: prefix", msg)
			}
			return
		}
		if got.Format != statement.FormatPDF || got.Pages < 1 {
			t.Errorf("result format %q, %d pages", got.Format, got.Pages)
		}
	})
}
