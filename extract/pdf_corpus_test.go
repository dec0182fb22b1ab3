package extract_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/s54dev/s54/extract"
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
			recall, precision := wordOverlap(string(ref), got.Body)
			t.Logf("recall %.3f precision %.3f", recall, precision)
			if recall < 0.97 || precision < 0.97 {
				t.Errorf("recall %.3f, precision %.3f against pdftotext; want 0.97 or more", recall, precision)
			}
		})
	}
}

// wordOverlap is word-level recall and precision of got against ref,
// words compared with surrounding punctuation trimmed.
func wordOverlap(ref, got string) (recall, precision float64) {
	count := func(s string) (map[string]int, int) {
		m, n := map[string]int{}, 0
		for _, w := range strings.Fields(s) {
			w = strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
			if w != "" {
				m[w]++
				n++
			}
		}
		return m, n
	}
	r, nr := count(ref)
	g, ng := count(got)
	common := 0
	for w, n := range r {
		common += min(n, g[w])
	}
	return float64(common) / float64(max(nr, 1)), float64(common) / float64(max(ng, 1))
}
