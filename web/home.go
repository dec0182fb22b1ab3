package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// homeData is the staff's home page: this month at a glance for the
// account's regions, and the lists to act on.
type homeData struct {
	Month    string
	Headline report.Headline
	Changes  report.Changes
	Lists    []homeList
	// Report is the address of this month's report, "" when there is
	// none yet.
	Report string
}

// homeList is a list to act on: how many, and the register filtered to
// them.
type homeList struct {
	Label, Help string
	Count       int
	URL         string
}

// unreadable is the status filter of the sites that could not be read.
var unreadable = strings.Join([]string{string(statement.Unreachable), string(statement.RobotsBlocked), string(statement.CrawlError)}, ",")

// homeLists are the lists to act on, each the register's filter that
// selects it: the count is the register's own, so following a list shows
// as many as it said.
var homeLists = []struct {
	label, help string
	filter      url.Values
}{
	{"No statement", "the site was read and no statement found on it", url.Values{"status": {string(statement.NoStatement)}}},
	{"Below the legal minimum", "approval, signature or the homepage link missing", url.Values{"rating": {string(statement.BelowMinimum)}}},
	{"Not linked from the homepage", "a statement found, but no link to it on the homepage", url.Values{"homepage_link": {"false"}}},
	{"Out of date", "the latest statement covers a year that ended 18 months ago or more", url.Values{"status": {string(statement.OutOfDate)}}},
	{"Could not be read", "the site did not answer, refused s54 in robots.txt, or failed", url.Values{"status": {unreadable}}},
	{"Awaiting a reply", "written to, no reply recorded", url.Values{"follow_up": {string(statement.Contacted)}}},
	{"To contact", "marked to be written to", url.Values{"follow_up": {string(statement.ToContact)}}},
	{"No website", "nothing for the crawler to start from: add one on the organisation's page", url.Values{"website": {string(store.WebsiteMissing)}}},
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := accountIn(ctx)
	now := time.Now()
	g, err := report.Glance(ctx, s.registerSource(a), now.In(report.London), now)
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	d := homeData{Month: g.Month.Format("January 2006"), Headline: g.Headline, Changes: g.Changes}
	for _, l := range homeLists {
		q, err := s.registerQueryOf(a, l.filter)
		if err != nil {
			s.error(w, r, http.StatusInternalServerError, err.Error())
			return
		}
		q.PerPage = 1
		p, err := s.cfg.Store.RegisterPage(ctx, q)
		if err != nil {
			s.error(w, r, http.StatusInternalServerError, err.Error())
			return
		}
		d.Lists = append(d.Lists, homeList{Label: l.label, Help: l.help, Count: p.Total, URL: "/register?" + l.filter.Encode()})
	}
	if reps := s.reports(a); len(reps) > 0 && reps[0].Month == g.Month.Format("2006-01") {
		d.Report = reps[0].URL
	}
	s.render(w, r, http.StatusOK, "home", "This month: "+d.Month, d)
}

// registerSource is the register as the report reads it, for an account:
// the organisations in its regions, with their regions named.
func (s *Server) registerSource(a account) report.Source {
	return report.SourceFunc(func(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error) {
		all, err := s.registerAt(ctx, at)
		if err != nil {
			return nil, err
		}
		out := make([]statement.RegisterEntry, 0, len(all))
		for _, e := range all {
			if a.sees(e.Postcode) {
				out = append(out, e)
			}
		}
		s.named(out)
		return out, nil
	})
}

// pastRegister is the register as it stood at one past time.
type pastRegister struct {
	mu      sync.Mutex
	at      time.Time
	entries []statement.RegisterEntry
}

// registerAt is the whole register as it stood at a time: the current
// register for a time to come (read from each organisation's latest
// result, which store tests keep equal to the history's), the last past
// one kept (nothing recorded later changes it). A time within the last
// minute is read from the history each time (the register stamps to the
// second).
func (s *Server) registerAt(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error) {
	now := time.Now()
	switch {
	case at.After(now):
		return s.cfg.Store.Register(ctx, store.OrgFilter{})
	case !at.Before(now.Add(-time.Minute)):
		return s.cfg.Store.RegisterAt(ctx, store.OrgFilter{}, at)
	}
	p := &s.past
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.entries != nil && p.at.Equal(at) {
		return p.entries, nil
	}
	all, err := s.cfg.Store.RegisterAt(ctx, store.OrgFilter{}, at)
	if err != nil {
		return nil, err
	}
	p.at, p.entries = at, all
	return all, nil
}
