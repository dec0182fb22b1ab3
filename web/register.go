package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// registerData is the register page.
type registerData struct {
	Entries                 []statement.RegisterEntry
	Total                   int
	Region, Rating, Status  string
	Sort                    string
	Regions                 []string
	Statuses                []statement.RegisterStatus
	Ratings                 []statement.Rating
	SortURL                 func(key string) string
	DownloadCSV, DownloadXL string
	// CrawlURL asks to crawl the organisations shown ("" when the server
	// does not crawl).
	CrawlURL string
}

// register reads the register the URL asks for: filtered and sorted.
func (s *Server) register(r *http.Request) ([]statement.RegisterEntry, registerData, error) {
	v := r.URL.Query()
	d := registerData{Region: v.Get("region"), Rating: v.Get("rating"), Status: v.Get("status"), Sort: v.Get("sort"),
		Regions: s.cfg.Regions.IDs(), Statuses: statement.RegisterStatuses,
		Ratings: []statement.Rating{statement.Strong, statement.Good, statement.Minimum, statement.BelowMinimum}}
	var f store.OrgFilter
	if d.Region != "" {
		reg, ok := s.cfg.Regions.Get(d.Region)
		if !ok {
			return nil, d, fmt.Errorf("no region %q", d.Region)
		}
		f.Region = reg
	}
	all, err := s.cfg.Store.Register(r.Context(), f)
	if err != nil {
		return nil, d, err
	}
	var out []statement.RegisterEntry
	for _, e := range all {
		e.Region = s.cfg.Regions.Match(e.Postcode)
		if d.Status != "" && string(e.Status) != d.Status {
			continue
		}
		if d.Rating != "" && (e.Rating == nil || string(*e.Rating) != d.Rating) {
			continue
		}
		out = append(out, e)
	}
	key, desc := strings.CutPrefix(d.Sort, "-")
	less := map[string]func(a, b statement.RegisterEntry) int{
		"name": func(a, b statement.RegisterEntry) int {
			return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		},
		"status": func(a, b statement.RegisterEntry) int { return cmp.Compare(a.Status, b.Status) },
		"rating": func(a, b statement.RegisterEntry) int { return cmp.Compare(rank(a.Rating), rank(b.Rating)) },
		"score":  func(a, b statement.RegisterEntry) int { return cmp.Compare(score(a.Score), score(b.Score)) },
		"period": func(a, b statement.RegisterEntry) int { return cmp.Compare(a.PeriodEnd.String(), b.PeriodEnd.String()) },
		"region": func(a, b statement.RegisterEntry) int { return cmp.Compare(a.Region, b.Region) },
	}[key]
	if less != nil {
		slices.SortStableFunc(out, func(a, b statement.RegisterEntry) int {
			if desc {
				return less(b, a)
			}
			return less(a, b)
		})
	}
	d.Entries, d.Total = out, len(all)
	d.SortURL = func(k string) string {
		q := r.URL.Query()
		if d.Sort == k {
			k = "-" + k
		}
		q.Set("sort", k)
		return "/register?" + q.Encode()
	}
	q := r.URL.Query()
	q.Del("sort")
	d.DownloadCSV, d.DownloadXL = "/register.csv?"+q.Encode(), "/register.xlsx?"+q.Encode()
	if s.cfg.Crawls != nil {
		d.CrawlURL = "/runs/new?" + q.Encode()
	}
	return out, d, nil
}

func rank(r *statement.Rating) int {
	if r == nil {
		return -1
	}
	return r.Rank()
}

func score(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	_, d, err := s.register(r)
	if err != nil {
		s.error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "register", "Register", d)
}

func (s *Server) registerCSV(w http.ResponseWriter, r *http.Request) {
	entries, _, err := s.register(r)
	if err != nil {
		s.error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="register.csv"`)
	export.RegisterCSV(w, entries)
}

func (s *Server) registerXLSX(w http.ResponseWriter, r *http.Request) {
	entries, d, err := s.register(r)
	if err != nil {
		s.error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	name := "Register"
	if d.Region != "" {
		name = d.Region
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="register.xlsx"`)
	export.RegisterXLSX(w, []export.Sheet{{Name: name, Entries: entries}})
}
