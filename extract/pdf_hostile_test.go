package extract

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/internal/testpdf"
)

// Hostile PDFs: a few hundred bytes each, built to make a reader loop,
// recurse without end or eat gigabytes. Each one was found by an attack
// run or by FuzzPDFPrimary and is kept here as a regression test.

// selfArrayPDF: the page's /Contents is an array that holds itself.
func selfArrayPDF() []byte {
	var b testpdf.Builder
	catalog, tree, arr := b.Add(""), b.Add(""), b.Add("")
	page := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>", tree, arr))
	b.Set(arr, fmt.Sprintf("[%d 0 R]", arr))
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.Bytes(catalog, "")
}

func onePagePDF() []byte {
	return testpdf.Doc("", testpdf.Page{Content: "BT /F1 12 Tf 72 700 Td (A statement page.) Tj ET", Resources: testpdf.Helvetica})
}

// prevLoopPDF: the trailer's /Prev points at its own cross-reference
// table (written as /Pr#65v, which is the same name).
func prevLoopPDF() []byte {
	data := onePagePDF()
	i := bytes.LastIndex(data, []byte("startxref\n"))
	var off int
	fmt.Sscan(string(data[i+len("startxref\n"):]), &off)
	return bytes.Replace(data, []byte("trailer\n<< "), []byte(fmt.Sprintf("trailer\n<< /Pr#65v %d ", off)), 1)
}

// prevRingPDF: two sections whose /Prev entries point at each other.
func prevRingPDF() []byte {
	data := onePagePDF()
	i := bytes.LastIndex(data, []byte("startxref\n"))
	var first int
	fmt.Sscan(string(data[i+len("startxref\n"):]), &first)
	// the first trailer gains "/Prev 0000000nnn " (16 bytes) before the
	// second section, which is appended after it
	second := i + 16
	body := bytes.Replace(data[:i], []byte("trailer\n<< /Size"), []byte(fmt.Sprintf("trailer\n<< /Prev %010d /Size", second)), 1)
	body = append(body, fmt.Sprintf("xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev %d >>\n", first)...)
	return append(body, fmt.Sprintf("startxref\n%d\n%%%%EOF\n", first)...)
}

// nestedPDF: the catalog holds arrays nested n deep.
func nestedPDF(n int) []byte {
	var b testpdf.Builder
	catalog, tree := b.Add(""), b.Add("")
	content := b.Stream("", "BT /F1 12 Tf 72 700 Td (Deep.) Tj ET")
	page := b.Add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", tree, testpdf.Helvetica, content))
	b.Set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /X %s%s >>", tree, strings.Repeat("[", n), strings.Repeat("]", n)))
	b.Set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return b.Bytes(catalog, "")
}

// xrefStreamPDF writes objects at the top level and an uncompressed
// cross-reference stream. inStream maps object numbers to the object
// stream and index they are said to live in (type 2 entries).
func xrefStreamPDF(objs []string, inStream map[int][2]int, root int) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n")
	size := len(objs) + 1
	for n := range inStream {
		size = max(size, n+1)
	}
	offsets := make([]int, size)
	for i, o := range objs {
		if o == "" {
			continue
		}
		offsets[i+1] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xrefNum := size
	xrefOff := out.Len()
	var table bytes.Buffer
	row := func(typ byte, a uint32, b uint16) {
		table.WriteByte(typ)
		binary.Write(&table, binary.BigEndian, a)
		binary.Write(&table, binary.BigEndian, b)
	}
	for n := 0; n <= xrefNum; n++ {
		switch s, ok := inStream[n]; {
		case ok:
			row(2, uint32(s[0]), uint16(s[1]))
		case n == xrefNum:
			row(1, uint32(xrefOff), 0)
		case n > 0 && n < len(offsets) && offsets[n] > 0:
			row(1, uint32(offsets[n]), 0)
		default:
			row(0, 0, 65535)
		}
	}
	fmt.Fprintf(&out, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Length %d >>\nstream\n",
		xrefNum, xrefNum+1, root, table.Len())
	out.Write(table.Bytes())
	fmt.Fprintf(&out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return out.Bytes()
}

func flate(s string) string {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(s))
	w.Close()
	return z.String()
}

// objStmInObjStmPDF: the catalog lives in object stream 4, and object 4
// is said to live in object stream 4 too.
func objStmInObjStmPDF() []byte {
	objs := []string{"", "<< /Type /Pages /Kids [] /Count 0 >>", "", ""}
	return xrefStreamPDF(objs, map[int][2]int{1: {4, 0}, 4: {4, 1}}, 1)
}

// extendsRingPDF: the catalog is looked for in object stream 4, which
// does not hold it and extends 5, which extends 4.
func extendsRingPDF() []byte {
	stm := func(ext int) string {
		data := "9 0 << /Nothing true >>"
		return fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Extends %d 0 R /Length %d >>\nstream\n%s\nendstream", ext, len(data), data)
	}
	objs := []string{"", "", "", stm(5), stm(4)}
	return xrefStreamPDF(objs, map[int][2]int{1: {4, 0}}, 1)
}

// nestedObjStmPDF hides arrays nested a million deep inside a compressed
// object stream, where a scan of the file's bytes does not see them.
func nestedObjStmPDF() []byte {
	n := 1_000_000
	inner := "1 0 " + strings.Repeat("[", n) + strings.Repeat("]", n)
	z := flate(inner)
	objs := []string{"", "", "", fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", len(z), z)}
	return xrefStreamPDF(objs, map[int][2]int{1: {4, 0}}, 1)
}

func hostilePDFs() map[string][]byte {
	return map[string][]byte{
		"contents array holds itself":     selfArrayPDF(),
		"prev points at itself":           prevLoopPDF(),
		"prev ring of two":                prevRingPDF(),
		"arrays a million deep":           nestedPDF(1_000_000),
		"nesting in an object stream":     nestedObjStmPDF(),
		"object stream in itself":         objStmInObjStmPDF(),
		"object streams extend in a ring": extendsRingPDF(),
	}
}

// TestHostilePDFs reads each hostile file in this goroutine, with every
// reader: each must end, quickly, with text or a clear error, and without
// allocating much.
func TestHostilePDFs(t *testing.T) {
	for name, data := range hostilePDFs() {
		t.Run(name, func(t *testing.T) {
			alloc := allocated()
			res, err := readBounded(t, data, pdfConfig{}, 20*time.Second)
			if got := (allocated() - alloc) >> 20; got > 300 {
				t.Errorf("allocated %d MB", got)
			}
			if err == nil && res.Pages < 1 {
				t.Errorf("no error and no pages")
			}
			t.Logf("%d bytes: %v", len(data), err)
		})
	}
}

// TestHostileStructureRefused: files built to loop or recurse are
// refused before any reader runs, as corrupt; a looping /Prev only keeps
// ledongthuc/pdf away and pdfium, which repairs, reads the page.
func TestHostileStructureRefused(t *testing.T) {
	for name, data := range hostilePDFs() {
		err := precheckPDF(data)
		switch name {
		case "prev points at itself", "prev ring of two":
			if !errors.Is(err, errXrefLoop) {
				t.Errorf("%s: pre-check says %v, want a loop", name, err)
			}
		case "arrays a million deep", "nesting in an object stream":
			if !errors.Is(err, errStructure) {
				t.Errorf("%s: pre-check says %v, want refused", name, err)
			}
		}
	}
	if err := precheckPDF(onePagePDF()); err != nil {
		t.Errorf("a plain PDF: %v", err)
	}
}

// TestObjectStreamChecks holds checkObjectStreams to the library's
// unexported cross-reference table, which it reads by reflection.
func TestObjectStreamChecks(t *testing.T) {
	for name, data := range map[string][]byte{
		"in itself": objStmInObjStmPDF(),
		"ring":      extendsRingPDF(),
	} {
		if _, err := openPDF(data); !errors.Is(err, errStructure) {
			t.Errorf("%s: openPDF says %v, want the structure refused", name, err)
		}
	}
}

// readBounded runs extractPDF in a goroutine and fails the test if it has
// not finished in time.
func readBounded(t *testing.T, data []byte, cfg pdfConfig, limit time.Duration) (pdfResult, error) {
	t.Helper()
	type outcome struct {
		res pdfResult
		err error
	}
	done := make(chan outcome, 1)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	go func() {
		res, err := extractPDF(ctx, data, cfg)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-time.After(limit):
		t.Fatalf("still reading after %s", limit)
		return pdfResult{}, nil
	}
}

// allocated is the bytes allocated on the heap so far by the process.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// FuzzPDFPrimary fuzzes the walker and ledongthuc/pdf alone, without the
// fallbacks, which are slow (tens of milliseconds) and would answer for
// the primary reader's failures. Each input must end within a second and
// allocate less than 256 MB; every crasher and hang found is kept above.
//
//	go test -run '^$' -fuzz FuzzPDFPrimary -fuzztime 5m ./extract/
func FuzzPDFPrimary(f *testing.F) {
	for _, data := range hostilePDFs() {
		if len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Add(onePagePDF())
	f.Add(objStmInObjStmPDF())
	f.Add(xrefStreamPDF([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources " + testpdf.Helvetica + " /Contents 4 0 R >>",
		"<< /Length 37 >>\nstream\nBT /F1 12 Tf 72 700 Td (Hello.) Tj ET\nendstream"}, nil, 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		alloc := allocated()
		readBounded(t, data, pdfConfig{primaryOnly: true}, time.Second)
		if got := (allocated() - alloc) >> 20; got > 256 {
			t.Fatalf("allocated %d MB", got)
		}
	})
}
