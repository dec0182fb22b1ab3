package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/s54dev/s54/checker"
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
	// a scan is read by OCR, as far as the time allows, when tesseract is
	// installed; without it, its author is told to upload the Word file
	opts.OCR = extract.OCRAvailable()
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
	if a.IsStatement && s.cfg.DraftShared != nil {
		if share, ok := s.cfg.DraftShared(text.Body); ok && share >= statement.TemplateShare {
			a.Notes = append(a.Notes, templateNote(share))
		}
	}
	if cut {
		a.Notes = append(a.Notes, "Only the first 1 MB of the text was read: a statement is rarely a tenth of that.")
	}
	a.Source = d.name
	return a, nil
}

// templateNote tells a draft's author that most of it is text other
// organisations have published too, without saying whose.
func templateNote(share float64) string {
	return fmt.Sprintf("About %.0f%% of this text is found, word for word, in statements other organisations have published "+
		"(names, dates and figures set aside): it reads as template text. The statutory guidance (2025) asks a statement "+
		"to describe the organisation's own business, supply chains, risks and the steps it took, and what changed since the last one.", 100*share)
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
	Checklist  []checkItem
	Stale      string
	Missing    []shownFinding
	Met        []shownFinding
	// Pasted is the text the author pasted, given back to change and
	// check again: it goes to their browser, never to the server's disk.
	Pasted string
}

// checkItem is a line of the checklist that opens a result.
type checkItem struct {
	Title, Says string
	Status      statement.Status
	Minimum     bool
}

// shownFinding is a finding with the few passages shown of its evidence:
// a long statement has dozens, which bury the advice.
type shownFinding struct {
	statement.Finding
	Shown []statement.Evidence
	More  int
}

// shownEvidence is how many passages a finding shows on the result page.
const shownEvidence = 2

// resultData lays an assessment out for the result page.
func resultData(a *statement.Assessment, pasted string, now time.Time) checkData {
	d := checkData{Assessment: a, Minimum: a.IsStatement && a.Rating != statement.BelowMinimum, Pasted: pasted}
	if !a.IsStatement {
		return d
	}
	says := map[statement.Status]string{statement.Met: "yes", statement.Partial: "in part",
		statement.Missing: "no", statement.NotApplicable: "to check once published"}
	for _, ids := range [][]statement.CriterionID{{statement.Approval, statement.Signature, statement.HomepageLink}, statement.Areas} {
		for _, id := range ids {
			if f := a.Finding(id); f != nil {
				d.Checklist = append(d.Checklist, checkItem{Title: f.Title, Says: says[f.Status], Status: f.Status,
					Minimum: id == statement.Approval || id == statement.Signature || id == statement.HomepageLink})
			}
		}
	}
	d.Stale = capitalise(checker.StaleNote(a, now))
	for _, f := range a.Criteria {
		if f.Status == statement.NotApplicable {
			continue
		}
		sf := shownFinding{Finding: f, Shown: f.Evidence[:min(len(f.Evidence), shownEvidence)]}
		sf.More = len(f.Evidence) - len(sf.Shown)
		if f.Status == statement.Met {
			d.Met = append(d.Met, sf)
		} else {
			d.Missing = append(d.Missing, sf)
		}
	}
	return d
}

func (s *Server) checkSubmit(w http.ResponseWriter, r *http.Request) {
	d := checkData{MaxMB: s.cfg.MaxUpload >> 20}
	a, dr, err := s.checkRequest(w, r)
	if err != nil {
		p := s.draftProblem(err, dr)
		p.header(w)
		d.Error = p.Message
		if dr != nil && dr.name == pastedName {
			d.Pasted = string(dr.data) // to correct, not to paste again
		}
		s.render(w, r, p.Status, "check", "Check your statement", d)
		return
	}
	pasted := ""
	if dr.name == pastedName {
		pasted = string(dr.data)
	}
	d = resultData(&a, pasted, time.Now())
	d.MaxMB = s.cfg.MaxUpload >> 20
	s.render(w, r, http.StatusOK, "result", "Your statement checked", d)
}

// checkAnother is POST /check/new, "Check another draft" after a pasted
// one: the check page again, the pasted text in its box to change. The
// text goes back to the browser that sent it, nowhere else.
func (s *Server) checkAnother(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPaste+4<<10)
	d := checkData{MaxMB: s.cfg.MaxUpload >> 20}
	if err := r.ParseForm(); err == nil {
		d.Pasted = r.PostForm.Get("text")
	}
	s.render(w, r, http.StatusOK, "check", "Check your statement", d)
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

// pastedName names a draft that was pasted rather than uploaded.
const pastedName = "pasted text"

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
