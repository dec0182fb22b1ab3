package extract_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

// fuzzExtract runs Bytes on data and fails on what must never happen: a
// recovered panic, a timeout on a small input, invalid UTF-8, a body that breaks the text contract, an
// error that is not one "extract:" line. PDFs belong to the PDF fuzzers.
func fuzzExtract(t *testing.T, data []byte, name, contentType string) {
	if extract.Detect(data, name, contentType) == statement.FormatPDF {
		t.Skip()
	}
	got, err := extract.Bytes(context.Background(), data, name, contentType,
		extract.Options{MaxBytes: 4 << 20, Timeout: 10 * time.Second})
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "parser panicked") || errors.Is(err, extract.ErrTimeout) {
			t.Fatalf("%v", err)
		}
		if !strings.HasPrefix(msg, "extract: ") || strings.Contains(msg, "\n") {
			t.Fatalf("error is not one extract line: %q", msg)
		}
		return
	}
	checkTextContract(t, got.Body)
	if got.Body == "" {
		t.Fatal("empty body without ErrEmpty")
	}
	if !utf8.ValidString(got.Title) {
		t.Fatalf("title is not valid UTF-8: %q", got.Title)
	}
}

// addFixtures seeds f with the files of testdata/<dir>.
func addFixtures(f *testing.F, dirs ...string) {
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*"))
		for _, path := range files {
			if strings.HasSuffix(path, ".golden") {
				continue
			}
			if data, err := os.ReadFile(path); err == nil {
				f.Add(data)
			}
		}
	}
}

func FuzzHTML(f *testing.F) {
	addFixtures(f, "html")
	f.Add([]byte("<p>a<table><tr><td>b<td>c</table><br>d"))
	f.Add([]byte(strings.Repeat("<div>", 600) + "deep"))
	f.Add([]byte(`<meta charset="shift_jis"><p>` + "\x82\xa0" + `</p>`))
	f.Add([]byte(`<meta http-equiv="refresh" content="0;url=">`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzExtract(t, data, "fuzz.html", "text/html")
	})
}

// FuzzDOCX fuzzes word/document.xml, zipped in the target: mutating the
// deflated bytes of a whole .docx would mostly test archive/zip.
func FuzzDOCX(f *testing.F) {
	p := `<w:p><w:r><w:t xml:space="preserve">text </w:t><w:tab/><w:br/></w:r></w:p>`
	f.Add([]byte(wordDocument(p)))
	f.Add([]byte(wordDocument(`<w:tbl><w:tr><w:tc>` + p + `<w:tbl><w:tr><w:tc>` + p + `</w:tc></w:tr></w:tbl></w:tc><w:tc/></w:tr></w:tbl>`)))
	f.Add([]byte(wordDocument(`<w:p><w:del><w:r><w:delText>x</w:delText></w:r></w:del><w:ins><w:r><w:t>y</w:t></w:r></w:ins></w:p>`)))
	f.Add([]byte(wordDocument(`<w:p><w:r><mc:AlternateContent><mc:Choice>` + p + `</mc:Choice><mc:Fallback>` + p + `</mc:Fallback></mc:AlternateContent></w:r></w:p>`)))
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-16"?><w:document/>`))
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1252"?><w:document><w:p><w:t>` + "\xa3" + `</w:t></w:p></w:document>`))
	f.Fuzz(func(t *testing.T, xml []byte) {
		fuzzExtract(t, buildDOCX(t, "word/document.xml", string(xml), "docProps/core.xml", string(xml)), "fuzz.docx", "")
	})
}

func FuzzText(f *testing.F) {
	addFixtures(f, "text", "bad")
	f.Add([]byte("---\ntitle: x\n---\n# H\n[a](b) **c** <!-- d"))
	f.Add([]byte("\xff\xfe\x00\xd8"))          // UTF-16 with an unpaired surrogate
	f.Add([]byte("caf\xe9 \xe2\x80 \xf0\x9f")) // truncated UTF-8 sequences
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzExtract(t, data, "fuzz.txt", "")
		fuzzExtract(t, data, "fuzz.md", "")
	})
}
