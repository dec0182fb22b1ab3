package extract_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/extract"
)

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// wordDocument wraps body XML in a word/document.xml.
func wordDocument(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` + body + `</w:body></w:document>`
}

// buildDOCX zips parts (name, content, in order) into a .docx.
func buildDOCX(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		w, err := zw.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawZipEntry adds an entry whose header says what the caller wants, true
// or not: declared says the uncompressed size, content is deflated as is.
func rawZipEntry(t testing.TB, zw *zip.Writer, name string, content []byte, declared uint64) {
	t.Helper()
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               name,
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(content),
		CompressedSize64:   uint64(deflated.Len()),
		UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(deflated.Bytes()); err != nil {
		t.Fatal(err)
	}
}

func TestDOCXGolden(t *testing.T) {
	path := filepath.Join("..", "testdata", "docx", "statement.docx")
	got, err := extract.File(context.Background(), path, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkTextContract(t, got.Body)
	for _, s := range []string{"212 suppliers", "Staff trained | 90% | 94% (up from 71%)", "HR-director", "See page 4 for our KPIs."} {
		if !strings.Contains(got.Body, s) {
			t.Errorf("lost %q", s)
		}
	}
	for _, s := range []string{"about 100", "PAGEREF"} {
		if strings.Contains(got.Body, s) {
			t.Errorf("kept hidden text %q", s)
		}
	}
	if n := strings.Count(got.Body, "Zero tolerance of forced labour."); n != 1 {
		t.Errorf("text box read %d times, want once", n)
	}
	checkGolden(t, path, got)
}

func TestDOCXParagraphs(t *testing.T) {
	p := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	tests := []struct{ name, body, want string }{
		{"paragraphs", p("One") + p("Two"), "One\n\nTwo"},
		{"empty paragraphs collapse", p("One") + `<w:p/><w:p></w:p>` + p("Two"), "One\n\nTwo"},
		{"line break and carriage return", `<w:p><w:r><w:t>a</w:t><w:br/><w:t>b</w:t><w:cr/><w:t>c</w:t></w:r></w:p>`, "a\nb\nc"},
		{"symbol ignored", `<w:p><w:r><w:t>x</w:t><w:sym w:font="Wingdings" w:char="F0FC"/><w:t>y</w:t></w:r></w:p>`, "xy"},
		{"moved text once", `<w:p><w:moveFrom><w:r><w:t>moved</w:t></w:r></w:moveFrom><w:r><w:t>stays </w:t></w:r><w:moveTo><w:r><w:t>moved</w:t></w:r></w:moveTo></w:p>`, "stays moved"},
		{"nested table", `<w:tbl><w:tr><w:tc>` + p("Outer") + `<w:tbl><w:tr><w:tc>` + p("In1") + `</w:tc><w:tc>` + p("In2") + `</w:tc></w:tr></w:tbl></w:tc><w:tc>` + p("Right") + `</w:tc></w:tr></w:tbl>`, "Outer\nIn1 | In2\nRight"},
		{"entities", p("&lt;Company&gt; &amp; partners"), "<Company> & partners"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := buildDOCX(t, "word/document.xml", wordDocument(tt.body))
			got, err := extract.Bytes(context.Background(), data, "t.docx", "", extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkTextContract(t, got.Body)
			if got.Body != tt.want {
				t.Errorf("body = %q, want %q", got.Body, tt.want)
			}
		})
	}
}

func TestDOCXRefused(t *testing.T) {
	ctx := context.Background()
	opts := extract.Options{MaxBytes: 1 << 20, Timeout: 10 * time.Second}
	tests := []struct {
		name    string
		data    func(t *testing.T) []byte
		want    error
		message string
	}{
		{"declared size over the limit", func(t *testing.T) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			rawZipEntry(t, zw, "word/document.xml", []byte(wordDocument("")), 8<<30)
			zw.Close()
			return buf.Bytes()
		}, extract.ErrTooLarge, "word/document.xml unpacks to 8192 MB"},
		{"lies about its size", func(t *testing.T) []byte {
			// 16 MB of XML that says it is 1 KB: zip stops at the declared
			// size, the byte count at the budget.
			xml := wordDocument("<w:p><w:r><w:t>" + strings.Repeat("a", 16<<20) + "</w:t></w:r></w:p>")
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			rawZipEntry(t, zw, "word/document.xml", []byte(xml), 1024)
			zw.Close()
			return buf.Bytes()
		}, extract.ErrCorrupt, "corrupt document"},
		{"too many entries", func(t *testing.T) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for i := range 10_001 {
				zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprint(i), Method: zip.Store})
			}
			w, _ := zw.Create("word/document.xml")
			w.Write([]byte(wordDocument("")))
			zw.Close()
			return buf.Bytes()
		}, extract.ErrTooLarge, "10002 entries"},
		{"malformed xml", func(t *testing.T) []byte {
			return buildDOCX(t, "word/document.xml", `<w:document `+wordNS+`><w:body><w:p <<<`)
		}, extract.ErrCorrupt, "damaged Word document"},
		{"no document part", func(t *testing.T) []byte {
			return buildDOCX(t, "word/other.xml", "<x/>", "[Content_Types].xml", "<Types/>")
		}, extract.ErrUnsupported, "zip archive"},
		{"empty document", func(t *testing.T) []byte {
			return buildDOCX(t, "word/document.xml", wordDocument(`<w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>`))
		}, extract.ErrEmpty, "empty document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			_, err := extract.Bytes(ctx, data, "bomb.docx", "", opts)
			checkExtractError(t, err, tt.want, tt.message)
		})
	}
}

// TestDOCXUnpackLimit: a document small when zipped but over MaxBytes
// once unpacked is refused before it is inflated.
func TestDOCXUnpackLimit(t *testing.T) {
	body := "<w:p><w:r><w:t>" + strings.Repeat("statement ", 300_000) + "</w:t></w:r></w:p>"
	data := buildDOCX(t, "word/document.xml", wordDocument(body))
	_, err := extract.Bytes(context.Background(), data, "big.docx", "", extract.Options{MaxBytes: 1 << 20})
	checkExtractError(t, err, extract.ErrTooLarge, "over the 1 MB limit")
}

func TestDOCXDamagedKeepsText(t *testing.T) {
	body := strings.Repeat(`<w:p><w:r><w:t>Paragraph of the statement.</w:t></w:r></w:p>`, 20) + `<w:p <<<`
	data := buildDOCX(t, "word/document.xml", wordDocument(body))
	got, err := extract.Bytes(context.Background(), data, "broken.docx", "", extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Body, "Paragraph of the statement.") || len(got.Notes) == 0 {
		t.Errorf("got %+v, want the text read before the damage and a note", got)
	}
}

func BenchmarkDOCX(b *testing.B) {
	para := `<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="Arial"/></w:rPr><w:t xml:space="preserve">We audit our suppliers every year and train all buyers. </w:t></w:r><w:r><w:t>Second run.</w:t></w:r></w:p>`
	for _, n := range []int{50, 5000} {
		data := buildDOCX(b, "word/document.xml", wordDocument(strings.Repeat(para, n)))
		b.Run(fmt.Sprintf("paragraphs=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(wordDocument(strings.Repeat(para, n)))))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := extract.Bytes(context.Background(), data, "bench.docx", "", extract.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDOCXAttributeBomb: one element with two million attributes is
// refused as it streams in, before the XML decoder holds them all.
func TestDOCXAttributeBomb(t *testing.T) {
	var attrs strings.Builder
	for i := range 2_000_000 {
		fmt.Fprintf(&attrs, " a%d=\"1\"", i)
	}
	data := buildDOCX(t, "word/document.xml", wordDocument(`<w:p><w:r><w:t`+attrs.String()+`>Text</w:t></w:r></w:p>`))
	before := allocatedMB()
	_, err := extract.Bytes(context.Background(), data, "bomb.docx", "", extract.Options{})
	checkExtractError(t, err, extract.ErrCorrupt, "more than 1000 attributes")
	if got := allocatedMB() - before; got > 100 {
		t.Errorf("allocated %d MB", got)
	}
}
