package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/statement"
)

// searchData is the search page.
type searchData struct {
	Query       index.Query
	Q           string
	Result      *index.Result
	Error       string
	NoIndex     bool
	Regions     []string
	Ratings     []statement.Rating
	Page, Pages int
	PrevURL     string
	NextURL     string
	FacetURL    func(field, value string) string
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	q, page := s.queryOf(r)
	d := searchData{Query: q, Q: r.URL.Query().Get("q"), Regions: s.cfg.Regions.IDs(), Page: page,
		Ratings: []statement.Rating{statement.Strong, statement.Good, statement.Minimum, statement.BelowMinimum}}
	d.FacetURL = func(field, value string) string {
		v := r.URL.Query()
		v.Set("q", strings.TrimSpace(d.Q+" "+field+":"+value))
		v.Del("page")
		return "/search?" + v.Encode()
	}
	status := http.StatusOK
	switch {
	case s.cfg.Index == nil:
		d.NoIndex = true
	case d.Q != "" || q.Region != "" || q.Rating != "" || q.Year != 0 || q.Sector != "":
		res, err := s.search(r.Context(), q)
		if errors.Is(err, index.ErrQuery) {
			d.Error, status = err.Error(), http.StatusBadRequest
		} else if err != nil {
			s.error(w, r, http.StatusInternalServerError, "The search failed: "+err.Error())
			return
		} else {
			d.Result = res
			d.Pages = int((res.Total + uint64(q.Limit) - 1) / uint64(q.Limit))
			v := r.URL.Query()
			if page > 1 {
				v.Set("page", strconv.Itoa(page-1))
				d.PrevURL = "/search?" + v.Encode()
			}
			if page < d.Pages {
				v.Set("page", strconv.Itoa(page+1))
				d.NextURL = "/search?" + v.Encode()
			}
		}
	}
	s.render(w, r, status, "search", "Search statements", d)
}

// queryOf reads a search from the URL.
func (s *Server) queryOf(r *http.Request) (index.Query, int) {
	v := r.URL.Query()
	q := index.Query{Text: v.Get("q"), Region: v.Get("region"), Sector: v.Get("sector"), Rating: v.Get("rating"),
		AllVersions: v.Get("all") == "1", Limit: 10}
	q.Year, _ = strconv.Atoi(v.Get("year"))
	if n, err := strconv.Atoi(v.Get("limit")); err == nil && n > 0 && n <= 100 {
		q.Limit = n
	}
	page, _ := strconv.Atoi(v.Get("page"))
	page = max(1, min(page, 1000))
	q.Offset = (page - 1) * q.Limit
	return q, page
}

// search runs a search in its turn.
func (s *Server) search(ctx context.Context, q index.Query) (*index.Result, error) {
	select {
	case s.searches <- struct{}{}:
		defer func() { <-s.searches }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.cfg.Index.Search(ctx, q)
}
