package extract_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/internal/wordcmp"
)

// corpusPDFDir is ../shared/corpus/pdf next to the repository: real
// published statements, which are not part of the repository. Tests that
// read them skip when it is absent.
func corpusPDFDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
	corpus := filepath.Join(dir, "..", "shared", "corpus", "pdf")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("no corpus at %s", corpus)
	}
	return corpus
}

// TestPDFCorpus checks that every real text PDF opens, scans are reported
// as such, and, when poppler's pdftotext is installed, that the words
// match its output.
func TestPDFCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusPDFDir(t), "*.pdf"))
	_, err := exec.LookPath("pdftotext")
	havePdftotext := err == nil
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := extract.PDFInProcess(data, extract.Options{})
			if errors.Is(err, extract.ErrNoTextLayer) {
				t.Logf("reported as a scan: %v", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Pages == 0 || len(got.Body) < 200 {
				t.Errorf("%d pages, %d bytes of text", got.Pages, len(got.Body))
			}
			if !havePdftotext {
				return
			}
			ref, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
			if err != nil {
				t.Skipf("pdftotext: %v", err)
			}
			recall, precision := wordcmp.RecallPrecision(string(ref), got.Body)
			t.Logf("recall %.3f precision %.3f", recall, precision)
			if recall < 0.97 || precision < 0.97 {
				t.Errorf("recall %.3f, precision %.3f against pdftotext; want 0.97 or more", recall, precision)
			}
		})
	}
}
