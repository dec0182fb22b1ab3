package extract

import "errors"

// Errors callers can test with errors.Is. Every error extract returns wraps
// one of these or carries a clear one-line message of its own.
var (
	// ErrEmpty: the input has no bytes, or no text after extraction.
	ErrEmpty = errors.New("empty document")
	// ErrTooLarge: the input is larger than Options.MaxBytes, or a DOCX
	// unpacks to more than that.
	ErrTooLarge = errors.New("document too large")
	// ErrUnsupported: the bytes are not a format s54 reads.
	ErrUnsupported = errors.New("unsupported format")
	// ErrCorrupt: the document is damaged and could not be read.
	ErrCorrupt = errors.New("corrupt document")
	// ErrEncrypted: the document needs a password to open.
	ErrEncrypted = errors.New("document is password-protected")
	// ErrNoTextLayer: a PDF whose pages are images only (a scan) and OCR
	// was not available or not asked for.
	ErrNoTextLayer = errors.New("no text layer: the PDF is a scanned image")
	// ErrTimeout: extraction took longer than Options.Timeout.
	ErrTimeout = errors.New("extraction timed out")
)
