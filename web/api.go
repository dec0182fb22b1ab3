package web

import (
	"errors"
	"net/http"

	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// apiSearch is GET /api/search?q=…: DESIGN.md's search shape.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Index == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "no search index yet"})
		return
	}
	q, _ := s.queryOf(r)
	if err := s.limitSearch(accountIn(r.Context()), &q, true); err != nil {
		writeJSON(w, queryStatus(err), map[string]string{"error": err.Error()})
		return
	}
	res, err := s.search(r.Context(), q)
	if errors.Is(err, index.ErrQuery) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, res.JSON(func(sha string) string { return "/snapshots/" + sha }))
}

// apiRegister is GET /api/register: a page of the register, filtered and
// sorted as the register page is, in DESIGN.md's shape
// {"total","page","per_page","items"}, with the sectors to filter by.
func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) {
	q, err := s.registerQuery(r)
	if err != nil {
		writeJSON(w, queryStatus(err), map[string]string{"error": err.Error()})
		return
	}
	p, status, err := s.registerPageOf(r, q)
	if err != nil {
		writeJSON(w, status, map[string]string{"error": err.Error()})
		return
	}
	if p.Entries == nil {
		p.Entries = []statement.RegisterEntry{}
	}
	writeJSON(w, http.StatusOK, registerJSON{Total: p.Total, Page: q.Page, PerPage: q.PerPage, Items: p.Entries,
		Facets: map[string][]store.FacetCount{"sector": p.Sectors}})
}

// registerJSON is a page of the register as the API gives it.
type registerJSON struct {
	Total   int                       `json:"total"`
	Page    int                       `json:"page"`
	PerPage int                       `json:"per_page"`
	Items   []statement.RegisterEntry `json:"items"`
	// Facets counts the entries by sector, the other filters applied.
	Facets map[string][]store.FacetCount `json:"facets"`
}

// apiOrg is GET /api/orgs/{number}: the register entry, every statement
// version with its assessment, and the fetch history.
func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request) {
	d, err := s.org(r.Context(), r.PathValue("number"), false)
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no organisation with that company number"})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	type version struct {
		URL        string               `json:"url"`
		Snapshot   string               `json:"snapshot"`
		PeriodEnd  statement.Date       `json:"period_end"`
		Current    bool                 `json:"current"`
		Assessment statement.Assessment `json:"assessment"`
	}
	type fetch struct {
		At           string                   `json:"at"`
		Outcome      statement.RegisterStatus `json:"outcome"`
		URL          string                   `json:"url"`
		HTTPStatus   int                      `json:"http_status,omitempty"`
		Error        string                   `json:"error,omitempty"`
		Tried        []string                 `json:"tried"`
		HomepageLink *bool                    `json:"homepage_link"`
		// the link was there only once the homepage's scripts ran
		LinkNeedsScript bool `json:"link_needs_script,omitempty"`
	}
	out := struct {
		Org        statement.Org            `json:"org"`
		Region     string                   `json:"region"`
		RegionName string                   `json:"region_name"`
		Register   *statement.RegisterEntry `json:"register"`
		Statements []version                `json:"statements"`
		Fetches    []fetch                  `json:"fetches"`
		// Findings: the shape of s54 findings --json, null when none
		Findings *statement.OrgFindings `json:"findings"`
	}{Org: d.Org.Org, Region: d.Region, RegionName: d.RegionName, Register: d.Entry, Statements: []version{}, Fetches: []fetch{}, Findings: d.Findings}
	for _, v := range d.Statements {
		out.Statements = append(out.Statements, version{URL: v.URL, Snapshot: "/snapshots/" + v.SHA256,
			PeriodEnd: v.PeriodEnd, Current: v.Latest, Assessment: v.Assessment})
	}
	for _, f := range d.Fetches {
		out.Fetches = append(out.Fetches, fetch{At: f.FetchedAt.Format("2006-01-02T15:04:05Z07:00"), Outcome: f.Outcome,
			URL: f.URL, HTTPStatus: f.HTTPStatus, Error: f.Error, Tried: f.Tried, HomepageLink: f.HomepageLink, LinkNeedsScript: f.LinkNeedsScript})
	}
	writeJSON(w, http.StatusOK, out)
}
