package extract_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/internal/golden"
	"github.com/s54dev/s54/statement"
)

// goldenText renders what a test compares: the fields a reader of the
// extracted text sees, then the body.
func goldenText(t statement.Text) string {
	field := func(name, value string) string {
		if value == "" {
			return name + ":\n"
		}
		return name + ": " + value + "\n"
	}
	return "format: " + string(t.Format) + "\n" + field("title", t.Title) +
		field("notes", strings.Join(t.Notes, "; ")) + "---\n" + t.Body + "\n"
}

// checkGolden compares got with testdata/<dir>/<name>.golden, or rewrites
// it with -update.
func checkGolden(t *testing.T, path string, got statement.Text) {
	t.Helper()
	golden.Check(t, strings.TrimSuffix(path, filepath.Ext(path))+".golden", []byte(goldenText(got)))
}

// checkTextContract asserts what the checker relies on in every body.
func checkTextContract(t testing.TB, body string) {
	t.Helper()
	switch {
	case !utf8.ValidString(body):
		t.Errorf("body is not valid UTF-8: %q", body)
	case strings.ContainsAny(body, "\r\u00a0\u200b\ufeff\x00"):
		t.Errorf("body has CR, NBSP, zero-width or NUL characters: %q", body)
	case strings.Contains(body, "  "), strings.Contains(body, " \n"), strings.Contains(body, "\n "):
		t.Errorf("body has a run of spaces or an untrimmed line: %q", body)
	case strings.Contains(body, "\n\n\n"):
		t.Errorf("body has more than one blank line in a row: %q", body)
	case body != strings.TrimSpace(body):
		t.Errorf("body is not trimmed: %q", body)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		file, name, contentType string
		want                    statement.Format
	}{
		{file: "html/wordpress.html", want: statement.FormatHTML},
		{file: "html/windows-1252-meta.html", want: statement.FormatHTML},
		{file: "docx/statement.docx", want: statement.FormatDOCX},
		// a truncated .docx is still a .docx, a damaged one
		{file: "bad/truncated.docx", want: statement.FormatDOCX},
		{file: "text/utf8-bom-crlf.txt", want: statement.FormatText},
		{file: "text/utf16le-bom.txt", want: statement.FormatText},
		{file: "text/windows-1252.txt", want: statement.FormatText},
		{file: "text/front-matter.md", want: statement.FormatMarkdown},
		// Markdown recognised by its syntax, whatever the name says
		{file: "text/markdown-structure.txt", want: statement.FormatMarkdown},
		{file: "text/utf8-bom-crlf.txt", name: "https://example.com/msa.md", want: statement.FormatMarkdown},
		{file: "text/utf8-bom-crlf.txt", contentType: "text/markdown; charset=utf-8", want: statement.FormatMarkdown},
		{file: "bad/empty.txt", want: ""},
		{file: "bad/whitespace.txt", want: ""},
		{file: "bad/random.bin", want: ""},
		{file: "bad/binary.bin", want: ""},
		{file: "bad/image.png", want: ""},
		{file: "bad/legacy.doc", want: ""},
		{file: "bad/encrypted.docx", want: ""},
		{file: "bad/spreadsheet.xlsx", want: ""},
		{file: "bad/archive.zip", want: ""},
		{file: "bad/document.rtf", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.name+tt.contentType, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			name := tt.name
			if name == "" {
				name = tt.file
			}
			if got := extract.Detect(data, name, tt.contentType); got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDetectInline(t *testing.T) {
	tests := []struct {
		name, data, fileName, contentType string
		want                              statement.Format
	}{
		{"pdf at start", "%PDF-1.7\n...", "", "", statement.FormatPDF},
		{"pdf after junk", strings.Repeat("x", 500) + "%PDF-1.4", "", "", statement.FormatPDF},
		{"pdf beyond first KB is not a pdf", strings.Repeat("x", 1100) + "%PDF-1.4", "", "", statement.FormatText},
		{"doctype", "\n\n  <!DOCTYPE html><p>x", "", "", statement.FormatHTML},
		{"bom and paragraph", "\ufeff<p>Statement</p>", "", "", statement.FormatHTML},
		{"xhtml", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>x</body></html>`, "", "", statement.FormatHTML},
		{"other xml", `<?xml version="1.0"?><feed><entry>x</entry></feed>`, "", "", ""},
		{"html by content type", "Statement\n<b>bold</b>", "", "text/html; charset=utf-8", statement.FormatHTML},
		{"html by name", "{{ header }}\n<h1>Statement</h1>", "page.php", "", statement.FormatHTML},
		{"template with many tags", "@extends('base')\n<div><p>a</p><p>b</p><p>c</p><p>d</p><p>e</p></div>", "", "", statement.FormatHTML},
		{"angle brackets in text", "Turnover < £36m and > £10m", "", "", statement.FormatText},
		{"a placeholder, not a tag", "<Company name> is committed", "", "", statement.FormatText},
		{"one heading is not markdown", "# Statement\nWe are a bakery.", "", "", statement.FormatText},
		{"bullets are not markdown", "Policies:\n- one\n- two\n", "", "", statement.FormatText},
		{"headings make markdown", "# Statement\n\n## Policies\n", "", "", statement.FormatMarkdown},
		{"utf-16 without bom", "S\x00t\x00a\x00t\x00e\x00m\x00e\x00n\x00t\x00 \x00o\x00f\x00 \x00p\x00o\x00l\x00i\x00c\x00y\x00", "", "", statement.FormatText},
		{"nuls", "ab\x00\x00\x00\x00cd\x00\x00\x01\x02", "", "", ""},
		{"jpeg", "\xFF\xD8\xFF\xE0\x00\x10JFIF", "", "", ""},
		{"gzip", "\x1f\x8b\x08\x00", "x.txt", "text/plain", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := extract.Detect([]byte(tt.data), tt.fileName, tt.contentType); got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBytesRefusesBadInput(t *testing.T) {
	tests := []struct {
		file    string
		want    error
		message string
	}{
		{"empty.txt", extract.ErrEmpty, "empty document"},
		{"whitespace.txt", extract.ErrEmpty, "empty document"},
		{"random.bin", extract.ErrUnsupported, "unsupported format: binary data, not a statement document"},
		{"binary.bin", extract.ErrUnsupported, "binary data"},
		{"image.png", extract.ErrUnsupported, "PNG image"},
		{"document.rtf", extract.ErrUnsupported, "RTF"},
		{"legacy.doc", extract.ErrUnsupported, "legacy Word .doc is not supported; save as .docx or PDF"},
		{"encrypted.docx", extract.ErrEncrypted, "password-protected Word document"},
		{"truncated.docx", extract.ErrCorrupt, "damaged Word document"},
		{"spreadsheet.xlsx", extract.ErrUnsupported, "Excel workbook"},
		{"archive.zip", extract.ErrUnsupported, "zip archive"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "testdata", "bad", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = extract.Bytes(context.Background(), data, tt.file, "", extract.Options{})
			checkExtractError(t, err, tt.want, tt.message)
			if !strings.HasPrefix(err.Error(), "extract: "+tt.file+": ") {
				t.Errorf("error %q does not name the source", err)
			}
		})
	}
}

// checkExtractError asserts the error wraps want and reads as one
// lower-case line containing message.
func checkExtractError(t *testing.T, err, want error, message string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("no error, want %v", want)
	case !errors.Is(err, want):
		t.Errorf("error %q does not wrap %q", err, want)
	case !strings.Contains(err.Error(), message):
		t.Errorf("error %q does not say %q", err, message)
	case !strings.HasPrefix(err.Error(), "extract: "), strings.Contains(err.Error(), "\n"):
		t.Errorf("error %q is not one line starting with \"extract: \"", err)
	}
}

func TestBytesLimitsAndContext(t *testing.T) {
	ctx := context.Background()
	_, err := extract.Bytes(ctx, bytes.Repeat([]byte("statement "), 1000), "big.txt", "", extract.Options{MaxBytes: 5000})
	checkExtractError(t, err, extract.ErrTooLarge, "over the")

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = extract.Bytes(cancelled, []byte("A statement."), "a.txt", "", extract.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v, want context.Canceled", err)
	}

	got, err := extract.Bytes(ctx, []byte("  A statement.  "), "", "", extract.Options{})
	if err != nil || got.Body != "A statement." || got.Format != statement.FormatText {
		t.Errorf("Bytes = %+v, %v", got, err)
	}
}

// TestFileTooLarge uses a sparse file: File must refuse it from its size,
// without reading 200 MB.
func TestFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("%PDF-1.7\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 200<<20); err != nil {
		t.Fatal(err)
	}
	// refused from its size, before reading: a sparse file costs nothing,
	// and reading it would allocate 200 MB
	_, err = extract.File(context.Background(), path, extract.Options{})
	if !errors.Is(err, extract.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

// countingReader serves endless bytes and counts what was read.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	r.n += int64(len(p))
	return len(p), nil
}

func TestReaderStopsAtLimit(t *testing.T) {
	r := &countingReader{}
	const limit = 1 << 20
	_, err := extract.Reader(context.Background(), r, "stream", "", extract.Options{MaxBytes: limit})
	if !errors.Is(err, extract.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if r.n > 2*limit {
		t.Errorf("read %d bytes for a %d byte limit", r.n, limit)
	}
	_, err = extract.Reader(context.Background(), io.LimitReader(r, 100), "short", "", extract.Options{MaxBytes: limit})
	if err != nil {
		t.Errorf("100 bytes of text: %v", err)
	}
}
