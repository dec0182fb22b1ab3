package web

import (
	"net/http"
	"time"

	"github.com/s54dev/s54/store"
)

// runsData is the crawl runs page.
type runsData struct {
	Runs     []runView
	Failures []store.FetchRecord
	// Crawls: runs can be started and stopped here; Live: one goes on.
	Crawls bool
	Live   bool
	// Regions are those the staff member may crawl; All: every
	// organisation too (an account not limited to regions).
	Regions []option
	All     bool
}

// Refresh reloads the page every few seconds while a run goes on.
func (d runsData) Refresh() int {
	if d.Live {
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
	if len(runs) > 0 {
		if d.Failures, err = s.cfg.Store.RunFailures(r.Context(), runs[0].ID, a.regions...); err != nil {
			s.error(w, r, http.StatusInternalServerError, err.Error())
			return
		}
	}
	s.render(w, r, http.StatusOK, "runs", "Crawl runs", d)
}
