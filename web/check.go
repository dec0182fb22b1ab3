package web

import (
	"context"
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

// maxPaste bounds pasted text.
const maxPaste = 2 << 20

// draft is a document to check, held in memory only: drafts are
// confidential, so they are never written to disk, logged or indexed.
type draft struct {
	data        []byte
	name        string
	contentType string
}

// maxCheckText is the most text of a draft the checker reads: a statement
// is a few thousand words, and the checker's memory grows with the text
// (a 20 MB text took 240 MB).
const maxCheckText = 1 << 20

// check reads and checks a draft within the server's limits.
func (s *Server) check(ctx context.Context, d *draft) (statement.Assessment, error) {
	opts := s.cfg.Extract
	if opts.MaxBytes <= 0 || opts.MaxBytes > s.cfg.MaxUpload {
		opts.MaxBytes = s.cfg.MaxUpload
	}
	opts.Timeout = s.cfg.CheckTimeout
	text, err := extract.Bytes(ctx, d.data, d.name, d.contentType, opts)
	if err != nil {
		return statement.Assessment{}, err
	}
	cut := false
	if len(text.Body) > maxCheckText {
		i := maxCheckText
		for i > 0 && !utf8.RuneStart(text.Body[i]) {
			i--
		}
		text.Body, cut = text.Body[:i], true
	}
	a := s.cfg.Checker.Check(text)
	if cut {
		a.Notes = append(a.Notes, "Only the first 1 MB of the text was read: a statement is rarely a tenth of that.")
	}
	a.Source = d.name
	return a, nil
}

// acquire takes one of the places for a self-check, or reports that all
// are taken.
func (s *Server) acquire() (release func(), ok bool) {
	select {
	case s.checks <- struct{}{}:
		return func() { <-s.checks }, true
	default:
		return nil, false
	}
}

func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "check", "Check your statement", checkData{MaxMB: s.cfg.MaxUpload >> 20})
}

type checkData struct {
	MaxMB      int64
	Error      string
	Assessment *statement.Assessment
	Minimum    bool
	Missing    []statement.Finding
	Met        []statement.Finding
}

func (s *Server) checkSubmit(w http.ResponseWriter, r *http.Request) {
	d := checkData{MaxMB: s.cfg.MaxUpload >> 20}
	a, dr, err := s.checkRequest(w, r)
	if err != nil {
		p := s.draftProblem(err, dr)
		p.header(w)
		d.Error = p.Message
		s.render(w, r, p.Status, "check", "Check your statement", d)
		return
	}
	d.Assessment = &a
	d.Minimum = a.Rating != statement.BelowMinimum
	for _, f := range a.Criteria {
		if f.Status == statement.NotApplicable {
			continue
		}
		if f.Status == statement.Met {
			d.Met = append(d.Met, f)
		} else {
			d.Missing = append(d.Missing, f)
		}
	}
	s.render(w, r, http.StatusOK, "result", "Your statement checked", d)
}

// apiCheck is POST /api/check: a document as the body or as the "file" of
// a multipart form; the answer is the assessment, as s54 check --json, or
// {"error": a sentence for people, "kind": a short id}.
func (s *Server) apiCheck(w http.ResponseWriter, r *http.Request) {
	a, dr, err := s.checkRequest(w, r)
	if err != nil {
		s.draftProblem(err, dr).write(w)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// checkRequest reads the draft a request carries and checks it in its
// turn. An error is one draftProblem knows; the draft comes back with it
// when it was read.
func (s *Server) checkRequest(w http.ResponseWriter, r *http.Request) (statement.Assessment, *draft, error) {
	dr, release, err := s.readDraft(w, r)
	if err != nil {
		return statement.Assessment{}, nil, err
	}
	// the draft's bytes stay reserved until its check is done
	defer release()
	// the place for a check is taken once the draft is in: a slow upload
	// holds no place
	done, ok := s.acquire()
	if !ok {
		return statement.Assessment{}, dr, errBusy
	}
	defer done()
	a, err := s.check(r.Context(), dr)
	return a, dr, err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
