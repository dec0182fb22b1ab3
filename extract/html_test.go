package extract_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/extract"
)

func TestHTMLGolden(t *testing.T) {
	tests := []struct {
		file, contentType string
		// phrases that must survive (the statement) and must not (the page
		// furniture), on top of the golden comparison
		keep, drop []string
	}{
		{
			file: "wordpress.html",
			keep: []string{"Modern Slavery Statement 2024", "section 54(1)", "Indicator | 2023 | 2024",
				"Signed:\nPriya Natarajan\nManaging Director", "ironmongery"},
			drop: []string{"Skip to content", "Our history", "Menu", "Share this", "cookies", "Recent news",
				"Registered in England", "newsletter", "ajaxurl", "schema.org", "Home"},
		},
		{
			file: "no-main.html",
			keep: []string{"Anti-Slavery and Human Trafficking Statement", "signed by Tom Okafor, Director"},
			drop: []string{"Latest offers", "Privacy", "Products", "Careers"},
		},
		{
			file: "signature-outside.html",
			keep: []string{"Modern slavery statement 2023", "Signed by Alan Briggs, Director"},
			drop: []string{"Home", "©"},
		},
		{
			file: "windows-1252-meta.html",
			keep: []string{"Penrose Builders’ turnover passed £40 million", "“know your subcontractor”", "Gwén Morgan, Director – 30 June 2024"},
		},
		{
			file:        "iso-8859-1-header.html",
			contentType: "text/html; charset=ISO-8859-1",
			keep:        []string{"Ferncliffe Hotels’ group turnover was £52m", "naïve", "Renée Fox"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "html", tt.file)
			got, err := extract.File(context.Background(), path, extract.Options{})
			if tt.contentType != "" {
				f, ferr := os.Open(path)
				if ferr != nil {
					t.Fatal(ferr)
				}
				defer f.Close()
				got, err = extract.Reader(context.Background(), f, path, tt.contentType, extract.Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			checkTextContract(t, got.Body)
			for _, s := range tt.keep {
				if !strings.Contains(got.Body, s) {
					t.Errorf("lost %q", s)
				}
			}
			for _, s := range tt.drop {
				if strings.Contains(got.Body, s) {
					t.Errorf("kept page furniture %q", s)
				}
			}
			checkGolden(t, path, got)
		})
	}
}

func TestHTMLTitle(t *testing.T) {
	tests := []struct{ page, want string }{
		{`<html><head><title> Modern  Slavery
			Statement </title></head><body><p>text</p></body></html>`, "Modern Slavery Statement"},
		{`<html><head><meta property="og:title" content="From OG"></head><body><p>text</p></body></html>`, "From OG"},
		{`<html><body><h1>From <em>h1</em></h1><p>text</p></body></html>`, "From h1"},
		{`<html><body><svg><title>icon</title></svg><p>text</p></body></html>`, ""},
	}
	for _, tt := range tests {
		got, err := extract.Bytes(context.Background(), []byte(tt.page), "t.html", "", extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != tt.want {
			t.Errorf("title of %q = %q, want %q", tt.page, got.Title, tt.want)
		}
	}
}

func TestHTMLEmptyPages(t *testing.T) {
	tests := []struct{ file, message string }{
		{"redirect.html", "page only redirects to /policies/modern-slavery/"},
		{"spa-shell.html", "no text without JavaScript"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := extract.File(context.Background(), filepath.Join("..", "testdata", "html", tt.file), extract.Options{})
			checkExtractError(t, err, extract.ErrEmpty, tt.message)
		})
	}
}

func TestHTMLStructure(t *testing.T) {
	tests := []struct{ name, page, want string }{
		{"inline elements do not split words", `<p>iron<b>mon</b>gery and <a href="x">due</a> diligence</p>`, "ironmongery and due diligence"},
		{"blocks and line breaks", `<h2>Policies</h2><p>One<br>Two</p><div>Three</div>`, "Policies\n\nOne\nTwo\n\nThree"},
		{"list items", "<ul>\n<li>A</li>\n<li>B</li>\n</ul><p>C</p>", "A\nB\n\nC"},
		{"table cells", `<table><tr><th>Name</th><th>Role</th></tr><tr><td>Jo Bloggs</td><td></td><td>Director</td></tr></table>`, "Name | Role\nJo Bloggs | Director"},
		{"layout table", `<table><tr><td><p>First paragraph.</p><p>Second.</p></td><td>Side</td></tr></table>`, "First paragraph.\n\nSecond.\n\nSide"},
		{"pre keeps lines", "<pre>Signed:\n  J. Smith\n  Director</pre>", "Signed:\nJ. Smith\nDirector"},
		{"entities and nbsp", `<p>&pound;36m&nbsp;turnover &amp; &#8220;more&#8221;</p>`, "£36m turnover & “more”"},
		{"zero width and ligature", "<p>supply\u200bchain \ufb01nancial</p>", "supplychain financial"},
		{"hidden menu, visible accordion", `<div style="display: none"><a href="/">Home</a></div><div hidden><p>` + strings.Repeat("Long hidden statement text. ", 30) + `</p></div>`, strings.TrimSpace(strings.Repeat("Long hidden statement text. ", 30))},
		{"content with a nav class is kept", `<article class="sticky-nav"><p>` + strings.Repeat("We audit suppliers. ", 40) + `</p></article>`, strings.TrimSpace(strings.Repeat("We audit suppliers. ", 40))},
		{"header in article is the title", `<nav><a href="/">Home</a></nav><article><header><h1>Statement</h1></header><p>` + strings.Repeat("Text. ", 50) + `</p><footer>Signed by J. Smith, Director</footer></article>`, "Statement\n\n" + strings.TrimSpace(strings.Repeat("Text. ", 50)) + "\n\nSigned by J. Smith, Director"},
		{"form controls", `<form><label>Search</label><input value="x"><select><option>One</option></select><button>Go</button></form><p>Body</p>`, "Search\n\nBody"},
		{"cookie banner", `<div id="CybotCookiebotDialog"><p>This website uses cookies.</p></div><p>Body</p>`, "Body"},
		{"skip link", `<a href="#main">Skip to main content</a><p>Body</p>`, "Body"},
		{"templates", `<template><p>Hidden</p></template><x-card><template shadowrootmode="open"><p>Shown</p></template></x-card>`, "Shown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extract.Bytes(context.Background(), []byte("<!doctype html><body>"+tt.page), "t.html", "", extract.Options{})
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

// TestHTMLHostile feeds pages built to exhaust the parser: they must end
// in bounded time with text or a clean error.
func TestHTMLHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds inputs of tens of MB")
	}
	tests := []struct {
		name string
		page func() []byte
		want string // a phrase that must come out, or "" for ErrEmpty
	}{
		{"deep nesting", func() []byte {
			return []byte("<html><body>" + strings.Repeat("<div>", 100_000) + "Deep statement text" + strings.Repeat("</div>", 100_000))
		}, "Deep statement text"},
		{"unclosed formatting tags", func() []byte {
			return []byte("<p>" + strings.Repeat("<b><i><font>x ", 20_000) + "end")
		}, "end"},
		{"50 MB of divs", func() []byte {
			return bytes.Repeat([]byte("<div>"), 10<<20)
		}, ""},
		{"many small elements", func() []byte {
			return append(bytes.Repeat([]byte("<p>a</p>"), 400_000), "<p>last words</p>"...)
		}, "last words"},
		{"unterminated comment and script", func() []byte {
			return []byte("<p>Statement</p><script>" + strings.Repeat("var x = 1;", 100_000))
		}, "Statement"},
		{"huge attribute", func() []byte {
			return []byte(`<p title="` + strings.Repeat("a", 5<<20) + `">Statement</p>`)
		}, "Statement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := tt.page()
			got, err := extract.Bytes(context.Background(), page, "hostile.html", "", extract.Options{MaxBytes: 60 << 20, Timeout: 2 * time.Minute})
			if tt.want == "" {
				if !errors.Is(err, extract.ErrEmpty) {
					t.Errorf("err = %v, want ErrEmpty", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkTextContract(t, got.Body)
			if !strings.Contains(got.Body, tt.want) {
				t.Errorf("lost %q", tt.want)
			}
		})
	}
}

func TestHTMLTimeout(t *testing.T) {
	page := bytes.Repeat([]byte("<p>Statement text in a paragraph.</p>"), 200_000)
	_, err := extract.Bytes(context.Background(), page, "slow.html", "", extract.Options{Timeout: time.Millisecond})
	if !errors.Is(err, extract.ErrTimeout) {
		t.Errorf("err = %v, want ErrTimeout", err)
	}
}

// sharedCorpus is the folder of real published pages next to the
// repository; tests that read it skip when it is absent.
func sharedCorpus(t testing.TB, sub string) string {
	dir := filepath.Join("..", "..", "shared", "corpus", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no shared corpus at %s", dir)
	}
	return dir
}

// TestHTMLCorpus reads real statement pages and checks that the text is
// there and the scripts, styles and JSON are not.
func TestHTMLCorpus(t *testing.T) {
	dir := sharedCorpus(t, "web")
	files, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			got, err := extract.File(context.Background(), path, extract.Options{})
			if errors.Is(err, extract.ErrEmpty) && strings.Contains(err.Error(), "redirects to") {
				return // the meta-refresh stub
			}
			if err != nil {
				t.Fatal(err)
			}
			checkTextContract(t, got.Body)
			if len(got.Body) < 500 {
				t.Errorf("only %d bytes of text: %q", len(got.Body), got.Body)
			}
			for _, noise := range []string{"<script", "<style", `{"`, "function(", "var ", "@font-face", "gtag(", "Skip to"} {
				if strings.Contains(got.Body, noise) {
					t.Errorf("noise %q leaked into the text", noise)
				}
			}
			if !strings.Contains(strings.ToLower(got.Body), "slavery") && !strings.Contains(strings.ToLower(got.Title), "gender") {
				t.Errorf("no mention of slavery in %q", got.Body)
			}
		})
	}
}

func BenchmarkHTML(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "html", "wordpress.html"))
	if err != nil {
		b.Fatal(err)
	}
	// A long statement: 500 more paragraphs in the article.
	para := "<p>" + strings.Repeat("We audit our suppliers every year. ", 20) + "</p>\n"
	big := bytes.Replace(data, []byte("<p>This statement was approved"), []byte(strings.Repeat(para, 500)+"<p>This statement was approved"), 1)
	for _, bc := range []struct {
		name string
		data []byte
	}{{"page", data}, {"long", big}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := extract.Bytes(context.Background(), bc.data, "bench.html", "", extract.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestHTMLAttributeBomb: one <div> with 1.9 million attributes (20 MB)
// cost ~800 MB in x/net/html; bounded, it costs a few times its size.
func TestHTMLAttributeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("<html><body><div")
	for i := range 1_900_000 {
		fmt.Fprintf(&b, " a%d=1", i)
	}
	b.WriteString("><p>The statement text.</p></div></body></html>")
	before := allocatedMB()
	got, err := extract.Bytes(context.Background(), []byte(b.String()), "bomb.html", "", extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Body, "The statement text.") {
		t.Errorf("lost the text: %q", got.Body)
	}
	if mb := allocatedMB() - before; mb > 4*uint64(b.Len()>>20) {
		t.Errorf("%d MB of HTML allocated %d MB", b.Len()>>20, mb)
	}
}

// allocatedMB is what the process has allocated on the heap so far.
func allocatedMB() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() >> 20
}
