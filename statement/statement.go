// Package statement holds the domain types shared by every part of s54:
// extracted text, criteria, findings and assessments. It imports nothing
// from the project so that every other package may import it.
package statement

// Format is the kind of document a statement was read from.
type Format string

// Formats recognised by extract.
const (
	FormatPDF      Format = "pdf"
	FormatDOCX     Format = "docx"
	FormatHTML     Format = "html"
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
)

// Text is what extract produces and the checker reads: plain UTF-8 text in
// reading order. Headings, paragraphs and list items are on their own lines;
// a blank line separates blocks; PDF pages are separated by a form feed
// ("\f"), as poppler's pdftotext does.
type Text struct {
	Source string `json:"source"`
	Format Format `json:"format"`
	Body   string `json:"text"`
	// Pages is the number of pages for paged formats (PDF), else 0.
	Pages int `json:"pages,omitempty"`
	// Title is the document title when the format has one (HTML <title>,
	// PDF Info /Title, DOCX core properties).
	Title string `json:"title,omitempty"`
	// Notes are facts about extraction a reader should know, such as
	// "no text layer: this PDF is a scan" or "OCR by tesseract".
	Notes []string `json:"notes,omitempty"`
}
