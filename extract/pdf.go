package extract

import (
	"context"

	"github.com/s54dev/s54/statement"
)

// pdfText extracts the text of a PDF. PLACEHOLDER: replaced by the PDF work.
func pdfText(ctx context.Context, data []byte, source string, opts Options) (statement.Text, error) {
	return statement.Text{}, ErrUnsupported
}
