package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// Crawls are s54 serve's crawls, which staff follow, start and stop on the
// runs page and through the API (cmd's runner). Without them the runs
// page lists the runs recorded, and nothing can be started.
type Crawls interface {
	// Start starts a crawl and returns its run's id once it is recorded.
	// An error that is ErrCrawlRunning says a run goes on; one that is
	// ErrCrawlRequest, that the request selects nothing it can crawl.
	Start(ctx context.Context, req CrawlRequest) (runID int64, err error)
	// Stop stops the run going on, for by, and returns once it has
	// recorded its end; ErrNotRunning when run is not the one going on.
	Stop(runID int64, by string) error
	// Live is the run going on, if any.
	Live() (LiveRun, bool)
	// Queued are the checks now waiting for the turn, oldest first.
	Queued() []QueuedCheck
	// Wait waits for a run to end (at once when it is not the one going
	// on) and returns it as recorded; ctx bounds the wait: a caller that
	// answers within a time (a "check now") stops waiting, and the run
	// goes on.
	Wait(ctx context.Context, runID int64) (store.RunSummary, error)
}

// CrawlRequest selects the organisations of a crawl: all of them, a
// region's, some by company number, or those of a filtered register.
type CrawlRequest struct {
	Region         string
	CompanyNumbers []string
	// OrgIDs, when set, are the organisations, and Selection names them
	// ("register status=no_statement"): a filtered register's.
	OrgIDs    []int64
	Selection string
	// Restart starts afresh: an unfinished run for the same organisations
	// is not resumed.
	Restart bool
	// By names who asks.
	By string
}

// LiveRun is the run going on, as it stands.
type LiveRun struct {
	ID int64
	// Since is when this part of the run began, and DoneBefore the
	// organisations done by then: a resumed run's pace counts from its
	// resumption.
	Since      time.Time
	DoneBefore int
	Done       int
	Total      int
	Outcomes   map[statement.RegisterStatus]int
}

// QueuedCheck is a check now of one organisation waiting for the crawl,
// index rebuild or recheck going on to end.
type QueuedCheck struct {
	CompanyNumber, Name, Postcode string
	By                            string
	Since                         time.Time
}

// Remaining estimates the time the run still needs, from its pace so far;
// ok is false until it has one.
func (l LiveRun) Remaining(now time.Time) (time.Duration, bool) {
	done := l.Done - l.DoneBefore
	if done <= 0 || l.Total <= l.Done {
		return 0, done > 0
	}
	per := now.Sub(l.Since) / time.Duration(done)
	return per * time.Duration(l.Total-l.Done), true
}

var (
	// ErrCrawlRunning: a crawl is running already (two never overlap).
	ErrCrawlRunning = errors.New("a crawl is running")
	// ErrCrawlRequest: the request selects nothing that can be crawled.
	ErrCrawlRequest = errors.New("cannot start that crawl")
	// ErrNotRunning: the run asked to stop is not the one going on.
	ErrNotRunning = errors.New("that run is not running")
)

// crawlStatus is the HTTP status of a Crawls error.
func crawlStatus(err error) int {
	switch {
	case errors.Is(err, ErrCrawlRunning):
		return http.StatusConflict
	case errors.Is(err, ErrCrawlRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrNotRunning):
		return http.StatusConflict
	case errors.Is(err, errNotYours):
		return http.StatusForbidden
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

// staffChange checks that a staff request may change something and
// returns who asks: a session's form carries its CSRF token (in the form,
// or the X-CSRF-Token header); an API token needs none, having no cookie
// another site could ride on.
func (s *Server) staffChange(w http.ResponseWriter, r *http.Request) (string, bool) {
	ss, _ := s.session(r)
	if ss.CSRF == "" {
		return ss.User.Name, true
	}
	if !s.csrfOK(r, ss) && !csrfMatches(r.Header.Get("X-CSRF-Token"), ss) {
		s.error(w, r, http.StatusForbidden, "The form had expired; go back, reload the page and try again.")
		return "", false
	}
	return ss.User.Name, true
}

// startCrawl is POST /runs, the runs page's form: all organisations or a
// region's, or (from /runs/new) a filtered register's.
func (s *Server) startCrawl(w http.ResponseWriter, r *http.Request) {
	by, ok := s.staffChange(w, r)
	if !ok {
		return
	}
	if s.cfg.Crawls == nil {
		s.error(w, r, http.StatusNotFound, "This server does not crawl.")
		return
	}
	req := CrawlRequest{Region: r.PostFormValue("region"), Restart: r.PostFormValue("restart") != "", By: by}
	if r.PostFormValue("scope") == "register" {
		filter, err := url.ParseQuery(r.PostFormValue("filter"))
		if err != nil {
			s.error(w, r, http.StatusBadRequest, "The register's filter could not be read.")
			return
		}
		ids, name, err := s.registerSelection(r, filter)
		if err != nil {
			s.error(w, r, http.StatusBadRequest, err.Error())
			return
		}
		req = CrawlRequest{OrgIDs: ids, Selection: name, Restart: req.Restart, By: by}
	}
	if err := s.mayCrawl(r, req); err != nil {
		s.error(w, r, crawlStatus(err), err.Error())
		return
	}
	if _, err := s.cfg.Crawls.Start(r.Context(), req); err != nil {
		s.error(w, r, crawlStatus(err), err.Error())
		return
	}
	http.Redirect(w, r, "/runs", http.StatusSeeOther)
}

// mayCrawl checks that the staff member may crawl what the request
// selects: an account limited to regions crawls one of its regions, or
// organisations in them (a filtered register's are, by the filter).
func (s *Server) mayCrawl(r *http.Request, req CrawlRequest) error {
	a := accountIn(r.Context())
	if !a.limited() || req.OrgIDs != nil {
		return nil
	}
	if len(req.CompanyNumbers) == 0 {
		if req.Region == "" {
			return fmt.Errorf("every organisation: %w (%s): choose one of your regions", errNotYours, a.names())
		}
		if !a.allows(req.Region) {
			return fmt.Errorf("region %s: %w (%s)", req.Region, errNotYours, a.names())
		}
		return nil
	}
	for _, n := range req.CompanyNumbers {
		o, err := s.cfg.Store.OrgByNumber(r.Context(), n)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err != nil || !a.sees(o.Postcode) {
			// an organisation outside the account is no more known
			// than one that does not exist
			return fmt.Errorf("%w: no organisation %s in your regions (%s)", ErrCrawlRequest, n, a.names())
		}
	}
	return nil
}

// mayStop checks that the staff member may stop a run: an account limited
// to regions stops the runs it started, not the others'.
func (s *Server) mayStop(r *http.Request, runID int64, by string) error {
	if !accountIn(r.Context()).limited() {
		return nil
	}
	run, err := s.cfg.Store.Run(r.Context(), runID)
	if err != nil || run.StartedBy == by {
		return err
	}
	return fmt.Errorf("run %d was started by %s for more than your regions: %w", runID, run.StartedBy, errNotYours)
}

// stopCrawl is POST /runs/{id}/stop.
func (s *Server) stopCrawl(w http.ResponseWriter, r *http.Request) {
	by, ok := s.staffChange(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || s.cfg.Crawls == nil {
		s.error(w, r, http.StatusNotFound, "No such run.")
		return
	}
	if err := s.mayStop(r, id, by); err != nil {
		s.error(w, r, crawlStatus(err), err.Error())
		return
	}
	if err := s.cfg.Crawls.Stop(id, by); err != nil {
		s.error(w, r, crawlStatus(err), err.Error())
		return
	}
	http.Redirect(w, r, "/runs", http.StatusSeeOther)
}

// newCrawlData is the page that asks to crawl a filtered register.
type newCrawlData struct {
	Count     int
	Selection string
	Filter    string
	Running   bool
}

// newCrawlPage is GET /runs/new?FILTER: the organisations of the register
// so filtered, and the form that crawls them.
func (s *Server) newCrawlPage(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Crawls == nil {
		s.error(w, r, http.StatusNotFound, "This server does not crawl.")
		return
	}
	filter := r.URL.Query()
	ids, name, err := s.registerSelection(r, filter)
	if err != nil {
		s.error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	_, running := s.cfg.Crawls.Live()
	s.render(w, r, http.StatusOK, "runnew", "Crawl these organisations",
		newCrawlData{Count: len(ids), Selection: name, Filter: filter.Encode(), Running: running})
}

// registerSelection is the organisations of the register filtered as the
// register page is, and a name for them.
func (s *Server) registerSelection(r *http.Request, filter url.Values) ([]int64, string, error) {
	for _, k := range []string{"sort", "page", "per_page", "csrf"} {
		filter.Del(k)
	}
	rq := r.Clone(r.Context())
	rq.URL = &url.URL{Path: "/register", RawQuery: filter.Encode()}
	q, err := s.registerQuery(rq)
	if err != nil {
		return nil, "", err
	}
	q.Page, q.PerPage = 1, 0
	p, err := s.cfg.Store.RegisterPage(r.Context(), q)
	if err != nil {
		return nil, "", err
	}
	ids := make([]int64, 0, len(p.Entries))
	for _, e := range p.Entries {
		ids = append(ids, e.OrgID)
	}
	var parts []string
	for k, vs := range filter {
		for _, v := range vs {
			if v != "" {
				parts = append(parts, k+"="+v)
			}
		}
	}
	slices.Sort(parts)
	name := "register"
	if len(parts) > 0 {
		name += " " + strings.Join(parts, " ")
	}
	if len(ids) == 0 {
		return nil, name, fmt.Errorf("no organisation in the register matches %s", strings.TrimPrefix(name, "register "))
	}
	return ids, name, nil
}
