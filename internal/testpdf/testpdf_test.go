package testpdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// checkXref checks that the cross-reference table points at each object.
func checkXref(t *testing.T, data []byte) int {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(data[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d points at %.10q", xref, data[xref:])
	}
	lines := strings.Split(string(data[xref:]), "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	for i := 1; i < n; i++ {
		off, _ := strconv.Atoi(lines[2+i][:10])
		if want := fmt.Sprintf("%d 0 obj\n", i); !bytes.HasPrefix(data[off:], []byte(want)) {
			t.Errorf("object %d: offset %d points at %.12q", i, off, data[off:])
		}
	}
	return n - 1
}

func TestBuilder(t *testing.T) {
	t.Parallel()
	var b Builder
	cat := b.Add("")
	s := b.Stream("", "BT ET")
	f := b.FlateStream("/Type /XObject", bytes.Repeat([]byte("q Q\n"), 100))
	b.Set(cat, "<< /Type /Catalog >>")
	if cat != 1 || s != 2 || f != 3 {
		t.Errorf("numbers %d %d %d", cat, s, f)
	}
	data := b.Bytes(cat, "")
	if n := checkXref(t, data); n != 3 {
		t.Errorf("%d objects", n)
	}
	if !bytes.Contains(data, []byte("/Length 5 >>\nstream\nBT ET\nendstream")) {
		t.Error("stream length")
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	var paras []string
	for i := range 40 {
		paras = append(paras, fmt.Sprintf("Paragraph %d (with parentheses) costs £%d – “quoted” and a back\\slash. %s", i, i, strings.Repeat("word ", 40)))
	}
	data := Text("A title", paras...)
	n := checkXref(t, data)
	pages := bytes.Count(data, []byte("/Type /Page "))
	if pages < 3 || n != 2+2*pages+1 {
		t.Errorf("%d pages, %d objects", pages, n)
	}
	for _, want := range []string{
		"/Title (A title)",
		`(Paragraph 0 \(with parentheses\) costs \2430 \226 \223quoted\224 and a back\\slash. word`,
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("no %q", want)
		}
	}
	for _, line := range regexp.MustCompile(`\((.*)\) Tj`).FindAllSubmatch(data, -1) {
		if l := len(line[1]); l > LineWidth+30 { // escapes lengthen a line
			t.Errorf("line of %d bytes: %s", l, line[1])
		}
	}
	for _, c := range data {
		if c >= 0x80 && !bytes.Contains(data[:20], []byte{c}) {
			t.Fatalf("byte %#x outside the header: text is not escaped", c)
		}
	}
	// Lines per page.
	for _, content := range regexp.MustCompile(`(?s)stream\n(.*?)\nendstream`).FindAllSubmatch(data, -1) {
		if n := bytes.Count(content[1], []byte("T*")); n > PageLines {
			t.Errorf("%d lines on a page", n)
		}
	}
}

func TestParagraphs(t *testing.T) {
	t.Parallel()
	title, paras := Paragraphs("\nThe title\n\nFirst line\nsame paragraph.\r\n\r\n\n\nSecond.\n")
	if title != "The title" || len(paras) != 2 || paras[0] != "First line same paragraph." || paras[1] != "Second." {
		t.Errorf("%q %q", title, paras)
	}
}

func TestEscape(t *testing.T) {
	t.Parallel()
	if got := Escape("a(b)c\\ é € ✓"); got != `a\(b\)c\\ \351 \200 ?` {
		t.Errorf("%s", got)
	}
}

func TestHelveticaWidth(t *testing.T) {
	t.Parallel()
	if w := HelveticaWidth("Aa "); w != 667+556+278 {
		t.Errorf("%v", w)
	}
}
