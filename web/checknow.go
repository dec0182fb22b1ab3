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

// CheckRun is a check now under way. ID gives the run's id once the run
// is recorded: at once, or, when another crawl holds the turn, when that
// one has ended. Done gives the run's error (nil when it completed) once
// it has ended. Each gives one value.
type CheckRun struct {
	ID   <-chan int64
	Done <-chan error
}

// checkAnswer is how a check now stands when its answer is due: done, or
// going on as run ID (0: waiting its turn behind the run going on).
type checkAnswer struct {
	done  bool
	runID int64
}

// errNoCheck: the server was started without a way to check one
// organisation now.
var errNoCheck = errors.New("this server cannot check an organisation now")

// checkNow crawls and checks the organisation of the request as a run of
// its own, and waits for it up to CheckWait. The run goes on when the
// wait or the request ends. A run that ended in error is the error.
func (s *Server) checkNow(r *http.Request) (store.OrgRecord, checkAnswer, error) {
	o, err := s.orgFor(r)
	if err != nil {
		return o, checkAnswer{}, err
	}
	if s.cfg.CheckOrg == nil {
		return o, checkAnswer{}, errNoCheck
	}
	if o.Website == "" && o.StatementURL == "" {
		return o, checkAnswer{}, fmt.Errorf("%s has no website and no statement address to start from: give one first: %w", o.Name, errBadAddress)
	}
	run, err := s.cfg.CheckOrg(context.WithoutCancel(r.Context()), o.CompanyNumber, staffName(r))
	if err != nil {
		return o, checkAnswer{}, err
	}
	wait := time.NewTimer(s.cfg.CheckWait)
	defer wait.Stop()
	// a check behind a crawl going on waits for its end, which can be
	// hours: that is said at once, not after CheckWait
	queued := time.NewTimer(min(turnWait, s.cfg.CheckWait))
	defer queued.Stop()
	var a checkAnswer
	select {
	case err := <-run.Done:
		return o, checkAnswer{done: true}, err
	case a.runID = <-run.ID:
	case <-queued.C:
	case <-r.Context().Done():
	}
	if a.runID == 0 {
		// a run that started or ended as the wait ran out is not
		// waiting its turn (select picks at random among the ready)
		select {
		case err := <-run.Done:
			return o, checkAnswer{done: true}, err
		case a.runID = <-run.ID:
		default:
			return o, a, nil // waiting its turn
		}
	}
	select {
	case err := <-run.Done:
		return o, checkAnswer{done: true}, err
	case <-wait.C:
	case <-r.Context().Done():
	}
	return o, a, nil
}

// turnWait: a check now not started within this long waits its turn
// behind a crawl going on (a run starts in milliseconds when it can).
const turnWait = 2 * time.Second

// checkStatus is the HTTP status of an error of a check now.
func checkStatus(err error) int {
	switch {
	case errors.Is(err, errNoCheck):
		return http.StatusNotImplemented
	case errors.Is(err, ErrCrawlRequest):
		return http.StatusBadRequest
	}
	return orgStatus(err)
}

// checkNowForm is the organisation page's "Check now": back to the page
// when the check is done, else to the runs, where it goes on.
func (s *Server) checkNowForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.staffChange(w, r); !ok {
		return
	}
	o, a, err := s.checkNow(r)
	if err != nil {
		if checkStatus(err) == http.StatusBadRequest {
			s.orgError(w, r, err)
			return
		}
		s.error(w, r, checkStatus(err), err.Error())
		return
	}
	switch {
	case !a.done && a.runID == 0:
		// waiting its turn: the organisation's page says so
		http.Redirect(w, r, "/orgs/"+url.PathEscape(o.CompanyNumber)+"?check=waiting#work", http.StatusSeeOther)
		return
	case !a.done:
		http.Redirect(w, r, "/runs", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(o.CompanyNumber)+"#work", http.StatusSeeOther)
}

// apiCheckNow is POST /api/orgs/{number}/check: 200 with the new
// register entry when the check ends within CheckWait (about a minute),
// else 202 {"run_id"}; the run is in /runs either way.
func (s *Server) apiCheckNow(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.staffChange(w, r); !ok {
		return
	}
	o, a, err := s.checkNow(r)
	if err != nil {
		writeJSON(w, checkStatus(err), map[string]string{"error": err.Error()})
		return
	}
	if !a.done {
		out := map[string]any{"run_id": a.runID}
		if a.runID == 0 {
			// waiting its turn: no run yet
			out["run_id"] = nil
			out["waiting"] = "another crawl holds the turn; this check starts when it ends (see /runs)"
		}
		writeJSON(w, http.StatusAccepted, out)
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
