// Package report makes the monthly compliance report: headline figures,
// what changed since the month before, the lists staff act on, coverage of
// the six areas, the trend over a year, with charts; as HTML, CSV and
// Excel, and by email. It reads the register through Source, as it stood
// at the end of each month, so a past month gives the same report again.
package report

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London on machines without a zone database

	"github.com/s54dev/s54/statement"
)

// Source gives the register as it stood at a time.
type Source interface {
	RegisterAt(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error)
}

// SourceFunc is a Source made of a function.
type SourceFunc func(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error)

// RegisterAt calls f.
func (f SourceFunc) RegisterAt(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error) {
	return f(ctx, at)
}

// London is the partnerships' time zone: months begin at midnight there.
var London = mustZone("Europe/London")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Report is one month's report.
type Report struct {
	// Month is the first day of the month reported on; the figures are the
	// register at the end of it.
	Month     time.Time
	Region    string // "" for every organisation
	Generated time.Time
	Headline  Headline
	Changes   Changes
	// Lists staff act on. NoStatement are the sites read with no
	// statement on them, Unreadable the sites that could not be read
	// (unreachable, robots_blocked, error): the headline's NoStatement and
	// Unreachable count them. AwaitingReply are the organisations staff
	// wrote to that have not answered (follow-up contacted).
	NoStatement    []Line
	Unreadable     []Line
	BelowMinimum   []Line
	NoHomepageLink []Line
	OutOfDate      []Line
	AwaitingReply  []Line
	// Findings, when the source gives them (FindingsSource): registry
	// claims the statement does not bear out, and statements mostly text
	// other organisations published, as they stood at the month's end.
	// A month before any were kept by month has them only when the report
	// is made within a week of its end (FindingsGrace), as they stand
	// then; else FindingsOmitted says so.
	RegistryClaims  []Line
	Templates       []Line
	FindingsOmitted bool
	// Coverage of the six areas among the statements assessed.
	Coverage         Coverage
	CoverageByRegion []Coverage
	CoverageBySector []Coverage
	// Trend is the last twelve months, oldest first.
	Trend []TrendPoint
	// Entries are the register at the end of the month.
	Entries []statement.RegisterEntry
	// RulesChanged are the rule sets first used this month, after others:
	// ratings before and after are on different scales.
	RulesChanged []RulesChange
	// Links is where the organisations' pages are ("https://s54.example.org",
	// web.url in s54.yaml): each name links to Links/orgs/NUMBER. Empty:
	// links from the root of the server showing the report (s54 serve's
	// /reports).
	Links string
}

// OrgURL is the address of an organisation's page in s54.
func (r *Report) OrgURL(number string) string {
	return strings.TrimSuffix(r.Links, "/") + "/orgs/" + url.PathEscape(number)
}

// RulesChange is a rule set first used in the month reported on.
type RulesChange struct {
	Rules string
	At    time.Time
}

// RulesSource is a Source that also says when each rule set the
// register's assessments were made with was first used.
type RulesSource interface {
	Source
	RulesFirstUsed(ctx context.Context) (map[string]time.Time, error)
}

// FindingsSource is a Source that also gives the organisations' findings,
// by company number.
type FindingsSource interface {
	Source
	// Findings are the findings as they stand.
	Findings(ctx context.Context) (map[string]statement.OrgFindings, error)
	// FindingsAt are the findings as they stood at the end of the month
	// that starts at month; ok is false when none were kept by then.
	FindingsAt(ctx context.Context, month time.Time) (_ map[string]statement.OrgFindings, ok bool, _ error)
}

// Headline are the month's figures.
type Headline struct {
	Organisations int
	InScope       int // turnover of £36m or more
	ScopeUnknown  int
	Found         int // a statement found (current or not)
	MeetsMinimum  int // the latest statement meets the legal minimum
	Current       int // covers a year that ended less than 18 months ago
	OutOfDate     int
	NoStatement   int
	Unreachable   int // unreachable, error, robots_blocked
	NotChecked    int
	Ratings       map[statement.Rating]int
}

// Changes are what changed since the end of the month before.
type Changes struct {
	NewStatements []Change
	NewVersions   []Change
	RatingUp      []Change
	RatingDown    []Change
	Disappeared   []Change
	NewlyFailing  []Change
	// Redated are the statements new this month that are the year
	// before's re-dated, otherwise unchanged (with a FindingsSource).
	Redated []Change
}

// Count is the number of changes of every kind.
func (c Changes) Count() int {
	return len(c.NewStatements) + len(c.NewVersions) + len(c.RatingUp) + len(c.RatingDown) + len(c.Disappeared) +
		len(c.NewlyFailing) + len(c.Redated)
}

// Change is one organisation's change.
type Change struct {
	CompanyNumber, Name, Region string
	Before, After               string
}

// Line is an organisation on a list, with what to act on.
type Line struct {
	CompanyNumber, Name, Region string
	Detail                      string
	URL                         string
}

// Coverage counts, among assessed statements, those meeting each area.
type Coverage struct {
	Group      string
	Statements int
	Met        map[statement.CriterionID]int
}

// Percent is the share of statements meeting an area.
func (c Coverage) Percent(id statement.CriterionID) int {
	if c.Statements == 0 {
		return 0
	}
	return c.Met[id] * 100 / c.Statements
}

// TrendPoint is the register at the end of one month.
type TrendPoint struct {
	Month        string // "2025-03"
	Found        int
	MeetsMinimum int
	GoodOrStrong int
}

// FindingsGrace: a report of a month before findings were kept by month,
// made this long after its month's end, still lists the findings as they
// stand (the scheduled report of a month is made during it).
const FindingsGrace = 7 * 24 * time.Hour

// MonthEnd is the end of the month starting at month (midnight in London
// at the start of the next).
func MonthEnd(month time.Time) time.Time {
	m := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, London)
	return m.AddDate(0, 1, 0)
}

// Build makes the report for the month that starts at month (any day of
// it will do).
func Build(ctx context.Context, src Source, month time.Time, region string, now time.Time) (*Report, error) {
	r, err := Glance(ctx, src, month, now)
	if err != nil {
		return nil, err
	}
	r.Region = region
	month, cur := r.Month, r.Entries
	if rs, ok := src.(RulesSource); ok {
		if r.RulesChanged, err = rulesChanged(ctx, rs, month); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	if fs, ok := src.(FindingsSource); ok {
		found, kept, err := fs.FindingsAt(ctx, month)
		if err == nil && !kept && now.Before(MonthEnd(month).Add(FindingsGrace)) {
			found, kept = nil, true
			found, err = fs.Findings(ctx)
		}
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if kept {
			r.findings(cur, found)
		} else {
			r.FindingsOmitted = true
		}
	}
	r.coverage(cur)
	for i := 11; i >= 0; i-- {
		m := month.AddDate(0, -i, 0)
		entries := cur
		if i > 0 {
			if entries, err = src.RegisterAt(ctx, MonthEnd(m)); err != nil {
				return nil, fmt.Errorf("report: %w", err)
			}
		}
		h := headline(entries)
		r.Trend = append(r.Trend, TrendPoint{Month: m.Format("2006-01"), Found: h.Found, MeetsMinimum: h.MeetsMinimum,
			GoodOrStrong: h.Ratings[statement.Good] + h.Ratings[statement.Strong]})
	}
	return r, nil
}

// Glance is the month at a glance, for the staff's home page: the
// headline figures, what changed since the month began and the lists to
// act on, without the findings, the coverage or the trend (which read the
// register as it stood at each of twelve months).
func Glance(ctx context.Context, src Source, month time.Time, now time.Time) (*Report, error) {
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, London)
	r := &Report{Month: month, Generated: now.In(London)}
	cur, err := src.RegisterAt(ctx, MonthEnd(month))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	prev, err := src.RegisterAt(ctx, month)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r.Entries = cur
	r.Headline = headline(cur)
	r.Changes = changes(prev, cur)
	r.lists(cur)
	return r, nil
}

// rulesChanged lists the rule sets first used in the month, unless they
// were the first of all.
func rulesChanged(ctx context.Context, src RulesSource, month time.Time) ([]RulesChange, error) {
	first, err := src.RulesFirstUsed(ctx)
	if err != nil {
		return nil, err
	}
	var earliest time.Time
	for _, at := range first {
		if earliest.IsZero() || at.Before(earliest) {
			earliest = at
		}
	}
	var out []RulesChange
	for rules, at := range first {
		if at.After(earliest) && !at.Before(month) && at.Before(MonthEnd(month)) {
			out = append(out, RulesChange{Rules: rules, At: at.In(London)})
		}
	}
	slices.SortFunc(out, func(a, b RulesChange) int { return a.At.Compare(b.At) })
	return out, nil
}

func headline(entries []statement.RegisterEntry) Headline {
	h := Headline{Organisations: len(entries), Ratings: map[statement.Rating]int{}}
	for _, e := range entries {
		switch e.Scope {
		case statement.InScope:
			h.InScope++
		case statement.ScopeUnknown:
			h.ScopeUnknown++
		}
		if e.Rating != nil {
			h.Found++
			h.Ratings[*e.Rating]++
			if *e.Rating != statement.BelowMinimum {
				h.MeetsMinimum++
			}
			if e.Criteria[statement.Current] == statement.Met {
				h.Current++
			}
		}
		switch {
		case e.Status == statement.OutOfDate:
			h.OutOfDate++
		case e.Status == statement.NoStatement:
			h.NoStatement++
		case e.Status == statement.NotChecked:
			h.NotChecked++
		case e.Status.Failing():
			h.Unreachable++
		}
	}
	return h
}

func changes(prev, cur []statement.RegisterEntry) Changes {
	before := map[int64]statement.RegisterEntry{}
	for _, e := range prev {
		before[e.OrgID] = e
	}
	var c Changes
	for _, e := range cur {
		p, existed := before[e.OrgID]
		ch := Change{CompanyNumber: e.CompanyNumber, Name: e.Name, Region: regionOf(e)}
		switch {
		case e.StatementID != 0 && p.StatementID == 0:
			ch.After = describe(e)
			c.NewStatements = append(c.NewStatements, ch)
		case e.StatementID != 0 && e.StatementID != p.StatementID:
			ch.Before, ch.After = describe(p), describe(e)
			c.NewVersions = append(c.NewVersions, ch)
		}
		if e.Rating != nil && p.Rating != nil && e.Rating.Rank() != p.Rating.Rank() {
			ch.Before, ch.After = labelOf(string(*p.Rating)), labelOf(string(*e.Rating))
			if e.Rating.Rank() > p.Rating.Rank() {
				c.RatingUp = append(c.RatingUp, ch)
			} else {
				c.RatingDown = append(c.RatingDown, ch)
			}
		}
		if !existed {
			continue
		}
		if (p.Status == statement.Found || p.Status == statement.OutOfDate) && e.Status == statement.NoStatement {
			c.Disappeared = append(c.Disappeared, Change{CompanyNumber: e.CompanyNumber, Name: e.Name, Region: regionOf(e),
				Before: p.StatementURL, After: statement.Explain(e.Status, e.Failure)})
		}
		if e.Status.Failing() && !p.Status.Failing() {
			c.NewlyFailing = append(c.NewlyFailing, Change{CompanyNumber: e.CompanyNumber, Name: e.Name, Region: regionOf(e),
				Before: labelOf(string(p.Status)), After: labelOf(string(e.Status)) + ": " + statement.Explain(e.Status, e.Failure)})
		}
	}
	return c
}

// describe names a statement: its year and rating.
func describe(e statement.RegisterEntry) string {
	var parts []string
	if e.PeriodEnd.Year != 0 {
		parts = append(parts, "year ending "+e.PeriodEnd.String())
	}
	if e.Rating != nil {
		parts = append(parts, labelOf(string(*e.Rating)))
	}
	if len(parts) == 0 {
		return "a statement"
	}
	return strings.Join(parts, ", ")
}

func labelOf(s string) string { return strings.ReplaceAll(s, "_", " ") }

// minimum are the criteria of the legal minimum.
var minimum = []statement.CriterionID{statement.Approval, statement.Signature, statement.HomepageLink}

func (r *Report) lists(entries []statement.RegisterEntry) {
	for _, e := range entries {
		l := Line{CompanyNumber: e.CompanyNumber, Name: e.Name, Region: regionOf(e), URL: e.StatementURL}
		// the lists count what the headline counts
		switch {
		case e.Status == statement.NoStatement:
			l.Detail = statement.Explain(e.Status, e.Failure)
			r.NoStatement = append(r.NoStatement, l)
		case e.Status.Failing():
			l.Detail = labelOf(string(e.Status))
			if why := statement.Explain(e.Status, e.Failure); why != "" {
				l.Detail += ": " + why
			}
			if e.Rating != nil {
				l.Detail += " (the last statement found is kept)"
			}
			r.Unreadable = append(r.Unreadable, l)
		case e.Status == statement.OutOfDate:
			l.Detail = "the latest statement found is for the year ending " + e.PeriodEnd.String()
			r.OutOfDate = append(r.OutOfDate, l)
		}
		if e.FollowUp == statement.Contacted {
			l.Detail = "written to; no reply recorded yet"
			r.AwaitingReply = append(r.AwaitingReply, l)
		}
		if e.Rating != nil && *e.Rating == statement.BelowMinimum {
			var missing []string
			for _, c := range minimum {
				if st := e.Criteria[c]; st == statement.Missing || st == statement.Partial {
					missing = append(missing, c.Label()+" "+string(st))
				}
			}
			l.Detail = strings.Join(missing, "; ")
			r.BelowMinimum = append(r.BelowMinimum, l)
		}
		if e.HomepageLink != nil && !*e.HomepageLink {
			l.Detail = "statement found, but not linked from the homepage"
			r.NoHomepageLink = append(r.NoHomepageLink, l)
		}
	}
}

// regionOf is the region people read: its name, or its id when the
// entry has no name for it.
func regionOf(e statement.RegisterEntry) string {
	if e.RegionName != "" {
		return e.RegionName
	}
	return e.Region
}

// findings lists the organisations of the report with registry claims
// not borne out or a statement mostly shared, and, among this month's new
// statements, those re-dated.
func (r *Report) findings(entries []statement.RegisterEntry, found map[string]statement.OrgFindings) {
	newThisMonth := map[string]bool{}
	for _, c := range append(slices.Clone(r.Changes.NewStatements), r.Changes.NewVersions...) {
		newThisMonth[c.CompanyNumber] = true
	}
	for _, e := range entries {
		f, ok := found[e.CompanyNumber]
		if !ok {
			continue
		}
		l := Line{CompanyNumber: e.CompanyNumber, Name: e.Name, Region: regionOf(e), URL: e.StatementURL}
		var notes []string
		for _, rf := range f.Registry {
			if !rf.Quiet {
				notes = append(notes, rf.Note)
			}
		}
		if len(notes) > 0 {
			l.Detail = strings.Join(notes, "; ")
			r.RegistryClaims = append(r.RegistryClaims, l)
		}
		if t := f.Template; t != nil && t.Shared >= statement.TemplateShare {
			var names []string
			for _, s := range t.Similar {
				names = append(names, s.Name)
			}
			l.Detail = fmt.Sprintf("%.0f%% of its text is in other organisations' statements", 100*t.Shared)
			if len(names) > 0 {
				l.Detail += ": " + strings.Join(names, ", ")
			}
			r.Templates = append(r.Templates, l)
		}
		if u := f.Unchanged; u != nil && u.Redated && newThisMonth[e.CompanyNumber] {
			r.Changes.Redated = append(r.Changes.Redated, Change{CompanyNumber: e.CompanyNumber, Name: e.Name, Region: regionOf(e),
				Before: "year ending " + u.PreviousPeriodEnd.String(), After: fmt.Sprintf("%s, %.0f%% of the text changed", describe(e), 100*u.Changed)})
		}
	}
}

func (r *Report) coverage(entries []statement.RegisterEntry) {
	all := Coverage{Group: "All", Met: map[statement.CriterionID]int{}}
	byRegion, bySector := map[string]*Coverage{}, map[string]*Coverage{}
	add := func(m map[string]*Coverage, key string, e statement.RegisterEntry) {
		if key == "" {
			key = "(none)"
		}
		c := m[key]
		if c == nil {
			c = &Coverage{Group: key, Met: map[statement.CriterionID]int{}}
			m[key] = c
		}
		c.Statements++
		for _, a := range statement.Areas {
			if e.Criteria[a] == statement.Met {
				c.Met[a]++
			}
		}
	}
	for _, e := range entries {
		if e.Rating == nil {
			continue
		}
		all.Statements++
		for _, a := range statement.Areas {
			if e.Criteria[a] == statement.Met {
				all.Met[a]++
			}
		}
		add(byRegion, regionOf(e), e)
		add(bySector, e.Sector, e)
	}
	r.Coverage = all
	flatten := func(m map[string]*Coverage) []Coverage {
		var out []Coverage
		for _, c := range m {
			out = append(out, *c)
		}
		slices.SortFunc(out, func(a, b Coverage) int { return strings.Compare(a.Group, b.Group) })
		return out
	}
	r.CoverageByRegion, r.CoverageBySector = flatten(byRegion), flatten(bySector)
}
