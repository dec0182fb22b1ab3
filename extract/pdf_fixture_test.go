package extract_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/s54dev/s54/internal/testpdf"
)

// The fixtures are built in code with internal/testpdf, so that each test
// shows the PDF feature it exercises.

// simplePDF: two pages of Helvetica text written with spaces, the way word
// processors do, with a heading, a paragraph break and a title.
func simplePDF() []byte {
	p1 := `BT /F1 18 Tf 72 760 Td (Modern Slavery Statement) Tj ET
BT /F1 11 Tf 14 TL 72 720 Td (Northwind Widgets Ltd sets out the steps it took) Tj
(during the financial year to 31 March 2025.) ' ET
BT /F1 11 Tf 14 TL 72 670 Td (Our supply chains include two \(2\) factories.) Tj ET`
	p2 := `BT /F1 11 Tf 72 760 Td (This statement was approved by the board.) Tj ET`
	return testpdf.Doc("Northwind statement",
		testpdf.Page{Content: p1, Resources: testpdf.Helvetica},
		testpdf.Page{Content: p2, Resources: testpdf.Helvetica})
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
		x = testpdf.HelveticaWidth(w)*12/1000 + 3.3
	}
	c.WriteString("ET")
	return testpdf.Doc("", testpdf.Page{Content: c.String(), Resources: testpdf.Helvetica})
}

// kernedPDF splits words into many runs the way Word does: kerned TJ
// arrays, and separate Tj operators placed exactly where the previous run
// ended. A TrueType font with a /Widths array supplies the metrics.
func kernedPDF() []byte {
	font := "<< /Font << /F1 << /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Calibri /FirstChar 32 /LastChar 126 /Widths [" +
		testpdf.HelveticaWidths + "] /Encoding /WinAnsiEncoding >> >> >>"
	aw := testpdf.HelveticaWidth("A") * 11 / 1000
	content := fmt.Sprintf(`BT /F1 11 Tf 72 700 Td [(See ) 20 (A) -15 (nnex) 10 (ure 1) -250 (for) -30 ( details)] TJ ET
BT /F1 11 Tf 72 686 Td (A) Tj %.3f 0 Td (nnex B) Tj ET`, aw)
	return testpdf.Doc("", testpdf.Page{Content: content, Resources: font})
}

// cidPDF uses a Type0 font with two-byte codes, a ToUnicode CMap mixing
// bfchar and bfrange entries, and a W array.
func cidPDF() []byte {
	var b testpdf.Builder
	catalog := b.Add("")
	tree := b.Add("")
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
	toUni := b.Stream("", cmap)
	desc := b.Add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Test /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [3 [250] 16 [550] 32 57 600 64 [500 520 300]] >>")
	font := b.Add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Test /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", desc, toUni))
	// "DEF ABC " then "fined", where "fi" is one ligature glyph and "d"
	// comes from an array range.
	content := b.Stream("", "BT /F1 10 Tf 72 700 Td <00230024002500030020002100220003> Tj 0 -14 Td <0010006D00640040> Tj ET")
	page := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", tree, font, content))
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.Bytes(catalog, "")
}

// formPDF draws its text from a Form XObject (with its own resources and
// matrix) nested in another, next to an image.
func formPDF() []byte {
	var b testpdf.Builder
	catalog := b.Add("")
	tree := b.Add("")
	inner := b.Stream("/Type /XObject /Subtype /Form /BBox [0 0 500 100] /Resources "+testpdf.Helvetica,
		"BT /F1 10 Tf 0 0 Td (Text inside a nested form.) Tj ET")
	outer := b.Stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 500 200] /Matrix [1 0 0 1 0 50] /Resources << /XObject << /Inner %d 0 R >> >>", inner),
		"q 1 0 0 1 0 20 cm /Inner Do Q")
	img := b.Stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", "\x80")
	content := b.Stream("", "BT /F1 12 Tf 72 760 Td (Page text first.) Tj ET q 1 0 0 1 72 600 cm /Outer Do Q q 50 0 0 50 72 500 cm /Im Do Q")
	page := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> /XObject << /Outer %d 0 R /Im %d 0 R >> >> /Contents %d 0 R >>", tree, outer, img, content))
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.Bytes(catalog, "")
}

// typedThenScannedPDF is a typed page followed by a scanned one, the way a
// signed last page is often added.
func typedThenScannedPDF() []byte {
	var b testpdf.Builder
	catalog := b.Add("")
	tree := b.Add("")
	text := b.Stream("", "BT /F1 11 Tf 72 760 Td (Our policies forbid forced labour in every site we run.) Tj ET")
	p1 := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", tree, testpdf.Helvetica, text))
	img := b.FlateStream("/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8", bytes.Repeat([]byte{0xff}, 64))
	draw := b.Stream("", "q 595 0 0 842 0 0 cm /Im0 Do Q")
	p2 := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", tree, img, draw))
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>", p1, p2))
	return b.Bytes(catalog, "")
}

// imageOnlyPDF is a "scan": each page draws an image and no text. pixels
// is an 8-bit grey raster of width w (a blank one when nil).
func imageOnlyPDF(pages, w, h int, pixels []byte) []byte {
	if pixels == nil {
		w, h = 8, 8
		pixels = bytes.Repeat([]byte{0xff}, w*h)
	}
	var b testpdf.Builder
	catalog := b.Add("")
	tree := b.Add("")
	img := b.FlateStream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8", w, h), pixels)
	// The page is the image's size at 300 dpi.
	pw, ph := float64(w)*72/300, float64(h)*72/300
	content := b.Stream("", fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", pw, ph))
	var kids []string
	for range pages {
		p := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", tree, pw, ph, img, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", p))
	}
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages))
	return b.Bytes(catalog, "")
}

// loopingTreePDF has a page tree whose second kid is the tree itself: the
// library's Reader.Page would spin on it forever.
func loopingTreePDF() []byte {
	var b testpdf.Builder
	catalog := b.Add("")
	tree := b.Add("")
	content := b.Stream("", "BT /F1 12 Tf 72 700 Td (A page in a looping tree.) Tj ET")
	page := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", tree, testpdf.Helvetica, content))
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>", page, tree))
	return b.Bytes(catalog, "")
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
	var b testpdf.Builder
	catalog := b.Add("")
	tree := b.Add("")
	form := b.FlateStream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]",
		bytes.Repeat([]byte("1 0 Td 0 Tc 0 Tw\n"), 20000))
	content := b.Stream("", strings.Repeat("/X Do\n", 4000))
	page := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X %d 0 R >> >> /Contents %d 0 R >>", tree, form, content))
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.Bytes(catalog, "")
}
