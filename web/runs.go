package web

import (
	"net/http"

	"github.com/s54dev/s54/store"
)

// runsData is the crawl runs page.
type runsData struct {
	Runs     []store.RunSummary
	Failures []store.FetchRecord
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	// an account of some regions sees their organisations' outcomes
	a := accountIn(r.Context())
	runs, err := s.cfg.Store.Runs(r.Context(), 20, a.regions...)
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	d := runsData{Runs: runs}
	if len(runs) > 0 {
		if d.Failures, err = s.cfg.Store.RunFailures(r.Context(), runs[0].ID, a.regions...); err != nil {
			s.error(w, r, http.StatusInternalServerError, err.Error())
			return
		}
	}
	s.render(w, r, http.StatusOK, "runs", "Crawl runs", d)
}
