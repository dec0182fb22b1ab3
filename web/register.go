package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// Pages of the register: 50 entries unless per_page says otherwise, 500
// at most (the downloads have every entry the filters select).
const (
	defaultPerPage = 50
	maxPerPage     = 500
)

// registerParams are the URL parameters of the register's filters, kept
// when the page, the order or a download is asked for.
var registerParams = []string{"q", "region", "status", "rating", "sector", "scope", "homepage_link", "website", "findings", "follow_up"}

// registerQuery reads the register's filters, order and page from the
// URL. A value that names nothing (a region, a status, a sort) is an
// error for the person who typed it.
//
// The account's regions are a filter too: a staff member limited to some
// regions sees, searches and downloads the organisations in them only.
func (s *Server) registerQuery(r *http.Request) (store.RegisterQuery, error) {
	return s.registerQueryOf(accountIn(r.Context()), r.URL.Query())
}

// registerQueryOf is registerQuery of URL parameters, for an account.
// Several statuses may be given, comma-separated
// (status=unreachable,robots_blocked,error: the sites that could not be
// read).
func (s *Server) registerQueryOf(a account, v url.Values) (store.RegisterQuery, error) {
	q := store.RegisterQuery{Regions: s.cfg.Regions, Sort: v.Get("sort"), Page: 1, PerPage: defaultPerPage}
	f := &q.RegisterFilter
	f.Within = a.regions
	f.Text = strings.TrimSpace(v.Get("q"))
	if st := v.Get("status"); strings.Contains(st, ",") {
		for _, one := range strings.Split(st, ",") {
			f.AnyStatus = append(f.AnyStatus, statement.RegisterStatus(strings.TrimSpace(one)))
		}
	} else {
		f.Status = statement.RegisterStatus(st)
	}
	f.FollowUp = statement.FollowUp(v.Get("follow_up"))
	f.Rating = v.Get("rating")
	f.Sector = v.Get("sector")
	f.Scope = statement.Scope(v.Get("scope"))
	f.Website = store.WebsiteFilter(v.Get("website"))
	f.Findings = v.Get("findings")
	switch hl := strings.ToLower(v.Get("homepage_link")); hl {
	case "":
	case "true", "yes", "false", "no":
		b := hl == "true" || hl == "yes"
		f.HomepageLink = &b
	default:
		return q, fmt.Errorf("homepage_link=%q: say true or false", v.Get("homepage_link"))
	}
	if id := v.Get("region"); id != "" {
		reg, ok := s.cfg.Regions.Get(id)
		if !ok {
			return q, fmt.Errorf("no region %q", id)
		}
		if !a.allows(id) {
			return q, fmt.Errorf("%s: %w (%s)", reg.Name, errNotYours, a.names())
		}
		f.Region = reg
	}
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &q.Page, 1 << 20}, {"per_page", &q.PerPage, maxPerPage}} {
		if raw := v.Get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > p.max {
				return q, fmt.Errorf("%s=%q: a number from 1 to %d", p.name, raw, p.max)
			}
			*p.dst = n
		}
	}
	return q, nil
}

// named gives the entries their region and its name.
func (s *Server) named(entries []statement.RegisterEntry) {
	for i := range entries {
		entries[i].Region = s.cfg.Regions.Match(entries[i].Postcode)
		entries[i].RegionName = s.regionName(entries[i].Region)
	}
}

// regionName is a region's name, "" for none.
func (s *Server) regionName(id string) string { return s.cfg.Regions.Name(id) }

// registerStatus is the HTTP status of an error reading the register.
func registerStatus(err error) int {
	if errors.Is(err, store.ErrBadFilter) {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// queryStatus is the HTTP status of a query that cannot be asked.
func queryStatus(err error) int {
	if errors.Is(err, errNotYours) {
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// registerPageOf reads the page a query asks for, with its entries named.
func (s *Server) registerPageOf(r *http.Request, q store.RegisterQuery) (store.RegisterPage, int, error) {
	p, err := s.cfg.Store.RegisterPage(r.Context(), q)
	if err != nil {
		return p, registerStatus(err), err
	}
	s.named(p.Entries)
	return p, http.StatusOK, nil
}

// option is a choice in a filter's list.
type option struct {
	Value, Label string
	Count        int
}

// registerData is the register page.
type registerData struct {
	Entries                     []statement.RegisterEntry
	Total, Page, Pages, First   int
	Q, Region, Status, Rating   string
	Sector, Scope, HomepageLink string
	Website, Sort, Findings     string
	FollowUp                    string
	Filtered                    bool
	Regions, Sectors            []option
	Statuses, Ratings, Scopes   []option
	Websites, FindingKinds      []option
	FollowUps                   []option
	// PastEnd: the page asked for is after the last; LastURL goes there.
	PastEnd                        bool
	LastURL                        string
	SortURL                        func(key string) string
	PrevURL, NextURL               string
	DownloadCSV, DownloadXL, Clear string
	// CrawlURL asks to crawl the organisations the filters select (""
	// when the server does not crawl).
	CrawlURL string
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	q, err := s.registerQuery(r)
	if err != nil {
		s.error(w, r, queryStatus(err), err.Error())
		return
	}
	p, status, err := s.registerPageOf(r, q)
	if err != nil {
		s.error(w, r, status, err.Error())
		return
	}
	v := r.URL.Query()
	d := registerData{Entries: p.Entries, Total: p.Total, Page: q.Page, Pages: max(1, (p.Total+q.PerPage-1)/q.PerPage),
		First: (q.Page-1)*q.PerPage + 1, Q: q.Text, Region: v.Get("region"), Status: v.Get("status"), Rating: v.Get("rating"),
		Sector: q.Sector, Scope: v.Get("scope"), HomepageLink: v.Get("homepage_link"), Website: v.Get("website"), Findings: q.Findings, Sort: q.Sort,
		FollowUp: v.Get("follow_up")}
	for _, p := range registerParams {
		d.Filtered = d.Filtered || v.Get(p) != ""
	}
	d.Regions = s.regionOptions(accountIn(r.Context()))
	for _, st := range statement.RegisterStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: labelOf(st)})
	}
	if q.AnyStatus != nil {
		// the home page's list of sites that could not be read
		d.Statuses = append(d.Statuses, option{Value: d.Status, Label: "could not be read: " + labelOf(strings.ReplaceAll(d.Status, ",", " or "))})
	}
	for _, fu := range statement.FollowUps {
		d.FollowUps = append(d.FollowUps, option{Value: string(fu), Label: followUpLabel(fu)})
	}
	for _, rt := range []statement.Rating{statement.Strong, statement.Good, statement.Minimum, statement.BelowMinimum} {
		d.Ratings = append(d.Ratings, option{Value: string(rt), Label: labelOf(rt)})
	}
	d.Ratings = append(d.Ratings, option{Value: store.RatingNone, Label: "none yet"})
	chosen := false
	for _, c := range p.Sectors {
		d.Sectors = append(d.Sectors, option{Value: c.Value, Label: c.Value, Count: c.Count})
		chosen = chosen || c.Value == d.Sector
	}
	if d.Sector != "" && !chosen {
		// a sector with nothing under the other filters stays chosen
		d.Sectors = append(d.Sectors, option{Value: d.Sector, Label: d.Sector})
	}
	d.Scopes = []option{{string(statement.InScope), "in scope (£36m or more)", 0}, {string(statement.OutOfScope), "out of scope", 0},
		{string(statement.ScopeUnknown), "turnover unknown", 0}}
	d.Websites = []option{{string(store.WebsiteMissing), "none", 0}, {string(store.WebsitePresent), "known", 0},
		{string(store.WebsiteDerived), "from the statement's address", 0}}
	for _, k := range append(append([]string{}, statement.FindingKinds...), statement.FindingAny) {
		d.FindingKinds = append(d.FindingKinds, option{Value: k, Label: findingLabel(k)})
	}
	link := func(change func(url.Values)) string {
		u := r.URL.Query()
		change(u)
		return "/register?" + u.Encode()
	}
	d.SortURL = func(k string) string {
		if d.Sort == k || d.Sort == "" && k == "name" {
			k = "-" + k
		}
		return link(func(u url.Values) { u.Set("sort", k); u.Del("page") })
	}
	if q.Page > 1 {
		d.PrevURL = link(func(u url.Values) { u.Set("page", strconv.Itoa(min(q.Page-1, d.Pages))) })
	}
	if q.Page > d.Pages {
		d.PastEnd = true
		d.LastURL = link(func(u url.Values) { u.Set("page", strconv.Itoa(d.Pages)) })
	}
	if q.Page < d.Pages {
		d.NextURL = link(func(u url.Values) { u.Set("page", strconv.Itoa(q.Page+1)) })
	}
	dl := r.URL.Query()
	dl.Del("page")
	dl.Del("per_page")
	d.DownloadCSV, d.DownloadXL = "/register.csv?"+dl.Encode(), "/register.xlsx?"+dl.Encode()
	if s.cfg.Crawls != nil {
		dl.Del("sort")
		d.CrawlURL = "/runs/new?" + dl.Encode()
	}
	d.Clear = "/register"
	if d.Sort != "" {
		d.Clear += "?" + url.Values{"sort": {d.Sort}}.Encode()
	}
	s.render(w, r, http.StatusOK, "register", "Register", d)
}

// findingLabel names a kind of finding (statement.FindingKinds) as the
// register's filter and column show it.
func findingLabel(kind string) string {
	switch kind {
	case statement.FindingRegistry:
		return "registry claim not borne out"
	case statement.FindingTemplate:
		return "mostly another's text"
	case statement.FindingRedated:
		return "re-dated, otherwise unchanged"
	case statement.FindingAny:
		return "any of these"
	}
	return kind
}

// registerAll is every entry the URL's filters select, in its order: what
// the downloads hold.
func (s *Server) registerAll(w http.ResponseWriter, r *http.Request) (store.RegisterQuery, []statement.RegisterEntry, bool) {
	q, err := s.registerQuery(r)
	if err != nil {
		s.error(w, r, queryStatus(err), err.Error())
		return q, nil, false
	}
	q.Page, q.PerPage = 1, 0
	p, status, err := s.registerPageOf(r, q)
	if err != nil {
		s.error(w, r, status, err.Error())
		return q, nil, false
	}
	return q, p.Entries, true
}

func (s *Server) registerCSV(w http.ResponseWriter, r *http.Request) {
	_, entries, ok := s.registerAll(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="register.csv"`)
	export.RegisterCSV(w, entries)
}

func (s *Server) registerXLSX(w http.ResponseWriter, r *http.Request) {
	q, entries, ok := s.registerAll(w, r)
	if !ok {
		return
	}
	name := "Register"
	if q.Region != nil {
		name = q.Region.Name
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="register.xlsx"`)
	export.RegisterXLSX(w, []export.Sheet{{Name: name, Entries: entries}})
}
