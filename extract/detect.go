package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

// Bytes extracts the text of a document held in memory. The format comes
// from the bytes themselves (see Detect); source and contentType only
// decide between plain text, Markdown and HTML, and name the document in
// errors.
func Bytes(ctx context.Context, data []byte, source, contentType string, opts Options) (statement.Text, error) {
	opts = opts.withDefaults()
	if err := ctx.Err(); err != nil {
		return statement.Text{}, extractError(source, err)
	}
	if int64(len(data)) > opts.MaxBytes {
		return statement.Text{}, extractError(source,
			fmt.Errorf("%w: %s, over the %s limit", ErrTooLarge, sizeString(int64(len(data))), sizeString(opts.MaxBytes)))
	}
	format, err := sniff(data, source, contentType)
	if err != nil {
		return statement.Text{}, extractError(source, err)
	}
	if format == statement.FormatPDF {
		return pdfText(ctx, data, source, opts)
	}
	t, err := runBounded(ctx, opts.Timeout, func(ctx context.Context) (statement.Text, error) {
		switch format {
		case statement.FormatHTML:
			return htmlText(ctx, data, contentType)
		case statement.FormatDOCX:
			return docxText(ctx, data, opts)
		default:
			return plainText(ctx, data, format)
		}
	})
	if err == nil && t.Body == "" {
		err = fmt.Errorf("%w: no text found", ErrEmpty)
	}
	if err != nil {
		return statement.Text{}, extractError(source, err)
	}
	t.Source, t.Format = source, format
	return t, nil
}

// Detect names the format of data as Bytes would read it, or returns ""
// when Bytes would refuse it (empty, binary, an image, a legacy or
// password-protected Office file, a zip that is not a Word document).
// Magic bytes decide; name (a file name or URL) and contentType only tell
// Markdown and HTML from plain text.
func Detect(data []byte, name, contentType string) statement.Format {
	f, err := sniff(data, name, contentType)
	if err != nil {
		return ""
	}
	return f
}

// extractError gives err the one-line form every extract error has:
// "extract: SOURCE: cause".
func extractError(source string, err error) error {
	if source == "" {
		return fmt.Errorf("extract: %w", err)
	}
	return fmt.Errorf("extract: %s: %w", source, err)
}

// sizeString writes a byte count for people: "750 KB", "12 MB".
func sizeString(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// errPanicked marks a recovered parser panic, so that fuzz tests can tell a
// bug from a corrupt input.
var errPanicked = errors.New("parser panicked")

// runBounded runs one extractor behind recover() and the time limit. The
// extractor gets a context that ends at the limit and checks it as it goes,
// so its goroutine does not outlive a timeout for long.
func runBounded(ctx context.Context, timeout time.Duration, fn func(context.Context) (statement.Text, error)) (statement.Text, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		text statement.Text
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("%w: %w: %v", ErrCorrupt, errPanicked, r)}
			}
		}()
		t, err := fn(ctx)
		done <- result{t, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil {
			return statement.Text{}, contextError(ctx, timeout)
		}
		return r.text, r.err
	case <-ctx.Done():
		return statement.Text{}, contextError(ctx, timeout)
	}
}

func contextError(ctx context.Context, timeout time.Duration) error {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) && timeout > 0 {
		return fmt.Errorf("%w after %s", ErrTimeout, timeout)
	}
	return ctx.Err()
}

// sniff decides the format from the content. Its errors say why the bytes
// are refused, without the "extract: source:" prefix.
func sniff(data []byte, name, contentType string) (statement.Format, error) {
	if len(data) == 0 {
		return "", fmt.Errorf("%w: no bytes", ErrEmpty)
	}
	// PDF readers accept the header anywhere in the first KB, after a
	// byte-order mark, mail headers or other junk; so do we.
	if bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return statement.FormatPDF, nil
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")),
		bytes.HasPrefix(data, []byte("PK\x07\x08")):
		return sniffZip(data, name)
	case bytes.HasPrefix(data, oleMagic):
		return "", sniffOLE(data, name)
	}
	for _, sig := range binarySignatures {
		if sig.match(data) {
			return "", fmt.Errorf("%w: %s", ErrUnsupported, sig.what)
		}
	}

	sample, _ := decodeText(data[:min(len(data), 64<<10)])
	if looksBinary(sample) {
		return "", fmt.Errorf("%w: binary data, not a statement document", ErrUnsupported)
	}
	if strings.TrimSpace(sample) == "" && len(data) <= 64<<10 {
		return "", fmt.Errorf("%w: only white space", ErrEmpty)
	}
	ext, media := nameExt(name), contentMediaType(contentType)
	if markdownExts[ext] || media == "text/markdown" || media == "text/x-markdown" {
		return statement.FormatMarkdown, nil
	}
	switch sniffMarkup(sample, ext, media) {
	case markupHTML:
		return statement.FormatHTML, nil
	case markupXML:
		return "", fmt.Errorf("%w: XML data, not a statement document", ErrUnsupported)
	}
	if looksLikeMarkdown(sample) {
		return statement.FormatMarkdown, nil
	}
	return statement.FormatText, nil
}

// maxZipEntries is far more than any Word document has (tens, or hundreds
// with many images); a zip with more is built to exhaust memory.
const maxZipEntries = 10000

func sniffZip(data []byte, name string) (statement.Format, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		// A truncated download keeps its local headers: if they name Word
		// parts, it is a damaged Word document and docxText says so.
		if nameExt(name) == ".docx" || bytes.Contains(data[:min(len(data), 64<<10)], []byte("word/")) {
			return statement.FormatDOCX, nil
		}
		return "", fmt.Errorf("%w: damaged zip archive: %v", ErrCorrupt, err)
	}
	if len(zr.File) > maxZipEntries {
		return "", fmt.Errorf("%w: zip archive with %d entries", ErrTooLarge, len(zr.File))
	}
	kind := "a zip archive, not a statement document"
	for _, f := range zr.File {
		switch f.Name {
		case docxMainPart:
			return statement.FormatDOCX, nil
		case "xl/workbook.xml":
			kind = "an Excel workbook, not a statement document"
		case "ppt/presentation.xml":
			kind = "PowerPoint presentations are not supported; save as PDF"
		case "content.xml":
			kind = "OpenDocument files are not supported; save as .docx or PDF"
		}
	}
	return "", fmt.Errorf("%w: %s", ErrUnsupported, kind)
}

// oleMagic starts an OLE compound file: legacy .doc/.xls/.ppt, and also
// password-protected .docx, which Office wraps in an OLE container.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniffOLE says what an OLE compound file holds, from the UTF-16 stream
// names in its directory.
func sniffOLE(data []byte, name string) error {
	has := func(stream string) bool {
		u := make([]byte, 0, 2*len(stream))
		for i := 0; i < len(stream); i++ {
			u = append(u, stream[i], 0)
		}
		return bytes.Contains(data, u)
	}
	switch {
	case has("EncryptedPackage"):
		what := "an encrypted Office document"
		if nameExt(name) == ".docx" {
			what = "a password-protected Word document"
		}
		return fmt.Errorf("%w: %s; remove the password and try again", ErrEncrypted, what)
	case has("WordDocument"):
		return fmt.Errorf("%w: legacy Word .doc is not supported; save as .docx or PDF", ErrUnsupported)
	case has("Workbook"):
		return fmt.Errorf("%w: a legacy Excel workbook, not a statement document", ErrUnsupported)
	}
	return fmt.Errorf("%w: legacy Microsoft Office file; save as .docx or PDF", ErrUnsupported)
}

type magicSignature struct {
	match func([]byte) bool
	what  string
}

func magicPrefix(p string) func([]byte) bool {
	return func(b []byte) bool { return bytes.HasPrefix(b, []byte(p)) }
}

var binarySignatures = []magicSignature{
	{magicPrefix("\x89PNG\r\n\x1a\n"), "a PNG image; statements are read from text, PDF or Word documents"},
	{magicPrefix("\xFF\xD8\xFF"), "a JPEG image; statements are read from text, PDF or Word documents"},
	{magicPrefix("GIF87a"), "a GIF image"},
	{magicPrefix("GIF89a"), "a GIF image"},
	{magicPrefix("II*\x00"), "a TIFF image"},
	{magicPrefix("MM\x00*"), "a TIFF image"},
	{func(b []byte) bool { return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" }, "a WebP image"},
	{magicPrefix(`{\rtf`), "RTF documents are not supported; save as .docx or PDF"},
	{magicPrefix("%!PS"), "PostScript is not supported; save as PDF"},
	{magicPrefix("\x1f\x8b"), "gzip-compressed data"},
	{magicPrefix("7z\xbc\xaf\x27\x1c"), "a 7-Zip archive"},
	{magicPrefix("Rar!\x1a\x07"), "a RAR archive"},
	{magicPrefix("\x7fELF"), "an executable"},
}

var markdownExts = map[string]bool{".md": true, ".markdown": true, ".mdown": true, ".mkd": true, ".mkdn": true}

// htmlExts are names under which servers and people keep HTML, templates
// included, so a tag anywhere in the text is enough.
var htmlExts = map[string]bool{".html": true, ".htm": true, ".xhtml": true, ".shtml": true, ".php": true, ".asp": true, ".aspx": true, ".jsp": true}

// nameExt is the lower-case extension of a file name or of a URL's path.
func nameExt(name string) string {
	if strings.Contains(name, "://") {
		if u, err := url.Parse(name); err == nil {
			name = u.Path
		}
	}
	return strings.ToLower(path.Ext(name))
}

func contentMediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

type markupKind int

const (
	markupNone markupKind = iota
	markupHTML
	markupXML
)

var (
	// htmlStartTags are the elements an HTML document or fragment starts
	// with (the WHATWG MIME sniffing list, plus common body elements).
	htmlStartTags = []string{
		"!doctype html", "html", "head", "body", "!--", "script", "style", "meta", "link", "title",
		"div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "article", "main", "section",
		"header", "nav", "span", "a", "b", "br", "font", "iframe", "ul", "ol", "center", "form",
		"img", "strong", "em", "base", "noscript",
	}
	anyTag    = lazyre.New(`<[A-Za-z!/]`)
	blockTags = lazyre.New(`(?i)<(?:p|div|br|h[1-6]|li|td|tr|table|ul|ol|section|article)[\s>/]`)
)

// sniffMarkup tells HTML from plain text: by the first tag, as browsers
// do; by a name or content type that says HTML when there is any tag; by a
// density of block tags for HTML that starts with template code.
func sniffMarkup(s, ext, media string) markupKind {
	t := strings.TrimLeft(s, " \t\r\n\f\uFEFF")
	if strings.HasPrefix(t, "<?xml") {
		if end := strings.Index(t, "?>"); end >= 0 {
			t = strings.TrimLeft(t[end+2:], " \t\r\n")
		}
		lower := strings.ToLower(t[:min(len(t), 1024)])
		if !strings.Contains(lower, "<html") && !strings.HasPrefix(lower, "<!doctype html") {
			return markupXML
		}
		return markupHTML
	}
	lower := strings.ToLower(t[:min(len(t), 64)])
	for _, tag := range htmlStartTags {
		if strings.HasPrefix(lower, "<"+tag) {
			rest := lower[1+len(tag):]
			if tag == "!--" || rest == "" || strings.ContainsRune(" \t\r\n>/", rune(rest[0])) {
				return markupHTML
			}
		}
	}
	if (htmlExts[ext] || media == "text/html" || media == "application/xhtml+xml") && anyTag().MatchString(s) {
		return markupHTML
	}
	lowerAll := strings.ToLower(s)
	if strings.Contains(lowerAll, "<html") || strings.Contains(lowerAll, "<body") || len(blockTags().FindAllStringIndex(s, 5)) == 5 {
		return markupHTML
	}
	return markupNone
}

var (
	mdHeadingLine = lazyre.New(`(?m)^#{1,6}[ \t]+\S`)
	mdBulletLine  = lazyre.New(`(?m)^[ \t]*[-*+][ \t]+\S`)
	mdLinkSyntax  = lazyre.New(`\[[^\]\n]+\]\([^)\s]+\)`)
	mdStrongSpan  = lazyre.New(`\*\*\S[^*\n]*\*\*`)
	mdFenceLine   = lazyre.New("(?m)^[ \t]*```")
	mdFrontMatter = lazyre.New(`\A---\r?\n(?:.*\r?\n){0,100}?---\r?\n`)
)

// looksLikeMarkdown recognises Markdown without a .md name: front matter,
// or several kinds of Markdown syntax together. Bullets alone do not count,
// since plain-text statements use "- " lists too.
func looksLikeMarkdown(s string) bool {
	if mdFrontMatter().MatchString(s) {
		return true
	}
	headings := len(mdHeadingLine().FindAllStringIndex(s, 2))
	links := len(mdLinkSyntax().FindAllStringIndex(s, 2))
	other := links + len(mdStrongSpan().FindAllStringIndex(s, 2)) + len(mdFenceLine().FindAllStringIndex(s, 2))
	if headings > 0 {
		other += len(mdBulletLine().FindAllStringIndex(s, 1))
	}
	return headings >= 2 || (headings == 1 && other >= 1) || links >= 2
}
