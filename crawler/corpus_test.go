package crawler

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestCorpusPages reads real pages as published (../shared/corpus/web):
// statement pages are taken as statements, a gender pay gap page is not,
// and a stub that moved is followed by its meta refresh.
func TestCorpusPages(t *testing.T) {
	t.Parallel()
	dir := "../../shared/corpus/web"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/corpus is absent")
	}
	for file, want := range map[string]bool{
		"011.html": true, "243.html": true, "244.html": true, "417.html": true, "420.html": true,
		"012.html": false, // gender pay gap
		"014.html": false, // meta refresh stub
		"016.html": false, // a page that links to the statement PDF
	} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if got := looksLikeStatement(doc); got != want {
			t.Errorf("%s: looks like a statement %v, want %v", file, got, want)
		}
		if file == "014.html" {
			if to := metaRefresh(doc, "https://www.example.co.uk/modern-slavery-statement/"); to != "https://www.example.co.uk/anti-slavery-policy/" {
				t.Errorf("014.html: meta refresh to %q", to)
			}
		}
	}
}
