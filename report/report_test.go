package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/internal/atomicfile"
	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/internal/golden"
	"github.com/s54dev/s54/internal/sampleweb"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// copyWeb copies the sample web, so a test can change the sites between
// two months.
func copyWeb(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, sampleweb.FS()); err != nil {
		t.Fatal(err)
	}
	return dst
}

// crawlAt crawls the web in dir into the register, the clock at day.
func crawlAt(t *testing.T, st *store.Store, dir string, day time.Time, change func(*fakeweb.Web)) {
	t.Helper()
	web, err := fakeweb.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(web)
	}
	srv := fakeweb.Start(web)
	defer srv.Close()
	opts := crawler.DefaultOptions()
	opts.Fetch.AllowPrivate, opts.Fetch.Hosts = true, srv.Hosts(web)
	opts.Fetch.Timeout, opts.Fetch.MaxBytes = 8*time.Second, 8<<20 // a loaded machine still answers loopback within it
	opts.Delay, opts.MaxRequests = 0, 20
	// the golden report is the same with Chromium installed or not
	opts.Render.Browser = crawler.BrowserOff
	cr := pipeline.NewCrawler(opts, checker.Default())
	defer cr.Close()
	st.SetClock(func() time.Time { return day })
	orgs, err := st.Orgs(context.Background(), store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline.Pipeline{Store: st, Crawler: cr, Checker: checker.Default(), Extract: pipeline.ExtractOptions(),
		Concurrency: 8, Now: func() time.Time { return day }}
	if _, err := p.Crawl(context.Background(), orgs, "all"); err != nil {
		t.Fatal(err)
	}
}

// TestTwoMonths builds a register from the fake web over October and
// November 2025 — in November one statement changed, one site gained a
// link to its statement, one site fails — and checks November's "what
// changed" against a golden file, and that October's report is the same
// before and after November was recorded.
func TestTwoMonths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := copyWeb(t)
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	web, err := fakeweb.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	var orgs []statement.Org
	for _, s := range web.Sites {
		orgs = append(orgs, statement.Org{CompanyNumber: s.CompanyNumber, Name: s.Name, Postcode: s.Postcode,
			Website: "http://" + s.Host + "/", StatementURL: s.KnownURL, Sector: "Manufacturing",
			Turnover: statement.Turnover{Min: 50e6, Max: 50e6}})
	}
	st.SetClock(func() time.Time { return time.Date(2025, 9, 20, 9, 0, 0, 0, time.UTC) })
	if _, err := st.ImportOrgs(ctx, "fakeweb", "s54", orgs, 0); err != nil {
		t.Fatal(err)
	}
	regions, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	src := report.SourceFunc(func(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error) {
		entries, err := st.RegisterAt(ctx, store.OrgFilter{}, at)
		for i := range entries {
			entries[i].Region = regions.Match(entries[i].Postcode)
			entries[i].RegionName = regions.Name(entries[i].Region)
		}
		return entries, err
	})
	october := time.Date(2025, 10, 1, 0, 0, 0, 0, report.London)
	november := time.Date(2025, 11, 1, 0, 0, 0, 0, report.London)
	now := time.Date(2025, 12, 1, 3, 0, 0, 0, time.UTC)

	crawlAt(t, st, dir, time.Date(2025, 10, 15, 2, 0, 0, 0, time.UTC), nil)
	octBefore, err := report.Build(ctx, src, october, "", now)
	if err != nil {
		t.Fatal(err)
	}
	// November: the group's statement is revised; js-only gains a real
	// link to its statement; footer-link's server fails
	group := filepath.Join(dir, "group-parent.test", "modern-slavery-statement.txt")
	text, err := os.ReadFile(group)
	if err != nil {
		t.Fatal(err)
	}
	revised := string(text) + "\n\nUpdate: in the second half of the year we added two more supplier audits in our logistics network.\n"
	if err := os.WriteFile(group, []byte(revised), 0o644); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "js-only.test", "index.html")
	page, err := os.ReadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	page = bytes.Replace(page, []byte("</footer>"), []byte(`<a href="/modern-slavery-statement">Modern slavery statement</a></footer>`), 1)
	if err := os.WriteFile(home, page, 0o644); err != nil {
		t.Fatal(err)
	}
	crawlAt(t, st, dir, time.Date(2025, 11, 15, 2, 0, 0, 0, time.UTC), func(w *fakeweb.Web) {
		s := w.Site("footer-link.test")
		s.Routes = append([]fakeweb.Route{{Path: "*", Status: 500}}, s.Routes...)
	})

	nov, err := report.Build(ctx, src, november, "", now)
	if err != nil {
		t.Fatal(err)
	}
	got := describeChanges(nov)
	golden.Check(t, filepath.Join("testdata", "two-months.golden"), []byte(got))
	// the revised group statement is a new version for the group and for
	// its subsidiary, whose homepage links to it
	if len(nov.Changes.NewVersions) != 2 || len(nov.Changes.NewStatements) != 1 || len(nov.Changes.NewlyFailing) != 1 {
		t.Errorf("changes: %d new versions, %d new statements, %d newly failing; want 2, 1, 1",
			len(nov.Changes.NewVersions), len(nov.Changes.NewStatements), len(nov.Changes.NewlyFailing))
	}

	// October again, now that November is recorded: the same figures
	octAfter, err := report.Build(ctx, src, october, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := describeChanges(octBefore)+fmt.Sprint(octBefore.Headline), describeChanges(octAfter)+fmt.Sprint(octAfter.Headline); a != b {
		t.Errorf("October made again differs:\n%s\nthen:\n%s", b, a)
	}
	if octBefore.Headline.Found == 0 || nov.Headline.Found != octBefore.Headline.Found+1 {
		t.Errorf("found %d in October, %d in November: want one more (the new statement; the failing site keeps its statement)",
			octBefore.Headline.Found, nov.Headline.Found)
	}

	// the files: a self-contained page with its charts, the register
	out := t.TempDir()
	paths, err := nov.Write(out, atomicfile.Write)
	if err != nil || len(paths) != 3 {
		t.Fatalf("write: %v %v", paths, err)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	for _, want := range []string{"<svg", "What changed this month", "Below the legal minimum", "Coverage of the six areas", "@media print",
		`<th scope="row">Hampshire and Isle of Wight</th>`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if n := strings.Count(string(html), "<svg"); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	for _, bad := range []string{`src="http`, `href="http`, "<script"} {
		if strings.Contains(string(html), bad) {
			t.Errorf("report.html is not self-contained: %q", bad)
		}
	}
	if csv, _ := os.ReadFile(filepath.Join(out, "register.csv")); !bytes.HasPrefix(csv, []byte("\ufeffcompany_number,")) {
		t.Error("register.csv does not start with a byte order mark")
	}
	if xl, _ := os.ReadFile(filepath.Join(out, "register.xlsx")); !bytes.HasPrefix(xl, []byte("PK")) {
		t.Error("register.xlsx is not a workbook")
	}
	if s := nov.Summary(); !strings.Contains(s, "1 new statements") || !strings.Contains(s, "1 sites newly failing") {
		t.Errorf("summary:\n%s", s)
	}
	if os.Getenv("S54_SCREENSHOTS") != "" {
		os.WriteFile(filepath.Join(os.Getenv("S54_SCREENSHOTS"), "report.html"), html, 0o644)
	}
}

// describeChanges writes a report's changes and lists as text.
func describeChanges(r *report.Report) string {
	var b strings.Builder
	section := func(name string, cs []report.Change) {
		fmt.Fprintf(&b, "%s (%d)\n", name, len(cs))
		for _, c := range cs {
			fmt.Fprintf(&b, "  %s %s: %s -> %s\n", c.CompanyNumber, c.Name, c.Before, c.After)
		}
	}
	c := r.Changes
	section("new statements", c.NewStatements)
	section("new versions", c.NewVersions)
	section("rated higher", c.RatingUp)
	section("rated lower", c.RatingDown)
	section("no longer found", c.Disappeared)
	section("newly failing", c.NewlyFailing)
	h := r.Headline
	fmt.Fprintf(&b, "headline: %d organisations, %d in scope, %d found, %d meet the minimum, %d current, %d no statement, %d unreachable\n",
		h.Organisations, h.InScope, h.Found, h.MeetsMinimum, h.Current, h.NoStatement, h.Unreachable)
	fmt.Fprintf(&b, "lists: %d no statement, %d unreadable, %d below minimum, %d no homepage link, %d out of date, %d awaiting a reply\n",
		len(r.NoStatement), len(r.Unreadable), len(r.BelowMinimum), len(r.NoHomepageLink), len(r.OutOfDate), len(r.AwaitingReply))
	if len(r.NoStatement) != h.NoStatement || len(r.Unreadable) != h.Unreachable || len(r.OutOfDate) != h.OutOfDate {
		b.WriteString("  THE LISTS DISAGREE WITH THE HEADLINE\n")
	}
	for _, l := range r.BelowMinimum {
		fmt.Fprintf(&b, "  below minimum %s %s: %s\n", l.CompanyNumber, l.Name, l.Detail)
	}
	fmt.Fprintf(&b, "trend:")
	for _, p := range r.Trend {
		fmt.Fprintf(&b, " %s=%d/%d", p.Month, p.Found, p.MeetsMinimum)
	}
	b.WriteString("\n")
	return b.String()
}

type rulesSource struct {
	report.Source
	first map[string]time.Time
}

func (r rulesSource) RulesFirstUsed(context.Context) (map[string]time.Time, error) {
	return r.first, nil
}

// TestRulesChangedMarked: the month a new rule set was first used is
// marked in the report; the month of the first rules is not.
func TestRulesChangedMarked(t *testing.T) {
	t.Parallel()
	src := rulesSource{
		Source: report.SourceFunc(func(context.Context, time.Time) ([]statement.RegisterEntry, error) { return nil, nil }),
		first: map[string]time.Time{
			"default@aaaa1111": time.Date(2025, 9, 3, 2, 0, 0, 0, time.UTC),
			"default@bbbb2222": time.Date(2025, 11, 6, 10, 0, 0, 0, time.UTC),
		},
	}
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	nov, err := report.Build(context.Background(), src, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), "", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(nov.RulesChanged) != 1 || nov.RulesChanged[0].Rules != "default@bbbb2222" {
		t.Errorf("November: %+v", nov.RulesChanged)
	}
	var b bytes.Buffer
	if err := nov.HTML(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "The rules changed on 6 November 2025") {
		t.Error("the HTML report does not mark the change")
	}
	sep, _ := report.Build(context.Background(), src, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), "", now)
	if len(sep.RulesChanged) != 0 {
		t.Errorf("September, the first rules: %+v", sep.RulesChanged)
	}
}

type findingsSource struct {
	report.Source
	found map[string]statement.OrgFindings
	// byMonth are the findings kept at the end of each month ("2006-01")
	byMonth map[string]map[string]statement.OrgFindings
}

func (f findingsSource) Findings(context.Context) (map[string]statement.OrgFindings, error) {
	return f.found, nil
}

func (f findingsSource) FindingsAt(_ context.Context, month time.Time) (map[string]statement.OrgFindings, bool, error) {
	best := ""
	for m := range f.byMonth {
		if m <= month.Format("2006-01") && m > best {
			best = m
		}
	}
	return f.byMonth[best], best != "", nil
}

// TestReportFindings: registry claims not borne out and template
// statements are listed, quiet registry notes are not; a statement new
// this month that is re-dated is among the changes, one re-dated before
// this month is not.
func TestReportFindings(t *testing.T) {
	t.Parallel()
	rating := statement.Minimum
	entry := func(n, name string, id int64) statement.RegisterEntry {
		return statement.RegisterEntry{OrgID: id, CompanyNumber: n, Name: name, StatementID: id, Rating: &rating,
			Status: statement.Found, PeriodEnd: statement.Date{Year: 2025, Month: 3, Day: 31}}
	}
	october := []statement.RegisterEntry{entry("09000001", "Old Redate Ltd", 1)}
	november := append(slices.Clone(october), entry("09000002", "New Redate Ltd", 2), entry("09000003", "Claims Ltd", 3),
		entry("09000004", "Quiet Ltd", 4), entry("09000005", "Template Ltd", 5))
	redated := &statement.UnchangedFinding{PreviousPeriodEnd: statement.Date{Year: 2024, Month: 3, Day: 31}, Changed: 0.01, Redated: true}
	src := findingsSource{
		Source: report.SourceFunc(func(_ context.Context, at time.Time) ([]statement.RegisterEntry, error) {
			if at.After(time.Date(2025, 11, 15, 0, 0, 0, 0, time.UTC)) {
				return november, nil
			}
			return october, nil
		}),
		found: map[string]statement.OrgFindings{
			"09000001": {CompanyNumber: "09000001", Unchanged: redated},
			"09000002": {CompanyNumber: "09000002", Unchanged: redated},
			"09000003": {CompanyNumber: "09000003", Registry: []statement.RegistryFinding{{Criterion: statement.Training, RegistrySays: true,
				Note: "the registry says the statement includes training on slavery and human trafficking; the statement describes none"}}},
			"09000004": {CompanyNumber: "09000004", Registry: []statement.RegistryFinding{{Criterion: statement.Training, Quiet: true, Note: "quiet"}}},
			"09000005": {CompanyNumber: "09000005", Template: &statement.TemplateFinding{Shared: 0.93,
				Similar: []statement.SimilarStatement{{CompanyNumber: "09000099", Name: "Elsewhere Ltd", Shared: 0.93}}}},
		},
	}
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	r, err := report.Build(context.Background(), src, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), "", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes.Redated) != 1 || r.Changes.Redated[0].Name != "New Redate Ltd" {
		t.Errorf("re-dated this month: %+v", r.Changes.Redated)
	}
	if len(r.RegistryClaims) != 1 || r.RegistryClaims[0].Name != "Claims Ltd" || !strings.Contains(r.RegistryClaims[0].Detail, "describes none") {
		t.Errorf("registry claims: %+v", r.RegistryClaims)
	}
	if len(r.Templates) != 1 || !strings.Contains(r.Templates[0].Detail, "93% of its text") || !strings.Contains(r.Templates[0].Detail, "Elsewhere Ltd") {
		t.Errorf("templates: %+v", r.Templates)
	}
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"re-dated, otherwise unchanged (1)", "Registry claims the statement does not bear out (1)", "Statements mostly other organisations"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if s := r.Summary(); !strings.Contains(s, "1 of the new statements are the year before's re-dated") {
		t.Errorf("summary: %s", s)
	}
	// made again in February, before findings were kept by month,
	// November's report lists none (today's are February's) and says why
	late, err := report.Build(context.Background(), src, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), "", time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !late.FindingsOmitted || len(late.RegistryClaims)+len(late.Templates)+len(late.Changes.Redated) != 0 {
		t.Errorf("November's report made in February: omitted %v, %+v %+v %+v", late.FindingsOmitted, late.RegistryClaims, late.Templates, late.Changes.Redated)
	}
	b.Reset()
	if err := late.HTML(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "did not keep them by month in November 2025") || strings.Contains(b.String(), "Registry claims the statement does not bear out") {
		t.Errorf("the late report's HTML does not say why it has no findings")
	}
	if r.FindingsOmitted {
		t.Errorf("the report made on the 1st of the next month omits its findings")
	}
	// kept by month: November's findings, made in February, are
	// November's, not today's (none)
	src.byMonth = map[string]map[string]statement.OrgFindings{"2025-10": {}, "2025-11": src.found, "2026-01": {}}
	src.found = nil
	late, err = report.Build(context.Background(), src, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), "", time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if late.FindingsOmitted || len(late.RegistryClaims) != 1 || len(late.Templates) != 1 || len(late.Changes.Redated) != 1 {
		t.Errorf("November's report made in February from November's findings: omitted %v, %+v %+v %+v",
			late.FindingsOmitted, late.RegistryClaims, late.Templates, late.Changes.Redated)
	}
}
