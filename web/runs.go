package web

import (
	"github.com/s54dev/s54/statement"
	"net/http"
	"slices"
	"time"

	"github.com/s54dev/s54/store"
)

// runsData is the crawl runs page.
type runsData struct {
	Runs []runView
	// Failures are the organisations the last run found no statement
	// for, in groups by outcome (no statement, robots.txt, unreachable,
	// errors).
	Failures []failureGroup
	// Crawls: runs can be started and stopped here; Live: one goes on.
	Crawls bool
	Live   bool
	// Queued are the checks now waiting for the turn, of organisations
	// the account sees.
	Queued []QueuedCheck
	// Regions are those the staff member may crawl; All: every
	// organisation too (an account not limited to regions).
	Regions []option
	All     bool
}

// Refresh reloads the page every few seconds while a run goes on.
func (d runsData) Refresh() int {
	if d.Live || len(d.Queued) > 0 {
		return 5
	}
	return 0
}

// runView is a crawl run as staff see it: how far it got, how long it
// took, and, while it runs, how long it still needs.
type runView struct {
	store.RunSummary
	Done      int
	Live      bool
	Elapsed   time.Duration
	Remaining *time.Duration
}

// By is who stopped the run, else who started it.
func (v runView) By() string {
	if v.StoppedBy != "" {
		return v.StoppedBy
	}
	return v.StartedBy
}

// runViews lays the run going on over the runs recorded.
func (s *Server) runViews(runs []store.RunSummary, now time.Time) ([]runView, bool) {
	var live LiveRun
	ok := false
	if s.cfg.Crawls != nil {
		live, ok = s.cfg.Crawls.Live()
	}
	out := make([]runView, 0, len(runs))
	for _, r := range runs {
		v := runView{RunSummary: r, Done: r.Done()}
		end := now
		if r.FinishedAt != nil {
			end = *r.FinishedAt
		}
		v.Elapsed = max(0, end.Sub(r.StartedAt))
		if ok && live.ID == r.ID {
			v.Live, v.Total = true, live.Total
			// the register records an organisation a moment before the
			// run hears of it: the further of the two
			if live.Done > v.Done {
				v.Done, v.Outcomes = live.Done, live.Outcomes
			}
			live.Done = v.Done
			if left, known := live.Remaining(now); known {
				v.Remaining = &left
			}
		}
		out = append(out, v)
	}
	return out, ok
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	// an account of some regions sees their organisations' outcomes
	a := accountIn(r.Context())
	runs, err := s.cfg.Store.Runs(r.Context(), 20, a.regions...)
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	views, live := s.runViews(runs, time.Now())
	d := runsData{Runs: views, Crawls: s.cfg.Crawls != nil, Live: live, Regions: s.regionOptions(a), All: !a.limited()}
	if s.cfg.Crawls != nil {
		for _, q := range s.cfg.Crawls.Queued() {
			if a.sees(q.Postcode) {
				d.Queued = append(d.Queued, q)
			}
		}
	}
	if len(runs) > 0 {
		failures, err := s.cfg.Store.RunFailures(r.Context(), runs[0].ID, a.regions...)
		if err != nil {
			s.error(w, r, http.StatusInternalServerError, err.Error())
			return
		}
		d.Failures = groupFailures(failures)
	}
	s.render(w, r, http.StatusOK, "runs", "Crawl runs", d)
}

// failureGroup is the organisations of one outcome of the last run.
type failureGroup struct {
	Heading string
	Fetches []store.FetchRecord
}

// failureHeadings head the last run's groups of failures, in the order
// shown.
var failureHeadings = []struct {
	outcome statement.RegisterStatus
	heading string
}{
	{statement.NoStatement, "No statement found on the website"},
	{statement.RobotsBlocked, "Kept out by the website's robots.txt"},
	{statement.Unreachable, "The website could not be reached"},
	{statement.CrawlError, "Something went wrong reading the website or the statement"},
}

// groupFailures puts the last run's failures under their outcome's
// heading; an outcome without one comes last under its own label.
func groupFailures(fs []store.FetchRecord) []failureGroup {
	byOutcome := map[statement.RegisterStatus][]store.FetchRecord{}
	var order []statement.RegisterStatus // the headings', then others as met
	for _, h := range failureHeadings {
		order = append(order, h.outcome)
	}
	for _, f := range fs {
		if !slices.Contains(order, f.Outcome) {
			order = append(order, f.Outcome)
		}
		byOutcome[f.Outcome] = append(byOutcome[f.Outcome], f)
	}
	var out []failureGroup
	for i, o := range order {
		if len(byOutcome[o]) == 0 {
			continue
		}
		heading := labelOf(o)
		if i < len(failureHeadings) {
			heading = failureHeadings[i].heading
		}
		out = append(out, failureGroup{Heading: heading, Fetches: byOutcome[o]})
	}
	return out
}
