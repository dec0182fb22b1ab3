package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/statement"
)

const (
	docxMainPart = "word/document.xml"
	docxCorePart = "docProps/core.xml"
	// maxDocxXML caps the XML unpacked from one document whatever
	// Options.MaxBytes says: no statement comes near it, zip bombs do.
	maxDocxXML = 100 << 20
)

// docxText reads the body of a Word document: paragraphs, tables, text
// boxes, accepted insertions. Tracked deletions, field codes and the
// fallback copies Word keeps for old readers are left out, as Word shows
// the document. Headers, footers, footnotes and comments are not read.
//
// A .docx is a zip, so the unpacked size is bounded twice: by the sizes
// the zip declares, before anything is inflated, and by counting the bytes
// actually inflated, since a crafted zip can lie about its sizes.
func docxText(ctx context.Context, data []byte, opts Options) (statement.Text, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return statement.Text{}, fmt.Errorf("%w: damaged Word document: %v", ErrCorrupt, err)
	}
	if len(zr.File) > maxZipEntries {
		return statement.Text{}, fmt.Errorf("%w: zip archive with %d entries", ErrTooLarge, len(zr.File))
	}
	var mainPart, corePart *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case docxMainPart:
			mainPart = f
		case docxCorePart:
			corePart = f
		}
	}
	if mainPart == nil {
		return statement.Text{}, fmt.Errorf("%w: zip without %s, not a Word document", ErrCorrupt, docxMainPart)
	}
	budget := &unpackBudget{left: min(opts.MaxBytes, maxDocxXML)}

	var t statement.Text
	w, err := readDocxBody(ctx, mainPart, budget)
	switch {
	case err == nil:
	case errors.Is(err, ErrTooLarge), ctx.Err() != nil:
		return statement.Text{}, err
	case strings.TrimSpace(w.b.String()) == "":
		return statement.Text{}, fmt.Errorf("%w: damaged Word document: %v", ErrCorrupt, err)
	default:
		t.Notes = append(t.Notes, "the document is damaged; its text may be incomplete")
	}
	t.Body = tidyText(w.b.String())
	if w.insertions+w.deletions > 0 {
		t.Notes = append(t.Notes, "tracked changes: insertions kept, deletions left out")
	}
	if corePart != nil {
		// The title is a nicety: a damaged core.xml does not fail the text.
		t.Title, _ = readDocxTitle(corePart, budget)
	}
	return t, nil
}

// unpackBudget is the number of bytes still allowed to be inflated from a
// zip, shared by all the parts read.
type unpackBudget struct{ left int64 }

func (b *unpackBudget) open(f *zip.File) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(b.left) {
		return nil, fmt.Errorf("%w: %s unpacks to %s, over the %s limit",
			ErrTooLarge, f.Name, sizeString(int64(min(f.UncompressedSize64, 1<<62))), sizeString(b.left))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, f.Name, err)
	}
	return &tagGuard{r: budgetReader{rc, b, f.Name}, name: f.Name}, nil
}

// Bounds of one XML tag. encoding/xml keeps every attribute of the start
// element it reads, so one element with two million attributes would cost
// hundreds of MB; Word writes a few per element.
const (
	maxXMLAttrs    = 1000
	maxXMLTagBytes = 1 << 20
)

// tagGuard passes XML through, failing on a tag with more attributes or
// bytes than the bounds allow, before the decoder has to hold it.
type tagGuard struct {
	r    io.ReadCloser
	name string
	// state between reads
	inTag   bool // inside a start tag, after its name began
	open    bool // just after '<'
	quote   byte // the quote of the attribute value we are in, or 0
	attrs   int
	tagSize int
}

func (g *tagGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		switch {
		case g.open:
			g.open = false
			g.inTag = c != '!' && c != '?' && c != '/'
			g.attrs, g.tagSize = 0, 0
		case !g.inTag:
			g.open = c == '<'
		case g.quote != 0:
			if c == g.quote {
				g.quote = 0
			}
		case c == '"' || c == '\'':
			g.quote = c
		case c == '=':
			g.attrs++
		case c == '>':
			g.inTag = false
		}
		if g.inTag {
			g.tagSize++
			if g.attrs > maxXMLAttrs || g.tagSize > maxXMLTagBytes {
				return 0, fmt.Errorf("%w: %s has an element with more than %d attributes or %s of them",
					ErrCorrupt, g.name, maxXMLAttrs, sizeString(maxXMLTagBytes))
			}
		}
	}
	return n, err
}

func (g *tagGuard) Close() error { return g.r.Close() }

type budgetReader struct {
	io.ReadCloser
	b    *unpackBudget
	name string
}

func (r budgetReader) Read(p []byte) (int, error) {
	// Read one byte past the budget so that a part of exactly the budget
	// still reaches EOF.
	if int64(len(p)) > r.b.left+1 {
		p = p[:r.b.left+1]
	}
	n, err := r.ReadCloser.Read(p)
	r.b.left -= int64(n)
	if r.b.left < 0 {
		return 0, fmt.Errorf("%w: %s unpacks to more than its declared size allows", ErrTooLarge, r.name)
	}
	return n, err
}

// docxWriter accumulates the body text and what it saw of tracked changes.
type docxWriter struct {
	blockWriter
	tables                int
	insertions, deletions int
}

func readDocxBody(ctx context.Context, f *zip.File, budget *unpackBudget) (*docxWriter, error) {
	w := &docxWriter{}
	rc, err := budget.open(f)
	if err != nil {
		return w, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.CharsetReader = charset.NewReaderLabel
	depth, skipFrom := 0, 0 // skipFrom: depth of the subtree being left out
	inText := false
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return w, ctx.Err()
		}
		// RawToken: Word's namespaces are fixed, local names are enough,
		// and it avoids the namespace bookkeeping of Token.
		tok, err := d.RawToken()
		if err == io.EOF {
			return w, nil
		}
		if err != nil {
			return w, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			if skipFrom > 0 {
				continue
			}
			w.start(tok.Name.Local, depth, &skipFrom, &inText)
		case xml.EndElement:
			if skipFrom > 0 {
				if depth == skipFrom {
					skipFrom = 0
				}
				depth--
				continue
			}
			depth--
			w.end(tok.Name.Local, &inText)
		case xml.CharData:
			if inText && skipFrom == 0 {
				w.text(string(tok))
			}
		}
	}
}

func (w *docxWriter) start(local string, depth int, skipFrom *int, inText *bool) {
	switch local {
	case "del", "moveFrom": // tracked deletions and the old place of moved text
		w.deletions++
		*skipFrom = depth
	case "delText", "instrText", "Fallback":
		// Field codes ("PAGE", "HYPERLINK …") and the VML copy of a text
		// box that mc:AlternateContent keeps next to the DrawingML one.
		*skipFrom = depth
	case "ins", "moveTo":
		w.insertions++
	case "t":
		*inText = true
	case "tab", "ptab":
		w.text("\t")
	case "noBreakHyphen":
		w.text("-")
	case "br", "cr":
		if w.tables > 0 {
			w.text(" ") // keep a table row on one line
		} else {
			w.newline(1)
		}
	case "tbl":
		w.newline(2 - min(w.tables, 1)) // a table in a cell stays in its row's block
		w.tables++
	case "tr":
		w.startRow()
	case "tc":
		w.startCell()
	}
}

func (w *docxWriter) end(local string, inText *bool) {
	switch local {
	case "t":
		*inText = false
	case "p":
		if w.tables > 0 {
			w.text(" ") // paragraphs of a cell stay in its row
		} else {
			w.newline(2)
		}
	case "tr":
		w.endRow()
	case "tbl":
		if w.tables > 0 {
			w.tables--
		}
		w.newline(2 - min(w.tables, 1))
	}
}

// readDocxTitle returns dc:title from the core properties.
func readDocxTitle(f *zip.File, budget *unpackBudget) (string, error) {
	rc, err := budget.open(f)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.CharsetReader = charset.NewReaderLabel
	var title strings.Builder
	in := false
	for {
		tok, err := d.RawToken()
		if err != nil {
			return oneline.Of(tidyText(title.String())), err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in = tok.Name.Local == "title"
		case xml.EndElement:
			if in {
				return oneline.Of(tidyText(title.String())), nil
			}
		case xml.CharData:
			if in {
				title.Write(tok)
			}
		}
	}
}
