package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
)

// RegisterFilter selects entries of the current register; each field set
// narrows the selection, the zero filter selects all. Each filter is a
// field here and a condition in where: a new one (a follow-up state, a
// finding) is one of each.
type RegisterFilter struct {
	OrgFilter
	// Within keeps the organisations in any of these regions: the regions
	// a staff account is limited to. Empty: no limit.
	Within []*region.Region
	// Text keeps the organisations whose name has every word of it, in
	// part, case and accents ignored ("abel cole" finds "ABEL & COLE
	// LIMITED"), or whose company number has it ("4830352").
	Text   string
	Status statement.RegisterStatus
	// Rating is a rating, or RatingNone for those without one.
	Rating string
	// Sector is an organisation's sector as a list gave it.
	Sector       string
	Scope        statement.Scope
	HomepageLink *bool
	Website      WebsiteFilter
	// AnyStatus keeps the entries in any of these statuses (the sites
	// that could not be read: unreachable, robots_blocked and error).
	AnyStatus []statement.RegisterStatus
	// FollowUp keeps the organisations in this follow-up state.
	FollowUp statement.FollowUp
	// Findings is a kind of finding (statement.FindingKinds) or
	// statement.FindingAny.
	Findings string
}

// RatingNone selects the entries with no assessed statement.
const RatingNone = "none"

// WebsiteFilter selects organisations by their website.
type WebsiteFilter string

// Website filters.
const (
	WebsiteAny     WebsiteFilter = ""
	WebsiteMissing WebsiteFilter = "missing"
	WebsitePresent WebsiteFilter = "present"
	// WebsiteDerived: the website was worked out from a statement's
	// address, not given by a person.
	WebsiteDerived WebsiteFilter = "derived"
)

// WebsiteFilters are the website filters there are.
var WebsiteFilters = []WebsiteFilter{WebsiteMissing, WebsitePresent, WebsiteDerived}

// RegisterQuery is a page of the register: a filter, an order and a page.
type RegisterQuery struct {
	RegisterFilter
	// Sort is one of SortKeys, "-" before it for descending; by name when
	// empty. Ties go by name.
	Sort string
	// Regions orders the "region" sort, by the regions' names.
	Regions *region.Set
	// Page counts from 1; PerPage 0 gives every entry on one page.
	Page, PerPage int
}

// SortKeys are the orders of the register.
var SortKeys = []string{"name", "region", "status", "rating", "score", "period", "sector"}

// RegisterPage is a page of the register, the number of entries the
// filter selects, and the sectors to narrow it by.
type RegisterPage struct {
	Total   int
	Entries []statement.RegisterEntry
	// Sectors count the entries by sector under every filter but the
	// sector's own, the most common first (organisations without a sector
	// are not counted). Nil when the page is the whole register.
	Sectors []FacetCount
}

// conds gathers the conditions of a query and their arguments.
type conds struct {
	parts []string
	args  []any
	// latest is true when a condition reads org_latest l
	latest bool
}

func (c *conds) add(cond string, args ...any) {
	c.parts = append(c.parts, cond)
	c.args = append(c.args, args...)
}

// addLatest adds a condition on org_latest l.
func (c *conds) addLatest(cond string, args ...any) {
	c.add(cond, args...)
	c.latest = true
}

func (c *conds) sql() string {
	if len(c.parts) == 0 {
		return "1"
	}
	return strings.Join(c.parts, " AND ")
}

// scopeSQL is statement.Turnover.Scope in SQL.
var scopeSQL = fmt.Sprintf(`CASE WHEN o.turnover_min >= %[1]d THEN '%[2]s'
	WHEN o.turnover_max > 0 AND o.turnover_max < %[1]d THEN '%[3]s' ELSE '%[4]s' END`,
	statement.ThresholdPounds, statement.InScope, statement.OutOfScope, statement.ScopeUnknown)

// where is the filter's condition on orgs o and org_latest l. Without
// the sector filter when forFacets: the sector facet counts what each
// sector would give.
func (f RegisterFilter) where(forFacets bool) (conds, error) {
	var c conds
	if cond, args := f.OrgFilter.where(); cond != "1" {
		c.add(cond, args...)
	}
	if len(f.Within) > 0 {
		cond, args := withinCond(f.Within)
		c.add(cond, args...)
	}
	if cond, args := textCond(f.Text); cond != "" {
		c.add(cond, args...)
	}
	if f.Status != "" {
		if !slices.Contains(statement.RegisterStatuses, f.Status) {
			return c, fmt.Errorf("store: %w: no register status %q", ErrBadFilter, f.Status)
		}
		c.addLatest("l.status = ?", string(f.Status))
	}
	if len(f.AnyStatus) > 0 {
		var args []any
		vals := make([]string, len(f.AnyStatus))
		for i, st := range f.AnyStatus {
			if !slices.Contains(statement.RegisterStatuses, st) {
				return c, fmt.Errorf("store: %w: no register status %q", ErrBadFilter, st)
			}
			vals[i] = string(st)
		}
		c.addLatest(inList("l.status", vals, &args), args...)
	}
	switch {
	case f.FollowUp == "":
	case f.FollowUp == statement.FollowUpNone:
		c.add("o.follow_up = ''")
	case f.FollowUp.Valid():
		c.add("o.follow_up = ?", string(f.FollowUp))
	default:
		return c, fmt.Errorf("store: %w: no follow-up state %q (one of none, to_contact, contacted, replied, resolved)", ErrBadFilter, f.FollowUp)
	}
	switch r := statement.Rating(f.Rating); {
	case f.Rating == "":
	case f.Rating == RatingNone:
		c.addLatest("l.rating = ''")
	case r.Rank() >= 0:
		c.addLatest("l.rating = ?", f.Rating)
	default:
		return c, fmt.Errorf("store: %w: no rating %q", ErrBadFilter, f.Rating)
	}
	if f.Sector != "" && !forFacets {
		c.add("o.sector = ?", f.Sector)
	}
	switch f.Scope {
	case "":
	case statement.InScope, statement.OutOfScope, statement.ScopeUnknown:
		c.add(scopeSQL+" = ?", string(f.Scope))
	default:
		return c, fmt.Errorf("store: %w: no scope %q", ErrBadFilter, f.Scope)
	}
	if f.HomepageLink != nil {
		c.addLatest("l.homepage_link = ?", *f.HomepageLink)
	}
	if f.Findings != "" {
		cond, ok := findingConds[f.Findings]
		if !ok {
			return c, fmt.Errorf("store: %w: findings=%q (%s or %s)", ErrBadFilter, f.Findings,
				strings.Join(statement.FindingKinds, ", "), statement.FindingAny)
		}
		c.add("EXISTS (SELECT 1 FROM org_findings g WHERE g.org_id = o.id AND (" + cond + "))")
	}
	switch f.Website {
	case WebsiteAny:
	case WebsiteMissing:
		c.add("o.website = ''")
	case WebsitePresent:
		c.add("o.website <> ''")
	case WebsiteDerived:
		c.add("o.website <> '' AND o.website_source = ?", string(statement.WebsiteDerived))
	default:
		return c, fmt.Errorf("store: %w: website=%q (missing, present or derived)", ErrBadFilter, f.Website)
	}
	return c, nil
}

// findingConds are the conditions on org_findings g of each findings=
// filter; findingCols gives the same per column for the register's
// findings.
var findingConds = func() map[string]string {
	m := map[string]string{
		statement.FindingRegistry: "g.registry > 0",
		statement.FindingTemplate: fmt.Sprintf("g.template >= %g", statement.TemplateShare),
		statement.FindingRedated:  "g.redated <> 0",
	}
	var all []string
	for _, k := range statement.FindingKinds {
		all = append(all, m[k])
	}
	m[statement.FindingAny] = strings.Join(all, " OR ")
	return m
}()

// findingCols are the register's columns of each kind of finding, in
// the order of statement.FindingKinds.
var findingCols = func() string {
	var cols []string
	for _, k := range statement.FindingKinds {
		cols = append(cols, "coalesce("+findingConds[k]+", 0)")
	}
	return strings.Join(cols, ", ")
}()

// noFindingCols stands for findingCols in a register that has no
// findings: the register at a past time (org_findings keeps no history).
var noFindingCols = strings.TrimSuffix(strings.Repeat("0, ", len(statement.FindingKinds)), ", ")

// withinCond is the condition that an organisation is in any of the
// regions (a staff account's).
func withinCond(regions []*region.Region) (string, []any) {
	var either []string
	var args []any
	for _, r := range regions {
		cond, a := regionCond(r)
		either, args = append(either, cond), append(args, a...)
	}
	return "(" + strings.Join(either, " OR ") + ")", args
}

// textCond is the search by name or company number: every word of the
// folded text in the folded name, or the text in the company number.
// instr, not LIKE: the name is folded already, and instr is three times
// as fast on 20,000 names.
func textCond(text string) (string, []any) {
	var args []any
	var words []string
	for _, w := range strings.Fields(foldName(text)) {
		words = append(words, "instr(o.search_name, ?) > 0")
		args = append(args, w)
	}
	number := strings.ToUpper(strings.Join(strings.Fields(text), ""))
	hasDigit := strings.ContainsAny(number, "0123456789")
	switch {
	case len(words) == 0 && !hasDigit:
		return "", nil
	case !hasDigit:
		return "(" + strings.Join(words, " AND ") + ")", args
	case len(words) == 0:
		return "instr(o.company_number, ?) > 0", []any{number}
	}
	return "((" + strings.Join(words, " AND ") + ") OR instr(o.company_number, ?) > 0)", append(args, number)
}

// orderBy is the SQL order of a sort key, ties by name, and whether it
// reads org_latest l.
func (q RegisterQuery) orderBy() (string, bool, error) {
	key, desc := strings.CutPrefix(q.Sort, "-")
	var expr string
	switch key {
	case "", "name":
		expr = "o.name COLLATE NOCASE"
		if q.Text != "" {
			// a search selects few: reading them all and sorting them is
			// faster than walking every name in order (+ keeps the index
			// out)
			expr = "+o.name COLLATE NOCASE"
		}
	case "region":
		expr = regionOrder(q.Regions)
	case "status":
		var b strings.Builder
		b.WriteString("CASE l.status")
		for i, st := range statement.RegisterStatuses {
			fmt.Fprintf(&b, " WHEN '%s' THEN %d", st, i)
		}
		b.WriteString(" END")
		expr = b.String()
	case "rating":
		expr = fmt.Sprintf("CASE l.rating WHEN '%s' THEN 0 WHEN '%s' THEN 1 WHEN '%s' THEN 2 WHEN '%s' THEN 3 ELSE -1 END",
			statement.BelowMinimum, statement.Minimum, statement.Good, statement.Strong)
	case "score":
		expr = "coalesce(l.score, -1)"
	case "period":
		expr = "l.period_end"
	case "sector":
		expr = "o.sector COLLATE NOCASE"
	default:
		return "", false, fmt.Errorf("store: %w: no sort %q (one of %s)", ErrBadFilter, q.Sort, strings.Join(SortKeys, ", "))
	}
	latest := strings.Contains(expr, "l.")
	dir := ""
	if desc {
		dir = " DESC"
	}
	if key == "" || key == "name" {
		return expr + dir + ", o.id" + dir, false, nil
	}
	return expr + dir + ", o.name COLLATE NOCASE, o.id", latest, nil
}

// regionOrder ranks each organisation by the name of the region
// region.Set.Match gives it: sectors before districts before areas, the
// set's first region on a tie, excluded postcodes skipped. Organisations
// in no region come last.
func regionOrder(set *region.Set) string {
	if set == nil {
		return "0"
	}
	ids := set.IDs()
	byName := slices.Clone(ids)
	name := func(id string) string {
		r, _ := set.Get(id)
		return strings.ToLower(r.Name)
	}
	slices.SortStableFunc(byName, func(a, b string) int { return strings.Compare(name(a), name(b)) })
	quote := func(vals []string) string {
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		return strings.Join(q, ",")
	}
	var b strings.Builder
	b.WriteString("CASE")
	for level := range 3 {
		col := []string{"o.pc_sector", "o.pc_district", "o.pc_area"}[level]
		for _, id := range ids {
			r, _ := set.Get(id)
			a, d, s := r.Prefixes()
			vals := [][]string{s, d, a}[level]
			if len(vals) == 0 {
				continue
			}
			fmt.Fprintf(&b, " WHEN %s IN (%s)", col, quote(vals))
			xa, xd, xs := r.Excludes()
			for i, x := range [][]string{xa, xd, xs} {
				if len(x) > 0 {
					fmt.Fprintf(&b, " AND %s NOT IN (%s)", []string{"o.pc_area", "o.pc_district", "o.pc_sector"}[i], quote(x))
				}
			}
			fmt.Fprintf(&b, " THEN %d", slices.Index(byName, id))
		}
	}
	fmt.Fprintf(&b, " ELSE %d END", len(ids))
	return b.String()
}

// RegisterPage returns a page of the current register: the entries the
// filter selects, in the order asked for, how many there are in all, and
// their sectors. The filter and the order read the organisations (and
// org_latest when they need to) only; the entries of the page alone are
// read in full.
func (s *Store) RegisterPage(ctx context.Context, q RegisterQuery) (RegisterPage, error) {
	c, err := q.where(false)
	if err != nil {
		return RegisterPage{}, err
	}
	order, orderLatest, err := q.orderBy()
	if err != nil {
		return RegisterPage{}, err
	}
	if q.PerPage <= 0 {
		entries, err := s.registerEntries(ctx, c.sql()+" ORDER BY "+order, c.args)
		return RegisterPage{Total: len(entries), Entries: entries}, err
	}
	page, err := s.registerCount(ctx, q.RegisterFilter)
	if err != nil {
		return RegisterPage{}, err
	}
	offset := (max(q.Page, 1) - 1) * q.PerPage
	if offset >= page.Total {
		return page, nil
	}
	from := "orgs o"
	if c.latest || orderLatest {
		from += " JOIN org_latest l ON l.org_id = o.id"
	}
	ids, err := queryRows(ctx, s.db, "register", func(scan func(...any) error) (int64, error) {
		var id int64
		return id, scan(&id)
	}, `SELECT o.id FROM `+from+` WHERE `+c.sql()+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(slices.Clone(c.args), q.PerPage, offset)...)
	if err != nil || len(ids) == 0 {
		return page, err
	}
	idArgs := make([]any, len(ids))
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		idArgs[i], at[id] = id, i
	}
	entries, err := s.registerEntries(ctx, "o.id IN ("+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+")", idArgs)
	if err != nil {
		return RegisterPage{}, err
	}
	slices.SortFunc(entries, func(a, b statement.RegisterEntry) int { return at[a.OrgID] - at[b.OrgID] })
	page.Entries = entries
	return page, nil
}

// FacetCount is a value of a facet and the number of entries with it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// registerCount counts the entries a filter selects by sector, with every
// filter but the sector's: one pass gives the sectors and the total.
func (s *Store) registerCount(ctx context.Context, f RegisterFilter) (RegisterPage, error) {
	c, err := f.where(true)
	if err != nil {
		return RegisterPage{}, err
	}
	from := "orgs o"
	if c.latest {
		from += " JOIN org_latest l ON l.org_id = o.id"
	}
	counts, err := queryRows(ctx, s.db, "register", func(scan func(...any) error) (FacetCount, error) {
		var c FacetCount
		return c, scan(&c.Value, &c.Count)
	}, `SELECT o.sector, count(*) FROM `+from+` WHERE `+c.sql()+` GROUP BY o.sector`, c.args...)
	if err != nil {
		return RegisterPage{}, err
	}
	p := RegisterPage{Sectors: []FacetCount{}}
	for _, n := range counts {
		if f.Sector == "" || n.Value == f.Sector {
			p.Total += n.Count
		}
		if n.Value != "" {
			p.Sectors = append(p.Sectors, n)
		}
	}
	slices.SortFunc(p.Sectors, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	return p, nil
}

// registerEntries reads the current register entries of the organisations
// a condition selects (and orders), with their criteria.
func (s *Store) registerEntries(ctx context.Context, condOrder string, args []any) ([]statement.RegisterEntry, error) {
	return s.registerRows(ctx, `SELECT o.id, o.company_number, o.name, o.website, o.website_source, o.postcode, o.sector,
		o.turnover_min, o.turnover_max, o.turnover_text,
		l.status, coalesce(f.error, ''), coalesce(f.fetched_at, ''),
		coalesce(ls.url, ''), l.period_end, l.homepage_link,
		coalesce(l.assessment_id, 0), l.rating, l.score, coalesce(a.checked_at, ''), coalesce(l.statement_id, 0),
		coalesce((SELECT link_needs_script FROM fetches WHERE id = l.found_fetch_id), 0), o.follow_up,
		`+findingCols+`
	FROM orgs o JOIN org_latest l ON l.org_id = o.id
	LEFT JOIN fetches f ON f.id = l.fetch_id
	LEFT JOIN statements ls ON ls.id = l.statement_id
	LEFT JOIN assessments a ON a.id = l.assessment_id
	LEFT JOIN org_findings g ON g.org_id = o.id
	WHERE `+condOrder, args...)
}

// registerRows reads register entries, with their criteria, from a query
// whose columns are those of registerEntries (the last, one per kind of
// finding, as findingCols or noFindingCols gives them): the register now, from each
// organisation's latest result, and the register at a past time, from the
// history, are read by one scan.
func (s *Store) registerRows(ctx context.Context, query string, args ...any) ([]statement.RegisterEntry, error) {
	type row struct {
		e            statement.RegisterEntry
		assessmentID int64
	}
	rows, err := queryRows(ctx, s.db, "register", func(scan func(...any) error) (row, error) {
		var r row
		e := &r.e
		var status, fetchErr, fetched, periodEnd, checked, source, followUp string
		var homepage sql.NullBool
		var rating string
		var score sql.NullInt64
		found := make([]bool, len(statement.FindingKinds))
		dest := []any{&e.OrgID, &e.CompanyNumber, &e.Name, &e.Website, &source, &e.Postcode, &e.Sector,
			&e.Turnover.Min, &e.Turnover.Max, &e.Turnover.Text,
			&status, &fetchErr, &fetched, &e.StatementURL, &periodEnd, &homepage,
			&r.assessmentID, &rating, &score, &checked, &e.StatementID, &e.LinkNeedsScript, &followUp}
		for i := range found {
			dest = append(dest, &found[i])
		}
		if err := scan(dest...); err != nil {
			return r, err
		}
		e.FollowUp = followUpOf(followUp)
		for i, k := range statement.FindingKinds {
			if found[i] {
				e.Findings = append(e.Findings, k)
			}
		}
		e.WebsiteSource = statement.WebsiteSource(source)
		e.Scope = e.Turnover.Scope()
		if r.assessmentID != 0 {
			rt, sc := statement.Rating(rating), int(score.Int64)
			e.Rating, e.Score = &rt, &sc
		}
		if homepage.Valid {
			e.HomepageLink = &homepage.Bool
		}
		e.PeriodEnd, _ = statement.ParseDate(periodEnd)
		e.CheckedAt, e.LastFetch = stampPtr(checked), stampPtr(fetched)
		e.Status = statement.RegisterStatus(status)
		if e.Status == "" {
			e.Status = statement.NotChecked
		}
		if e.Status != statement.Found && e.Status != statement.OutOfDate && e.Status != statement.NotChecked {
			e.Failure = fetchErr
		}
		return r, nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]statement.RegisterEntry, 0, len(rows))
	byAssessment := map[int64]int{}
	for i, r := range rows {
		out = append(out, r.e)
		if r.assessmentID != 0 {
			byAssessment[r.assessmentID] = i
		}
	}
	return out, s.fillCriteria(ctx, out, byAssessment)
}
