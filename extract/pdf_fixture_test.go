package extract_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// pdfBuilder writes small PDFs for tests: numbered objects, a correct
// cross-reference table and a trailer. Fixtures are built in code so that
// each test shows the PDF feature it exercises.
type pdfBuilder struct {
	objs []string
}

// add appends an object and returns its number.
func (b *pdfBuilder) add(body string) int {
	b.objs = append(b.objs, body)
	return len(b.objs)
}

// set replaces object n, for objects that refer to each other.
func (b *pdfBuilder) set(n int, body string) { b.objs[n-1] = body }

func (b *pdfBuilder) stream(dict, data string) int {
	return b.add(fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data))
}

func (b *pdfBuilder) flateStream(dict string, data []byte) int {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(data)
	w.Close()
	return b.add(fmt.Sprintf("<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", dict, z.Len(), z.String()))
}

// bytes writes the file. trailerExtra is added to the trailer dictionary
// (an /Info reference, say).
func (b *pdfBuilder) bytes(root int, trailerExtra string) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(b.objs))
	for i, o := range b.objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(b.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(b.objs)+1, root, trailerExtra, xref)
	return out.Bytes()
}

// pageSpec is one page: its content stream and resources dictionary.
type pageSpec struct {
	content   string
	resources string
	flate     bool
}

// docWithPages builds a document whose pages share nothing but the tree.
func docWithPages(title string, pages ...pageSpec) []byte {
	var b pdfBuilder
	catalog := b.add("")
	tree := b.add("")
	var kids []string
	for _, p := range pages {
		var content int
		if p.flate {
			content = b.flateStream("", []byte(p.content))
		} else {
			content = b.stream("", p.content)
		}
		page := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", tree, p.resources, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	extra := ""
	if title != "" {
		info := b.add(fmt.Sprintf("<< /Title (%s) >>", title))
		extra = fmt.Sprintf("/Info %d 0 R", info)
	}
	return b.bytes(catalog, extra)
}

const helvetica = "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >>"

// helveticaWidths are the AFM widths of ASCII 32–126, for fonts that
// carry an explicit /Widths array.
const helveticaWidths = "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 " +
	"556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 " +
	"1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 " +
	"667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 " +
	"333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 " +
	"556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"

// simplePDF: two pages of Helvetica text written with spaces, the way word
// processors do, with a heading, a paragraph break and a title.
func simplePDF() []byte {
	p1 := `BT /F1 18 Tf 72 760 Td (Modern Slavery Statement) Tj ET
BT /F1 11 Tf 14 TL 72 720 Td (Northwind Widgets Ltd sets out the steps it took) Tj
(during the financial year to 31 March 2025.) ' ET
BT /F1 11 Tf 14 TL 72 670 Td (Our supply chains include two \(2\) factories.) Tj ET`
	p2 := `BT /F1 11 Tf 72 760 Td (This statement was approved by the board.) Tj ET`
	return docWithPages("Northwind statement",
		pageSpec{content: p1, resources: helvetica},
		pageSpec{content: p2, resources: helvetica})
}

// positionedWordsPDF places every word with its own Td and writes no space
// characters, as LaTeX and Google Docs do.
func positionedWordsPDF() []byte {
	var c strings.Builder
	c.WriteString("BT /F1 12 Tf 72 700 Td\n")
	// Word widths at 12 pt in Helvetica, plus a 3.3 pt (0.275 em) gap.
	words := []string{"Supplier", "audits", "found", "no", "forced", "labour."}
	x := 0.0
	for i, w := range words {
		if i > 0 {
			fmt.Fprintf(&c, "%.2f 0 Td ", x)
		}
		fmt.Fprintf(&c, "(%s) Tj\n", w)
		x = helveticaWidth(w)*12/1000 + 3.3
	}
	c.WriteString("ET")
	return docWithPages("", pageSpec{content: c.String(), resources: helvetica})
}

func helveticaWidth(s string) float64 {
	ws := strings.Fields(helveticaWidths)
	var w float64
	for _, r := range s {
		var v float64
		fmt.Sscan(ws[r-32], &v)
		w += v
	}
	return w
}

// kernedPDF splits words into many runs the way Word does: kerned TJ
// arrays, and separate Tj operators placed exactly where the previous run
// ended. A TrueType font with a /Widths array supplies the metrics.
func kernedPDF() []byte {
	font := "<< /Font << /F1 << /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Calibri /FirstChar 32 /LastChar 126 /Widths [" +
		helveticaWidths + "] /Encoding /WinAnsiEncoding >> >> >>"
	aw := helveticaWidth("A") * 11 / 1000
	content := fmt.Sprintf(`BT /F1 11 Tf 72 700 Td [(See ) 20 (A) -15 (nnex) 10 (ure 1) -250 (for) -30 ( details)] TJ ET
BT /F1 11 Tf 72 686 Td (A) Tj %.3f 0 Td (nnex B) Tj ET`, aw)
	return docWithPages("", pageSpec{content: content, resources: font})
}

// cidPDF uses a Type0 font with two-byte codes, a ToUnicode CMap mixing
// bfchar and bfrange entries, and a W array.
func cidPDF() []byte {
	var b pdfBuilder
	catalog := b.add("")
	tree := b.add("")
	cmap := `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Test-UCS def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0003> <0020>
<0010> <FB01>
endbfchar
3 beginbfrange
<0020> <0039> <0041>
<0040> <0042> [<0064> <0065> <0066>]
<0060> <0079> <0061>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end`
	toUni := b.stream("", cmap)
	desc := b.add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Test /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [3 [250] 16 [550] 32 57 600 64 [500 520 300]] >>")
	font := b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Test /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", desc, toUni))
	// "DEF ABC " then "fined", where "fi" is one ligature glyph and "d"
	// comes from an array range.
	content := b.stream("", "BT /F1 10 Tf 72 700 Td <00230024002500030020002100220003> Tj 0 -14 Td <0010006D00640040> Tj ET")
	page := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", tree, font, content))
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.bytes(catalog, "")
}

// formPDF draws its text from a Form XObject (with its own resources and
// matrix) nested in another, next to an image.
func formPDF() []byte {
	var b pdfBuilder
	catalog := b.add("")
	tree := b.add("")
	inner := b.stream("/Type /XObject /Subtype /Form /BBox [0 0 500 100] /Resources "+helvetica,
		"BT /F1 10 Tf 0 0 Td (Text inside a nested form.) Tj ET")
	outer := b.stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 500 200] /Matrix [1 0 0 1 0 50] /Resources << /XObject << /Inner %d 0 R >> >>", inner),
		"q 1 0 0 1 0 20 cm /Inner Do Q")
	img := b.stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", "\x80")
	content := b.stream("", "BT /F1 12 Tf 72 760 Td (Page text first.) Tj ET q 1 0 0 1 72 600 cm /Outer Do Q q 50 0 0 50 72 500 cm /Im Do Q")
	page := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> /XObject << /Outer %d 0 R /Im %d 0 R >> >> /Contents %d 0 R >>", tree, outer, img, content))
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.bytes(catalog, "")
}

// typedThenScannedPDF is a typed page followed by a scanned one, the way a
// signed last page is often added.
func typedThenScannedPDF() []byte {
	var b pdfBuilder
	catalog := b.add("")
	tree := b.add("")
	text := b.stream("", "BT /F1 11 Tf 72 760 Td (Our policies forbid forced labour in every site we run.) Tj ET")
	p1 := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", tree, helvetica, text))
	img := b.flateStream("/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8", bytes.Repeat([]byte{0xff}, 64))
	draw := b.stream("", "q 595 0 0 842 0 0 cm /Im0 Do Q")
	p2 := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", tree, img, draw))
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>", p1, p2))
	return b.bytes(catalog, "")
}

// imageOnlyPDF is a "scan": each page draws an image and no text. pixels
// is an 8-bit grey raster of width w (a blank one when nil).
func imageOnlyPDF(pages, w, h int, pixels []byte) []byte {
	if pixels == nil {
		w, h = 8, 8
		pixels = bytes.Repeat([]byte{0xff}, w*h)
	}
	var b pdfBuilder
	catalog := b.add("")
	tree := b.add("")
	img := b.flateStream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8", w, h), pixels)
	// The page is the image's size at 300 dpi.
	pw, ph := float64(w)*72/300, float64(h)*72/300
	content := b.stream("", fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", pw, ph))
	var kids []string
	for range pages {
		p := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", tree, pw, ph, img, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", p))
	}
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages))
	return b.bytes(catalog, "")
}

// loopingTreePDF has a page tree whose second kid is the tree itself: the
// library's Reader.Page would spin on it forever.
func loopingTreePDF() []byte {
	var b pdfBuilder
	catalog := b.add("")
	tree := b.add("")
	content := b.stream("", "BT /F1 12 Tf 72 700 Td (A page in a looping tree.) Tj ET")
	page := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", tree, helvetica, content))
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>", page, tree))
	return b.bytes(catalog, "")
}

// badStartxrefPDF points startxref into the middle of an object, which the
// library cannot recover from and pdfium repairs by scanning.
func badStartxrefPDF() []byte {
	data := simplePDF()
	i := bytes.LastIndex(data, []byte("startxref\n"))
	return append(data[:i:i], []byte("startxref\n120\n%%EOF\n")...)
}

// slowPDF takes seconds to parse but little to build: the page draws, a
// few thousand times, a form holding tens of thousands of operators.
func slowPDF() []byte {
	var b pdfBuilder
	catalog := b.add("")
	tree := b.add("")
	form := b.flateStream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]",
		bytes.Repeat([]byte("1 0 Td 0 Tc 0 Tw\n"), 20000))
	content := b.stream("", strings.Repeat("/X Do\n", 4000))
	page := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X %d 0 R >> >> /Contents %d 0 R >>", tree, form, content))
	b.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.bytes(catalog, "")
}
