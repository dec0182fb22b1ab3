package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/statement"
)

// searchData is the search page.
type searchData struct {
	Query   index.Query
	Q       string
	Result  *index.Result
	Error   string
	NoIndex bool
	Regions []option
	// Limited: the account sees its regions only; no "any region"
	Limited     bool
	Ratings     []statement.Rating
	Page, Pages int
	PrevURL     string
	NextURL     string
	FacetURL    func(field, value string) string
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	q, page := s.queryOf(r)
	asked := q.Text != "" || q.Region != "" || q.Rating != "" || q.Year != 0 || q.Sector != ""
	a := accountIn(r.Context())
	if err := s.limitSearch(a, &q, false); err != nil {
		s.error(w, r, queryStatus(err), err.Error())
		return
	}
	d := searchData{Query: q, Q: r.URL.Query().Get("q"), Regions: s.regionOptions(a), Limited: a.limited(), Page: page,
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
	case asked:
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
				// past the last page, Previous goes to the last
				v.Set("page", strconv.Itoa(min(page-1, max(d.Pages, 1))))
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

// errChooseRegion: an account of several regions searches one at a time
// through the API.
var errChooseRegion = errors.New("choose a region")

// limitSearch keeps a search to the account's regions. The region asked
// for must be one of them; none asked for, it is the account's region,
// or, as the index filters by one region at a time, the first of them
// (the API asks which instead). A region: filter in the words narrows the
// search further, never out of the account's regions.
func (s *Server) limitSearch(a account, q *index.Query, api bool) error {
	if !a.limited() {
		return nil
	}
	if q.Region != "" {
		if !a.allows(q.Region) {
			return fmt.Errorf("region %s: %w (%s)", q.Region, errNotYours, a.names())
		}
		return nil
	}
	if api && len(a.regions) > 1 {
		var ids []string
		for _, r := range a.regions {
			ids = append(ids, r.ID)
		}
		return fmt.Errorf("%w: your account sees %s; give region= one of %s", errChooseRegion, a.names(), strings.Join(ids, ", "))
	}
	q.Region = a.regions[0].ID
	return nil
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
