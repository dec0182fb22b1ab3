package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/s54dev/s54/statement"
)

// runJSON is a run in DESIGN.md's GET /api/runs shape, with more fields.
type runJSON struct {
	ID         int64                            `json:"id"`
	State      statement.RunState               `json:"state"`
	StartedAt  time.Time                        `json:"started_at"`
	FinishedAt *time.Time                       `json:"finished_at"`
	Done       int                              `json:"done"`
	Total      int                              `json:"total"`
	Outcomes   map[statement.RegisterStatus]int `json:"outcomes"`
	// By is who stopped the run, else who started it; null when not
	// known (runs of an older s54).
	By        *string `json:"by"`
	StartedBy *string `json:"started_by"`
	StoppedBy *string `json:"stopped_by"`
	Selection string  `json:"selection"`
	// ElapsedSeconds runs to the end, or to now; RemainingSeconds is the
	// estimate of the time left, while the run goes on and has a pace.
	ElapsedSeconds   int64  `json:"elapsed_seconds"`
	RemainingSeconds *int64 `json:"remaining_seconds"`
	Detail           string `json:"detail"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// apiRuns is GET /api/runs: the latest crawl runs, newest first.
func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	// an account of some regions sees their organisations' outcomes
	runs, err := s.cfg.Store.Runs(r.Context(), 20, accountIn(r.Context()).regions...)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	views, _ := s.runViews(runs, time.Now())
	out := make([]runJSON, 0, len(views))
	for _, v := range views {
		j := runJSON{ID: v.ID, State: v.State, StartedAt: v.StartedAt, FinishedAt: v.FinishedAt, Done: v.Done, Total: v.Total,
			Outcomes: v.Outcomes, By: nullable(v.By()), StartedBy: nullable(v.StartedBy), StoppedBy: nullable(v.StoppedBy),
			Selection: v.Selection, ElapsedSeconds: int64(v.Elapsed / time.Second), Detail: v.Detail}
		// an abandoned run (replaced by a run for other organisations,
		// or --restart) was stopped before its end and is not resumed
		if j.State == statement.RunAbandoned {
			j.State = statement.RunStopped
		}
		if v.Remaining != nil {
			left := int64(v.Remaining.Round(time.Second) / time.Second)
			j.RemainingSeconds = &left
		}
		if j.Outcomes == nil {
			j.Outcomes = map[statement.RegisterStatus]int{}
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiStartRun is POST /api/runs with {"region", "orgs": [company numbers],
// "restart"} (all optional: every organisation): 202 {"run_id"}, 409 while
// another run goes on.
func (s *Server) apiStartRun(w http.ResponseWriter, r *http.Request) {
	by, ok := s.staffChange(w, r)
	if !ok {
		return
	}
	if s.cfg.Crawls == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "this server does not crawl"})
		return
	}
	var body struct {
		Region  string   `json:"region"`
		Orgs    []string `json:"orgs"`
		Restart bool     `json:"restart"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil && !errors.Is(err, io.EOF) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want JSON {\"region\", \"orgs\", \"restart\"}: " + err.Error()})
		return
	}
	req := CrawlRequest{Region: body.Region, CompanyNumbers: body.Orgs, Restart: body.Restart, By: by}
	if err := s.mayCrawl(r, req); err != nil {
		writeJSON(w, crawlStatus(err), map[string]string{"error": err.Error()})
		return
	}
	id, err := s.cfg.Crawls.Start(r.Context(), req)
	if err != nil {
		writeJSON(w, crawlStatus(err), map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"run_id": id, "state": statement.RunRunning})
}

// apiStopRun is POST /api/runs/{id}/stop: the run going on stops, recorded
// stopped by the caller.
func (s *Server) apiStopRun(w http.ResponseWriter, r *http.Request) {
	by, ok := s.staffChange(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || s.cfg.Crawls == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such run"})
		return
	}
	if err := s.mayStop(r, id, by); err != nil {
		writeJSON(w, crawlStatus(err), map[string]string{"error": err.Error()})
		return
	}
	if err := s.cfg.Crawls.Stop(id, by); err != nil {
		writeJSON(w, crawlStatus(err), map[string]string{"error": err.Error()})
		return
	}
	run, err := s.cfg.Store.Run(r.Context(), id)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"run_id": id, "state": run.State, "stopped_by": run.StoppedBy, "done": run.Done()})
}
