package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// crawlHistory gives the organisations of st a random history of crawls:
// statements found (several versions, years going back and forth, some
// out of date, some rechecked), sites failing after a statement was found,
// statements never found. The clock moves a minute a step.
func crawlHistory(t testing.TB, st *store.Store, seed uint64, steps int) time.Time {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 1))
	orgs, err := st.Orgs(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return now })
	ratings := []statement.Rating{statement.BelowMinimum, statement.Minimum, statement.Good, statement.Strong}
	for i := range steps {
		now = now.Add(time.Minute)
		o := orgs[rng.IntN(len(orgs))]
		switch op := rng.IntN(10); {
		case op < 5: // a statement found, new or seen again
			doc := fmt.Sprintf("statement %d v%d", o.ID, rng.IntN(3))
			sha, err := st.SaveDocument(ctx, []byte(doc), "text/plain")
			if err != nil {
				t.Fatal(err)
			}
			year := 2022 + rng.IntN(4)
			current := statement.Met
			if year < 2024 {
				current = statement.Missing
			}
			var link *bool
			if l := rng.IntN(3); l < 2 {
				b := l == 1
				link = &b
			}
			a := statement.Assessment{IsStatement: true, Score: rng.IntN(101), Rating: ratings[rng.IntN(4)],
				Period: &statement.FinancialPeriod{End: statement.Date{Year: year, Month: 3, Day: 31}},
				Criteria: []statement.Finding{{ID: statement.Approval, Status: statement.Met}, {ID: statement.Current, Status: current},
					{ID: statement.Training, Status: statement.Partial}}}
			v := store.Version{OrgID: o.ID, URL: fmt.Sprintf("https://o%d.example/msa-%d", o.ID, year), DocumentSHA256: sha, HomepageLink: link}
			if _, err := st.RecordCrawl(ctx, store.Fetch{OrgID: o.ID, Outcome: statement.Found, URL: v.URL, DocumentSHA256: sha, HomepageLink: link},
				[]store.Assessed{{Version: v, Assessment: a}}, "default"); err != nil {
				t.Fatal(err)
			}
		case op < 8: // the site fails, or has none
			outcome := []statement.RegisterStatus{statement.NoStatement, statement.Unreachable, statement.RobotsBlocked, statement.CrawlError}[rng.IntN(4)]
			if _, err := st.RecordFetch(ctx, store.Fetch{OrgID: o.ID, Outcome: outcome, URL: "https://x.example/", Error: fmt.Sprintf("failure %d", i)}); err != nil {
				t.Fatal(err)
			}
		default: // a recheck of a statement already kept, with other rules
			known, err := st.KnownStatements(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(known) == 0 {
				continue
			}
			k := known[rng.IntN(len(known))]
			a := statement.Assessment{IsStatement: true, Score: rng.IntN(101), Rating: ratings[rng.IntN(4)],
				Period:   &statement.FinancialPeriod{End: statement.Date{Year: 2024, Month: 12, Day: 31}},
				Criteria: []statement.Finding{{ID: statement.Current, Status: statement.Met}}}
			if _, err := st.RecordAssessment(ctx, store.Version{OrgID: o.ID, URL: k.URL, DocumentSHA256: k.DocumentSHA256}, a, "v2"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return now
}

// TestRegisterAgreesWithHistory: the current register, read from
// org_latest (kept by triggers), is the register read from the history
// as it stands now, after any history of crawls and rechecks.
func TestRegisterAgreesWithHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	st.SetClock(func() time.Time { return time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC) })
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(40), 0); err != nil {
		t.Fatal(err)
	}
	statuses := map[statement.RegisterStatus]int{}
	for seed := range uint64(3) {
		now := crawlHistory(t, st, seed, 300)
		cur, err := st.Register(ctx, store.OrgFilter{})
		if err != nil {
			t.Fatal(err)
		}
		past, err := st.RegisterAt(ctx, store.OrgFilter{}, now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(cur) != len(past) {
			t.Fatalf("%d entries now, %d from the history", len(cur), len(past))
		}
		for i := range cur {
			statuses[cur[i].Status]++
			if !reflect.DeepEqual(cur[i], past[i]) {
				t.Errorf("seed %d, %s:\n now     %+v\n history %+v", seed, cur[i].Name, cur[i], past[i])
			}
		}
	}
	for _, s := range []statement.RegisterStatus{statement.Found, statement.OutOfDate, statement.NoStatement, statement.Unreachable} {
		if statuses[s] == 0 {
			t.Errorf("no entry %s (%v): the history tests too little", s, statuses)
		}
	}
}

// pageOrgs is a register of named organisations for the filters.
func pageOrgs() []statement.Org {
	return []statement.Org{
		{CompanyNumber: "03926343", Name: "Abel & Cole Limited", Postcode: "HU1 2AA", Sector: "Food", Website: "https://abelandcole.example",
			Turnover: statement.Turnover{Min: 60e6, Max: 100e6}},
		{CompanyNumber: "00987654", Name: "Café Flöra Limited", Postcode: "SO14 7DX", Sector: "Hospitality"},
		{CompanyNumber: "SC005653", Name: "ABERDEEN ANGUS LTD", Postcode: "LE1 5FQ", Sector: "Food", Website: "https://angus.example",
			Turnover: statement.Turnover{Max: 10e6}},
		{CompanyNumber: "04830352", Name: "\"K\" Line Bulk Shipping (UK) Limited", Postcode: "EC1A 4HD", Sector: "Transport"},
		{CompanyNumber: "01234567", Name: "Sainsbury's Supermarkets Ltd", Postcode: "PO1 3AX", Sector: "Retail", Website: "https://sainsburys.example",
			Turnover: statement.Turnover{Min: 500e6}},
	}
}

func names(entries []statement.RegisterEntry) string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name)
	}
	return strings.Join(out, "; ")
}

func TestRegisterPageFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", pageOrgs(), 0); err != nil {
		t.Fatal(err)
	}
	orgs, _ := st.Orgs(ctx, store.OrgFilter{})
	byName := map[string]int64{}
	for _, o := range orgs {
		byName[o.Name] = o.ID
	}
	sha, _ := st.SaveDocument(ctx, []byte("statement"), "text/plain")
	linked, unlinked := true, false
	for name, link := range map[string]*bool{"Abel & Cole Limited": &linked, "Sainsbury's Supermarkets Ltd": &unlinked} {
		id := byName[name]
		v := store.Version{OrgID: id, URL: "https://x.example/msa", DocumentSHA256: sha, HomepageLink: link}
		a := statement.Assessment{IsStatement: true, Score: 70, Rating: statement.Good}
		if name != "Abel & Cole Limited" {
			a.Score, a.Rating = 30, statement.BelowMinimum
		}
		if _, err := st.RecordCrawl(ctx, store.Fetch{OrgID: id, Outcome: statement.Found, URL: v.URL, DocumentSHA256: sha, HomepageLink: link},
			[]store.Assessed{{Version: v, Assessment: a}}, "default"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.RecordFetch(ctx, store.Fetch{OrgID: byName["ABERDEEN ANGUS LTD"], Outcome: statement.Unreachable, Error: "timed out"}); err != nil {
		t.Fatal(err)
	}
	// Abel & Cole: a registry claim its statement does not bear out and a
	// quiet one; Sainsbury's: a template's text and re-dated; Café Flöra:
	// a little text shared and only a quiet claim, no finding to act on
	err := st.SaveFindings(ctx, map[int64]statement.OrgFindings{
		byName["Abel & Cole Limited"]: {Registry: []statement.RegistryFinding{
			{Criterion: statement.Training, RegistrySays: true, StatementStatus: statement.Missing},
			{Criterion: statement.Risk, StatementStatus: statement.Met, Quiet: true}}},
		byName["Sainsbury's Supermarkets Ltd"]: {Template: &statement.TemplateFinding{Shared: 0.91},
			Unchanged: &statement.UnchangedFinding{Changed: 0.02, Redated: true}},
		byName["Café Flöra Limited"]: {Template: &statement.TemplateFinding{Shared: 0.3},
			Registry: []statement.RegistryFinding{{Criterion: statement.Risk, StatementStatus: statement.Met, Quiet: true}}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := region.Default()
	humber, _ := set.Get("humber")
	hants, _ := set.Get("hampshire-iow")
	yes, no := true, false
	for _, c := range []struct {
		name string
		f    store.RegisterFilter
		want string
	}{
		{"all", store.RegisterFilter{}, `"K" Line Bulk Shipping (UK) Limited; Abel & Cole Limited; ABERDEEN ANGUS LTD; Café Flöra Limited; Sainsbury's Supermarkets Ltd`},
		{"capitals", store.RegisterFilter{Text: "ABEL"}, "Abel & Cole Limited"},
		{"part of a word", store.RegisterFilter{Text: "abe"}, "Abel & Cole Limited; ABERDEEN ANGUS LTD"},
		{"words in any order", store.RegisterFilter{Text: "cole abel"}, "Abel & Cole Limited"},
		{"ampersand", store.RegisterFilter{Text: "Abel & Cole"}, "Abel & Cole Limited"},
		{"accents", store.RegisterFilter{Text: "cafe flora"}, "Café Flöra Limited"},
		{"accents typed", store.RegisterFilter{Text: "FLÖRA"}, "Café Flöra Limited"},
		{"apostrophe", store.RegisterFilter{Text: "sainsburys"}, "Sainsbury's Supermarkets Ltd"},
		{"quotes and brackets", store.RegisterFilter{Text: `"k" line (uk)`}, `"K" Line Bulk Shipping (UK) Limited`},
		{"company number", store.RegisterFilter{Text: "03926343"}, "Abel & Cole Limited"},
		{"company number in part", store.RegisterFilter{Text: "4830352"}, `"K" Line Bulk Shipping (UK) Limited`},
		{"company number, lower case", store.RegisterFilter{Text: "sc005653"}, "ABERDEEN ANGUS LTD"},
		{"nothing", store.RegisterFilter{Text: "zzz"}, ""},
		{"wildcards are letters", store.RegisterFilter{Text: "%"}, `"K" Line Bulk Shipping (UK) Limited; Abel & Cole Limited; ABERDEEN ANGUS LTD; Café Flöra Limited; Sainsbury's Supermarkets Ltd`},
		{"status", store.RegisterFilter{Status: statement.Found}, "Abel & Cole Limited; Sainsbury's Supermarkets Ltd"},
		{"not checked", store.RegisterFilter{Status: statement.NotChecked}, `"K" Line Bulk Shipping (UK) Limited; Café Flöra Limited`},
		{"rating", store.RegisterFilter{Rating: "good"}, "Abel & Cole Limited"},
		{"no rating", store.RegisterFilter{Rating: store.RatingNone}, `"K" Line Bulk Shipping (UK) Limited; ABERDEEN ANGUS LTD; Café Flöra Limited`},
		{"sector", store.RegisterFilter{Sector: "Food"}, "Abel & Cole Limited; ABERDEEN ANGUS LTD"},
		{"in scope", store.RegisterFilter{Scope: statement.InScope}, "Abel & Cole Limited; Sainsbury's Supermarkets Ltd"},
		{"out of scope", store.RegisterFilter{Scope: statement.OutOfScope}, "ABERDEEN ANGUS LTD"},
		{"scope unknown", store.RegisterFilter{Scope: statement.ScopeUnknown}, `"K" Line Bulk Shipping (UK) Limited; Café Flöra Limited`},
		{"linked", store.RegisterFilter{HomepageLink: &yes}, "Abel & Cole Limited"},
		{"not linked", store.RegisterFilter{HomepageLink: &no}, "Sainsbury's Supermarkets Ltd"},
		{"no website", store.RegisterFilter{Website: store.WebsiteMissing}, `"K" Line Bulk Shipping (UK) Limited; Café Flöra Limited`},
		{"a website", store.RegisterFilter{Website: store.WebsitePresent, Sector: "Food"}, "Abel & Cole Limited; ABERDEEN ANGUS LTD"},
		{"region", store.RegisterFilter{OrgFilter: store.OrgFilter{Region: hants}}, "Café Flöra Limited; Sainsbury's Supermarkets Ltd"},
		{"within two regions", store.RegisterFilter{Within: []*region.Region{humber, hants}}, "Abel & Cole Limited; Café Flöra Limited; Sainsbury's Supermarkets Ltd"},
		{"within and a region", store.RegisterFilter{Within: []*region.Region{humber}, OrgFilter: store.OrgFilter{Region: hants}}, ""},
		{"within, searched", store.RegisterFilter{Within: []*region.Region{hants}, Text: "abel"}, ""},
		{"registry findings", store.RegisterFilter{Findings: statement.FindingRegistry}, "Abel & Cole Limited"},
		{"template", store.RegisterFilter{Findings: statement.FindingTemplate}, "Sainsbury's Supermarkets Ltd"},
		{"re-dated", store.RegisterFilter{Findings: statement.FindingRedated}, "Sainsbury's Supermarkets Ltd"},
		{"any finding", store.RegisterFilter{Findings: statement.FindingAny}, "Abel & Cole Limited; Sainsbury's Supermarkets Ltd"},
		{"any finding, by name", store.RegisterFilter{Findings: statement.FindingAny, Text: "sains"}, "Sainsbury's Supermarkets Ltd"},
	} {
		p, err := st.RegisterPage(ctx, store.RegisterQuery{RegisterFilter: c.f, PerPage: 50, Page: 1})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := names(p.Entries); got != c.want || p.Total != len(p.Entries) {
			t.Errorf("%s: %d: %s\nwant %s", c.name, p.Total, got, c.want)
		}
	}
	p, err := st.RegisterPage(ctx, store.RegisterQuery{PerPage: 50, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range p.Entries {
		kinds = append(kinds, fmt.Sprintf("%s %v", e.Name, e.Findings))
	}
	if got, want := strings.Join(kinds, "; "), `"K" Line Bulk Shipping (UK) Limited []; Abel & Cole Limited [registry]; ABERDEEN ANGUS LTD []; Café Flöra Limited []; Sainsbury's Supermarkets Ltd [template redated]`; got != want {
		t.Errorf("findings column:\n got %s\nwant %s", got, want)
	}
	for _, f := range []store.RegisterFilter{{Status: "lost"}, {Rating: "great"}, {Scope: "maybe"}, {Website: "none"}, {Findings: "copied"}} {
		if _, err := st.RegisterPage(ctx, store.RegisterQuery{RegisterFilter: f}); !errors.Is(err, store.ErrBadFilter) {
			t.Errorf("%+v: %v, want ErrBadFilter", f, err)
		}
	}
	if _, err := st.RegisterPage(ctx, store.RegisterQuery{Sort: "colour"}); !errors.Is(err, store.ErrBadFilter) {
		t.Errorf("sort colour: %v, want ErrBadFilter", err)
	}
	p, err = st.RegisterPage(ctx, store.RegisterQuery{RegisterFilter: store.RegisterFilter{Sector: "Transport", Scope: statement.InScope}, PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(p.Sectors) != "[{Food 1} {Retail 1}]" || p.Total != 0 {
		t.Errorf("sectors in scope: %v, %d in scope in transport", p.Sectors, p.Total)
	}
	p, _ = st.RegisterPage(ctx, store.RegisterQuery{PerPage: 10})
	if fmt.Sprint(p.Sectors) != "[{Food 2} {Hospitality 1} {Retail 1} {Transport 1}]" || p.Total != 5 {
		t.Errorf("sectors: %v, total %d", p.Sectors, p.Total)
	}
}

func TestRegisterPageOrderAndPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(120), 0); err != nil {
		t.Fatal(err)
	}
	crawlHistory(t, st, 7, 200)
	set, _ := region.Default()
	all, err := st.Register(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		all[i].Region = set.Match(all[i].Postcode)
	}
	regionName := func(id string) string {
		if r, ok := set.Get(id); ok {
			return strings.ToLower(r.Name)
		}
		return "\uffff"
	}
	rank := func(r *statement.Rating) int {
		if r == nil {
			return -1
		}
		return r.Rank()
	}
	score := func(s *int) int {
		if s == nil {
			return -1
		}
		return *s
	}
	keys := map[string]func(a, b statement.RegisterEntry) int{
		"region": func(a, b statement.RegisterEntry) int {
			return strings.Compare(regionName(a.Region), regionName(b.Region))
		},
		"status": func(a, b statement.RegisterEntry) int {
			return slices.Index(statement.RegisterStatuses, a.Status) - slices.Index(statement.RegisterStatuses, b.Status)
		},
		"rating": func(a, b statement.RegisterEntry) int { return rank(a.Rating) - rank(b.Rating) },
		"score":  func(a, b statement.RegisterEntry) int { return score(a.Score) - score(b.Score) },
		"period": func(a, b statement.RegisterEntry) int {
			return strings.Compare(a.PeriodEnd.String(), b.PeriodEnd.String())
		},
	}
	for key, cmp := range keys {
		for _, desc := range []bool{false, true} {
			sort := key
			if desc {
				sort = "-" + key
			}
			var got []statement.RegisterEntry
			total := 0
			for page := 1; page <= 3; page++ {
				p, err := st.RegisterPage(ctx, store.RegisterQuery{Sort: sort, Regions: set, Page: page, PerPage: 50})
				if err != nil {
					t.Fatal(err)
				}
				got, total = append(got, p.Entries...), p.Total
			}
			if total != 120 || len(got) != 120 {
				t.Fatalf("%s: total %d, %d entries on three pages", sort, total, len(got))
			}
			want := slices.Clone(all)
			slices.SortStableFunc(want, func(a, b statement.RegisterEntry) int {
				if desc {
					return cmp(b, a)
				}
				return cmp(a, b)
			})
			for i := range want {
				if got[i].CompanyNumber != want[i].CompanyNumber {
					t.Errorf("sort %s: entry %d is %s (%s), want %s (%s)", sort, i, got[i].Name, got[i].Region, want[i].Name, want[i].Region)
					break
				}
			}
		}
	}
	p, err := st.RegisterPage(ctx, store.RegisterQuery{Page: 4, PerPage: 50})
	if err != nil || p.Total != 120 || len(p.Entries) != 0 {
		t.Errorf("a page past the end: %d entries of %d, %v", len(p.Entries), p.Total, err)
	}
	p, err = st.RegisterPage(ctx, store.RegisterQuery{Sort: "-name", Page: 1, PerPage: 2})
	if err != nil || len(p.Entries) != 2 || p.Entries[0].Name != "Company 99 Limited" {
		t.Errorf("-name: %s, %v", names(p.Entries), err)
	}
}

// TestWebsiteSources: a website a list gave wins over one derived from a
// statement's address; a derived one fills a gap, and is replaced by the
// next derived one or by a list's; the same website keeps the stronger
// source.
func TestWebsiteSources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	org := func(website string, src statement.WebsiteSource) []statement.Org {
		return []statement.Org{{CompanyNumber: "00000001", Name: "Acme Ltd", Website: website, WebsiteSource: src}}
	}
	step := func(website string, src statement.WebsiteSource, want string, wantSrc statement.WebsiteSource) {
		t.Helper()
		if _, err := st.ImportOrgs(ctx, "x", "x", org(website, src), 0); err != nil {
			t.Fatal(err)
		}
		o, err := st.OrgByNumber(ctx, "00000001")
		if err != nil {
			t.Fatal(err)
		}
		if o.Website != want || o.WebsiteSource != wantSrc {
			t.Errorf("after %q (%s): %q (%s), want %q (%s)", website, src, o.Website, o.WebsiteSource, want, wantSrc)
		}
	}
	step("https://a.example", statement.WebsiteDerived, "https://a.example", statement.WebsiteDerived)
	step("https://b.example", statement.WebsiteDerived, "https://b.example", statement.WebsiteDerived)
	step("", "", "https://b.example", statement.WebsiteDerived)
	step("https://b.example", "", "https://b.example", statement.WebsiteFromList)
	step("https://c.example", statement.WebsiteDerived, "https://b.example", statement.WebsiteFromList)
	step("https://b.example", statement.WebsiteDerived, "https://b.example", statement.WebsiteFromList)
	step("https://d.example", statement.WebsiteFromList, "https://d.example", statement.WebsiteFromList)
	p, _ := st.RegisterPage(ctx, store.RegisterQuery{RegisterFilter: store.RegisterFilter{Website: store.WebsiteDerived}, PerPage: 5})
	if p.Total != 0 {
		t.Errorf("website=derived: %d", p.Total)
	}
}

// TestImportNames: every name an import would change is listed; one in
// capitals does not replace the same name in mixed case.
func TestImportNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	names := func(name string) []string {
		t.Helper()
		res, err := st.ImportOrgs(ctx, "x", "x", []statement.Org{{CompanyNumber: "03926343", Name: name}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range res.Names {
			out = append(out, n.CompanyNumber+" "+n.String())
		}
		return out
	}
	name := func() string {
		o, _ := st.OrgByNumber(ctx, "03926343")
		return o.Name
	}
	for _, c := range []struct {
		list, want, now string
	}{
		{"Abel & Cole Limited", "", "Abel & Cole Limited"},
		{"ABEL & COLE LIMITED", "03926343 name kept: Abel & Cole Limited (the list has ABEL & COLE LIMITED)", "Abel & Cole Limited"},
		{"Abel & Cole Limited", "", "Abel & Cole Limited"},
		{"ABEL AND COLE LTD", "03926343 name changed: Abel & Cole Limited → ABEL AND COLE LTD", "ABEL AND COLE LTD"},
		{"Abel and Cole Ltd", "03926343 name changed: ABEL AND COLE LTD → Abel and Cole Ltd", "Abel and Cole Ltd"},
		{"abel and cole ltd", "03926343 name changed: Abel and Cole Ltd → abel and cole ltd", "abel and cole ltd"},
	} {
		got := strings.Join(names(c.list), "\n")
		if got != c.want || name() != c.now {
			t.Errorf("%q imported: %q, name %q; want %q, %q", c.list, got, name(), c.want, c.now)
		}
	}
}
