package report

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/statement"
)

func TestNiceScale(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ top, max, step float64 }{
		{0, 1, 1}, {3, 3, 1}, {6, 6, 1}, {7, 8, 2}, {11, 12, 2}, {53, 60, 10}, {100, 100, 20}, {101, 120, 20}, {2345, 2500, 500},
	} {
		if max, step := niceScale(c.top); max != c.max || step != c.step {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", c.top, max, step, c.max, c.step)
		}
	}
}

var svgText = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)

// texts are the words a chart shows.
func texts(svg string) []string {
	var out []string
	for _, m := range svgText.FindAllStringSubmatch(svg, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestChartsLabelEverything: every bar and every month is labelled (the
// charts library left out "minimum", "policies", "due diligence" and
// months it thought would not fit), and the value axes count in round
// steps from zero, not 0, 11, 22….
func TestChartsLabelEverything(t *testing.T) {
	t.Parallel()
	r := &Report{Month: time.Date(2025, 11, 1, 0, 0, 0, 0, London),
		Headline: Headline{Ratings: map[statement.Rating]int{statement.Strong: 3, statement.Good: 11, statement.Minimum: 53, statement.BelowMinimum: 9}},
		Coverage: Coverage{Statements: 9, Met: map[statement.CriterionID]int{statement.Policies: 5, statement.Risk: 7}}}
	for i := range 12 {
		r.Trend = append(r.Trend, TrendPoint{Month: time.Date(2024, time.Month(i+12), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"),
			Found: 40 + 3*i, MeetsMinimum: 20 + i, GoodOrStrong: i})
	}
	ratings := []statement.Rating{statement.Strong, statement.Good, statement.Minimum, statement.BelowMinimum}
	ratingsSVG, err := r.ratingsChart(ratings)
	if err != nil {
		t.Fatal(err)
	}
	areasSVG, err := r.areasChart()
	if err != nil {
		t.Fatal(err)
	}
	trendSVG, err := r.trendChart()
	if err != nil {
		t.Fatal(err)
	}
	var areas []string
	for _, a := range statement.Areas {
		areas = append(areas, a.Label())
	}
	for _, c := range []struct {
		name   string
		svg    string
		labels []string
		ticks  []string
	}{
		{"ratings", string(ratingsSVG), []string{"strong", "good", "minimum", "below minimum"}, []string{"0", "10", "20", "30", "40", "50", "60"}},
		{"areas", string(areasSVG), areas, []string{"0", "20", "40", "60", "80", "100"}},
		{"trend", string(trendSVG), []string{"Dec 24", "Jan 25", "Feb 25", "Mar 25", "Apr 25", "May 25", "Jun 25", "Jul 25", "Aug 25", "Sep 25", "Oct 25", "Nov 25"},
			[]string{"0", "20", "40", "60", "80"}},
	} {
		got := texts(c.svg)
		for _, l := range c.labels {
			if !slices.Contains(got, l) {
				t.Errorf("%s chart: no label %q in %q", c.name, l, got)
			}
		}
		var ticks []string
		for _, s := range got {
			if _, err := strconv.Atoi(s); err == nil {
				ticks = append(ticks, s)
			}
		}
		slices.SortFunc(ticks, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
		if !slices.Equal(ticks, c.ticks) {
			t.Errorf("%s chart: value axis %q, want %q", c.name, ticks, c.ticks)
		}
	}
}

// TestListsLinkAndAgree: organisation names in the report link to their
// pages, and the lists count what the headline counts.
func TestListsLinkAndAgree(t *testing.T) {
	t.Parallel()
	good, below := statement.Good, statement.BelowMinimum
	no, yes := false, true
	entries := []statement.RegisterEntry{
		{OrgID: 1, CompanyNumber: "00000001", Name: "No Statement Ltd", Status: statement.NoStatement},
		{OrgID: 2, CompanyNumber: "00000002", Name: "Down & Out Ltd", Status: statement.Unreachable, Failure: "HTTP 500"},
		{OrgID: 3, CompanyNumber: "00000003", Name: "Kept Ltd", Status: statement.Unreachable, Rating: &good, StatementID: 3, HomepageLink: &yes},
		{OrgID: 4, CompanyNumber: "00000004", Name: "Below Ltd", Status: statement.Found, Rating: &below, StatementID: 4, HomepageLink: &no,
			FollowUp: statement.Contacted, Criteria: map[statement.CriterionID]statement.Status{statement.HomepageLink: statement.Missing}},
	}
	r := &Report{Month: time.Date(2025, 11, 1, 0, 0, 0, 0, London), Links: "https://s54.example.org/"}
	r.Entries = entries
	r.Headline = headline(entries)
	r.lists(entries)
	if len(r.NoStatement) != r.Headline.NoStatement || len(r.Unreadable) != r.Headline.Unreachable {
		t.Errorf("lists %d no statement, %d unreadable; headline %d, %d", len(r.NoStatement), len(r.Unreadable), r.Headline.NoStatement, r.Headline.Unreachable)
	}
	if len(r.AwaitingReply) != 1 || r.AwaitingReply[0].Name != "Below Ltd" {
		t.Errorf("awaiting a reply: %+v", r.AwaitingReply)
	}
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, e := range entries {
		link := `<a href="https://s54.example.org/orgs/` + e.CompanyNumber + `">`
		if !strings.Contains(page, link) {
			t.Errorf("no link to %s (%s)", e.Name, link)
		}
	}
	if !strings.Contains(page, "Down &amp; Out Ltd") {
		t.Error("a name is not escaped")
	}
}
