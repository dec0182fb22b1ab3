package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

// What can go wrong with a draft before it is read.
var (
	errTooLarge      = errors.New("web: upload too large")
	errPasteTooLarge = errors.New("web: pasted text too large")
	errIncomplete    = errors.New("web: upload did not complete")
	errBadForm       = errors.New("web: form not readable")
	errNoDraft       = errors.New("web: no file and no text")
	errBusy          = errors.New("web: no place for a check")
	errUploadsBusy   = errors.New("web: over the upload budget")
)

// problem is what a person (the page) or a program (the API) is told when
// a draft cannot be checked: a fixed sentence, never an internal error or
// words of the document, with a short id and the HTTP status.
type problem struct {
	Status  int    `json:"-"`
	Kind    string `json:"kind"`
	Message string `json:"error"`
	// RetryAfter, in seconds, when trying again later will do
	RetryAfter int `json:"-"`
}

// write sends the problem as the API does.
func (p problem) write(w http.ResponseWriter) {
	p.header(w)
	writeJSON(w, p.Status, p)
}

func (p problem) header(w http.ResponseWriter) {
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
}

// draftProblem is the one place where what went wrong with a draft
// becomes what its author is told. d is the draft when it was read.
func (s *Server) draftProblem(err error, d *draft) problem {
	p := func(status int, kind, msg string) problem { return problem{Status: status, Kind: kind, Message: msg} }
	switch {
	case errors.Is(err, errTooLarge):
		return p(http.StatusRequestEntityTooLarge, "too_large",
			fmt.Sprintf("That file is larger than %d MB, the most this page reads. Upload a smaller copy, such as the Word file, or paste the text.", s.cfg.MaxUpload>>20))
	case errors.Is(err, errPasteTooLarge):
		return p(http.StatusRequestEntityTooLarge, "paste_too_large",
			fmt.Sprintf("The pasted text is longer than %d MB. Upload the document instead.", maxPaste>>20))
	case errors.Is(err, errIncomplete):
		return p(http.StatusBadRequest, "incomplete", "The upload did not complete. Try again.")
	case errors.Is(err, errBadForm):
		return p(http.StatusBadRequest, "bad_form", "The form could not be read. Reload the page and try again.")
	case errors.Is(err, errNoDraft):
		return p(http.StatusBadRequest, "no_draft", "Choose a file or paste the text of your statement.")
	case errors.Is(err, errBusy):
		b := p(http.StatusServiceUnavailable, "busy", "Many statements are being checked just now. Try again in a few seconds.")
		b.RetryAfter = 10
		return b
	case errors.Is(err, errUploadsBusy):
		b := p(http.StatusServiceUnavailable, "busy", "Many large files are being checked just now. Try again in a minute, or paste the text.")
		b.RetryAfter = 30
		return b
	case errors.Is(err, extract.ErrTimeout):
		return p(http.StatusUnprocessableEntity, "timeout",
			"This document took too long to read. Upload the Word file or paste the text.")
	case errors.Is(err, extract.ErrEncrypted):
		return p(http.StatusUnprocessableEntity, "encrypted",
			"This document is protected by a password. Save a copy without the password, or paste the text.")
	case errors.Is(err, extract.ErrNoTextLayer):
		return p(http.StatusUnprocessableEntity, "no_text_layer",
			"This PDF is a scanned image with no text to read: upload the Word file or paste the text.")
	case errors.Is(err, extract.ErrTooLarge):
		return p(http.StatusUnprocessableEntity, "too_large",
			"This document is too large to read once unpacked. Upload it as a PDF, or paste the text.")
	case errors.Is(err, extract.ErrUnsupported):
		return p(http.StatusUnprocessableEntity, "unsupported",
			"This kind of file cannot be read. Upload a PDF, a Word file (.docx), a web page or a text file, or paste the text.")
	case errors.Is(err, extract.ErrCorrupt) && d != nil && extract.Detect(d.data, d.name, d.contentType) == statement.FormatPDF:
		return p(http.StatusUnprocessableEntity, "corrupt",
			"This PDF is damaged and could not be read. Save it again from the program that made it, or upload the Word file.")
	case errors.Is(err, extract.ErrCorrupt):
		return p(http.StatusUnprocessableEntity, "corrupt",
			"This document is damaged and could not be read. Save it again from the program that made it, or paste the text.")
	case errors.Is(err, extract.ErrEmpty):
		return p(http.StatusUnprocessableEntity, "empty",
			"There is no text in this document to check. If it is a scan or a picture, upload the Word file or paste the text.")
	case errors.Is(err, context.Canceled):
		// the person has gone: nobody reads this
		return p(http.StatusBadRequest, "incomplete", "The check was stopped before it finished. Try again.")
	default:
		return p(http.StatusUnprocessableEntity, "unreadable",
			"This document could not be read. Save it again from the program that made it, or paste the text.")
	}
}
