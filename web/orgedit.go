package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// errBadAddress is an address staff gave that the crawler could not
// fetch.
var errBadAddress = errors.New("not an address the crawler can fetch")

// cleanURL tidies an address staff typed (spaces, the host's case, a
// lone "/") and checks it as the crawler would; "" clears it.
func (s *Server) cleanURL(r *http.Request, field, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	if err := s.cfg.CheckURL(r.Context(), raw); err != nil {
		return "", fmt.Errorf("%s %q: %w: %v", field, raw, errBadAddress, err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%s %q: %w", field, raw, errBadAddress)
	}
	u.Host = strings.ToLower(u.Host)
	if u.Path == "/" && u.RawQuery == "" && u.Fragment == "" {
		u.Path = ""
	}
	return u.String(), nil
}

// orgLinksJSON is the body of POST /api/orgs/{number}: either field, or
// both; "" clears one.
type orgLinksJSON struct {
	Website      *string `json:"website"`
	StatementURL *string `json:"statement_url"`
}

// setLinks validates and records an organisation's new addresses, by the
// member of staff of the request.
func (s *Server) setLinks(r *http.Request, o store.OrgRecord, in orgLinksJSON) error {
	var l store.OrgLinks
	for _, f := range []struct {
		name string
		in   *string
		out  **string
	}{{"website", in.Website, &l.Website}, {"statement_url", in.StatementURL, &l.StatementURL}} {
		if f.in == nil {
			continue
		}
		v, err := s.cleanURL(r, f.name, *f.in)
		if err != nil {
			return err
		}
		*f.out = &v
	}
	if l.Website == nil && l.StatementURL == nil {
		return fmt.Errorf("give website or statement_url: %w", errBadAddress)
	}
	return s.cfg.Store.SetOrgLinks(r.Context(), o.ID, l, staffName(r))
}

// staffName is who made a request, for the audit log.
func staffName(r *http.Request) string {
	ss, _ := r.Context().Value(sessionKey{}).(store.Session)
	return ss.User.Name
}

// orgFor finds the organisation a request names, among the account's.
func (s *Server) orgFor(r *http.Request) (store.OrgRecord, error) {
	o, err := s.cfg.Store.OrgByNumber(r.Context(), strings.ToUpper(strings.TrimSpace(r.PathValue("number"))))
	if err == nil && !accountIn(r.Context()).sees(o.Postcode) {
		err = fmt.Errorf("web: organisation %s: %w", o.CompanyNumber, store.ErrNotFound)
	}
	return o, err
}

// orgStatus is the HTTP status of an error about an organisation.
func orgStatus(err error) int {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, errBadAddress), errors.Is(err, store.ErrBadFilter):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// orgError answers an error about an organisation: in JSON for the API,
// on the organisation's page (with the form's message) for a form.
func (s *Server) orgError(w http.ResponseWriter, r *http.Request, err error) {
	status := orgStatus(err)
	msg := err.Error()
	if status == http.StatusNotFound {
		msg = "No organisation has that company number in the register."
	}
	if strings.HasPrefix(r.URL.Path, "/api/") || status != http.StatusBadRequest {
		s.error(w, r, status, msg)
		return
	}
	d, derr := s.org(r.Context(), r.PathValue("number"), true)
	if derr != nil {
		s.error(w, r, status, msg)
		return
	}
	d.Problem = msg
	s.render(w, r, status, "org", d.Org.Name, d)
}

// orgLinksForm is the organisation page's form of its addresses.
func (s *Server) orgLinksForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.staffChange(w, r); !ok {
		return
	}
	o, err := s.orgFor(r)
	if err != nil {
		s.orgError(w, r, err)
		return
	}
	website, statementURL := r.PostForm.Get("website"), r.PostForm.Get("statement_url")
	if err := s.setLinks(r, o, orgLinksJSON{Website: &website, StatementURL: &statementURL}); err != nil {
		s.orgError(w, r, err)
		return
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(o.CompanyNumber)+"#work", http.StatusSeeOther)
}

// apiOrgLinks is POST /api/orgs/{number}: {"website","statement_url"}
// (either) → the organisation as GET /api/orgs/{number} gives it.
func (s *Server) apiOrgLinks(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.staffChange(w, r); !ok {
		return
	}
	var in orgLinksJSON
	if !readJSON(w, r, &in, `{"website": "https://…", "statement_url": "https://…"} (either)`) {
		return
	}
	o, err := s.orgFor(r)
	if err == nil {
		err = s.setLinks(r, o, in)
	}
	if err != nil {
		s.orgError(w, r, err)
		return
	}
	s.apiOrg(w, r)
}

// readJSON reads a small JSON body, its fields all known, and answers
// 400 saying what to send when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, into any, want string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "send JSON " + want + ": " + err.Error()})
		return false
	}
	return true
}

// followUpJSON is the body of POST /api/orgs/{number}/follow-up.
type followUpJSON struct {
	Status statement.FollowUp `json:"status"`
	Note   string             `json:"note"`
}

// maxNote bounds a follow-up note.
const maxNote = 10 << 10

// addFollowUp records a step of the follow-up; a note alone keeps the
// state.
func (s *Server) addFollowUp(r *http.Request, in followUpJSON) (store.OrgRecord, error) {
	o, err := s.orgFor(r)
	if err != nil {
		return o, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if len(in.Note) > maxNote {
		return o, fmt.Errorf("a note may have %d characters at most: %w", maxNote, store.ErrBadFilter)
	}
	if in.Status == "" {
		reg, err := s.cfg.Store.Register(r.Context(), store.OrgFilter{CompanyNumbers: []string{o.CompanyNumber}})
		if err != nil {
			return o, err
		}
		in.Status = statement.FollowUpNone
		for _, e := range reg {
			if e.OrgID == o.ID {
				in.Status = e.FollowUp
			}
		}
		if in.Note == "" {
			return o, fmt.Errorf("give a state or a note: %w", store.ErrBadFilter)
		}
	}
	return o, s.cfg.Store.AddFollowUp(r.Context(), o.ID, in.Status, in.Note, staffName(r))
}

func (s *Server) followUpForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.staffChange(w, r); !ok {
		return
	}
	o, err := s.addFollowUp(r, followUpJSON{Status: statement.FollowUp(r.PostForm.Get("status")), Note: r.PostForm.Get("note")})
	if err != nil {
		s.orgError(w, r, err)
		return
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(o.CompanyNumber)+"#follow-up", http.StatusSeeOther)
}

// apiFollowUp is POST /api/orgs/{number}/follow-up: {"status","note"} →
// the follow-up's state and history, newest first.
func (s *Server) apiFollowUp(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.staffChange(w, r); !ok {
		return
	}
	var in followUpJSON
	if !readJSON(w, r, &in, `{"status": "contacted", "note": "…"}`) {
		return
	}
	o, err := s.addFollowUp(r, in)
	if err != nil {
		s.orgError(w, r, err)
		return
	}
	notes, err := s.cfg.Store.FollowUps(r.Context(), o.ID)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"company_number": o.CompanyNumber, "follow_up": notes[0].Status, "history": notes})
}
