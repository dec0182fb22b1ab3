package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// errNoCheck: the server was started without a way to check one
// organisation now.
var errNoCheck = errors.New("this server cannot check an organisation now")

// checkNow crawls and checks the organisation of the request as a run of
// its own, and waits for it up to CheckWait: the run's id, and whether it
// ended in that time. The run goes on when the wait or the request ends.
func (s *Server) checkNow(r *http.Request) (store.OrgRecord, int64, bool, error) {
	o, err := s.orgFor(r)
	if err != nil {
		return o, 0, false, err
	}
	if s.cfg.CheckOrg == nil {
		return o, 0, false, errNoCheck
	}
	if o.Website == "" && o.StatementURL == "" {
		return o, 0, false, fmt.Errorf("%s has no website and no statement address to start from: give one first: %w", o.Name, errBadAddress)
	}
	id, done, err := s.cfg.CheckOrg(context.WithoutCancel(r.Context()), o.CompanyNumber, staffName(r))
	if err != nil {
		return o, id, false, err
	}
	wait := time.NewTimer(s.cfg.CheckWait)
	defer wait.Stop()
	select {
	case err := <-done:
		return o, id, true, err
	case <-wait.C:
	case <-r.Context().Done():
	}
	return o, id, false, nil
}

// checkStatus is the HTTP status of an error of a check now.
func checkStatus(err error) int {
	if errors.Is(err, errNoCheck) {
		return http.StatusNotImplemented
	}
	return orgStatus(err)
}

// checkNowForm is the organisation page's "Check now": back to the page
// when the check is done, else to the runs, where it goes on.
func (s *Server) checkNowForm(w http.ResponseWriter, r *http.Request) {
	if !s.formOK(w, r) {
		return
	}
	o, _, done, err := s.checkNow(r)
	if err != nil {
		if checkStatus(err) == http.StatusBadRequest {
			s.orgError(w, r, err)
			return
		}
		s.error(w, r, checkStatus(err), err.Error())
		return
	}
	if !done {
		http.Redirect(w, r, "/runs", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(o.CompanyNumber)+"#work", http.StatusSeeOther)
}

// apiCheckNow is POST /api/orgs/{number}/check: 200 with the new
// register entry when the check ends within CheckWait (about a minute),
// else 202 {"run_id"}; the run is in /runs either way.
func (s *Server) apiCheckNow(w http.ResponseWriter, r *http.Request) {
	ss, _ := s.session(r)
	if !apiCSRFOK(r, ss) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "send the session's CSRF token in X-CSRF-Token, or use an API token"})
		return
	}
	o, id, done, err := s.checkNow(r)
	if err != nil {
		writeJSON(w, checkStatus(err), map[string]any{"error": err.Error(), "run_id": id})
		return
	}
	if !done {
		writeJSON(w, http.StatusAccepted, map[string]int64{"run_id": id})
		return
	}
	reg, err := s.cfg.Store.Register(r.Context(), store.OrgFilter{CompanyNumbers: []string{o.CompanyNumber}})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	for _, e := range reg {
		if e.OrgID == o.ID {
			entries := []statement.RegisterEntry{e}
			s.named(entries)
			writeJSON(w, http.StatusOK, entries[0])
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "no organisation with that company number"})
}
