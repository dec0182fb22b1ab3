package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/s54dev/s54/statement"
)

func crit(met, missing []statement.CriterionID) map[statement.CriterionID]statement.Status {
	m := map[statement.CriterionID]statement.Status{}
	for _, c := range met {
		m[c] = statement.Met
	}
	for _, c := range missing {
		m[c] = statement.Missing
	}
	return m
}

// fixtures are synthetic statement versions written for these tests.
func fixtures() []Doc {
	filler := strings.Repeat("Our business operates hotels and restaurants across the south of England. ", 5)
	return []Doc{
		{StatementID: 1, CompanyNumber: "01000001", Name: "Solent Harbour Hotels Ltd", Region: "hampshire-iow", Sector: "Hospitality",
			Year: 2024, PeriodEnd: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Rating: statement.Good, Score: 70, Latest: true,
			Criteria: crit([]statement.CriterionID{statement.Approval, statement.DueDiligence}, []statement.CriterionID{statement.Training}),
			Text:     filler + "We reviewed our use of agency labour in housekeeping and kitchens. " + filler},
		{StatementID: 2, CompanyNumber: "01000002", Name: "Wessex Leisure plc", Region: "hampshire-iow", Sector: "Hospitality",
			Year: 2024, PeriodEnd: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), Rating: statement.Minimum, Score: 40, Latest: true,
			Criteria: crit([]statement.CriterionID{statement.Approval, statement.Training}, []statement.CriterionID{statement.DueDiligence}),
			Text: "An agency supplies seasonal staff. Labour standards matter. The agency is audited. Labour rights are respected. " +
				"Agency workers are paid weekly. We train every manager on labour exploitation. " + filler},
		{StatementID: 3, CompanyNumber: "01000003", Name: "Humber Seafoods Ltd", Region: "humber", Sector: "Food",
			Year: 2023, PeriodEnd: time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC), Rating: statement.Strong, Score: 95, Latest: true,
			Criteria: crit([]statement.CriterionID{statement.Approval, statement.DueDiligence, statement.Training}, nil),
			Text:     "Our prawns are sourced from farms in Vietnam and Thailand, which we visit each year with an agency. " + filler},
		{StatementID: 4, CompanyNumber: "01000001", Name: "Solent Harbour Hotels Ltd", Region: "hampshire-iow", Sector: "Hospitality",
			Year: 2023, PeriodEnd: time.Date(2023, 3, 31, 0, 0, 0, 0, time.UTC), Rating: statement.BelowMinimum, Score: 20, Latest: false,
			Criteria: crit(nil, []statement.CriterionID{statement.Approval, statement.Training}),
			Text:     "Our first statement. We will look at agency labour next year. " + filler},
	}
}

func testIndex(t *testing.T) *Index {
	t.Helper()
	x, err := Open(filepath.Join(t.TempDir(), Dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	if err := x.Put(fixtures()...); err != nil {
		t.Fatal(err)
	}
	return x
}

func find(t *testing.T, x *Index, q Query) *Result {
	t.Helper()
	res, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

func ids(res *Result) []int64 {
	var out []int64
	for _, h := range res.Hits {
		out = append(out, h.StatementID)
	}
	return out
}

func same(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPhraseRanksFirst(t *testing.T) {
	t.Parallel()
	x := testIndex(t)
	// statement 2 says "agency" and "labour" more often, never together
	res := find(t, x, Query{Text: "agency labour"})
	if got := ids(res); len(got) < 2 || got[0] != 1 {
		t.Errorf("agency labour: %v, want the exact phrase (1) first", got)
	}
	res = find(t, x, Query{Text: `"agency labour"`})
	if got := ids(res); !same(got, []int64{1}) {
		t.Errorf(`"agency labour": %v, want [1]`, got)
	}
	// a stop word inside the phrase; and the same words, not as a phrase
	if got := ids(find(t, x, Query{Text: `"our use of agency labour"`, AllVersions: true})); !same(got, []int64{1}) {
		t.Errorf(`"our use of agency labour": %v, want [1]`, got)
	}
	if got := ids(find(t, x, Query{Text: `"labour agency"`, AllVersions: true})); len(got) != 0 {
		t.Errorf(`"labour agency": %v, want nothing`, got)
	}
	res = find(t, x, Query{Text: `"agency labour"`, AllVersions: true})
	if got := ids(res); len(got) != 2 {
		t.Errorf(`"agency labour" in every version: %v, want 1 and 4`, got)
	}
}

func TestExclusions(t *testing.T) {
	t.Parallel()
	x := testIndex(t)
	if got := ids(find(t, x, Query{Text: "agency -vietnam"})); len(got) != 2 || got[0] == 3 || got[1] == 3 {
		t.Errorf("agency -vietnam: %v, want 1 and 2", got)
	}
	if got := ids(find(t, x, Query{Text: "-vietnam"})); len(got) != 2 {
		t.Errorf("-vietnam alone: %v, want the two others", got)
	}
	if got := ids(find(t, x, Query{Text: `agency -"agency labour"`})); len(got) != 2 {
		t.Errorf(`agency -"agency labour": %v`, got)
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	x := testIndex(t)
	for q, want := range map[string][]int64{
		"region:humber":                         {3},
		"missing:training":                      {1},
		"met:due_diligence region:humber":       {3},
		"met:due_diligence":                     {1, 3},
		"year:2024 rating:minimum":              {2},
		"company:01000002":                      {2},
		"vietnam region:hampshire-iow":          nil,
		`sector:Hospitality "agency labour"`:    {1},
		"Region:HAMPSHIRE-IOW missing:training": {1},
	} {
		got := ids(find(t, x, Query{Text: q}))
		if !sameSet(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	if got := ids(find(t, x, Query{Region: "humber", Year: 2023})); !same(got, []int64{3}) {
		t.Errorf("fields region and year: %v", got)
	}
	if got := ids(find(t, x, Query{Text: "missing:approval", AllVersions: true})); !same(got, []int64{4}) {
		t.Errorf("missing:approval in all versions: %v", got)
	}
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]bool{}
	for _, v := range a {
		seen[v] = true
	}
	for _, v := range b {
		if !seen[v] {
			return false
		}
	}
	return true
}

func TestFacetsAndHighlights(t *testing.T) {
	t.Parallel()
	x := testIndex(t)
	res := find(t, x, Query{Text: "agency"})
	if res.Total != 3 {
		t.Fatalf("total %d, want 3", res.Total)
	}
	count := func(facet, value string) int {
		for _, c := range res.Facets[facet] {
			if c.Value == value {
				return c.Count
			}
		}
		return 0
	}
	if count("region", "hampshire-iow") != 2 || count("region", "humber") != 1 || count("rating", "strong") != 1 ||
		count("year", "2024") != 2 || count("year", "2023") != 1 || count("missing", "training") != 1 {
		t.Errorf("facets %+v", res.Facets)
	}
	for _, h := range res.Hits {
		if len(h.Fragments) == 0 || !strings.Contains(strings.ToLower(strings.Join(h.Fragments, " ")), "<mark>agency</mark>") {
			t.Errorf("%s: fragments %q lack the highlighted word", h.Name, h.Fragments)
		}
		if h.Text != "" || h.Name == "" || h.URL != "" && h.SHA256 == "" {
			t.Errorf("hit %+v", h.Doc)
		}
	}
	// stemming: "trained" finds "train"
	if got := ids(find(t, x, Query{Text: "trained"})); !same(got, []int64{2}) {
		t.Errorf("trained: %v, want [2]", got)
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	x := testIndex(t)
	a := ids(find(t, x, Query{Text: "hotels", Limit: 2}))
	b := ids(find(t, x, Query{Text: "hotels", Limit: 2, Offset: 2}))
	if len(a) != 2 || len(b) != 1 || a[0] == b[0] || a[1] == b[0] {
		t.Errorf("pages %v %v", a, b)
	}
}

func TestBadQueries(t *testing.T) {
	t.Parallel()
	x := testIndex(t)
	for _, q := range []string{`"agency labour`, "year:soon", "missing:everything", "region:", "agency~x", "+", "-", "a:b:c"} {
		_, err := x.Search(context.Background(), Query{Text: q})
		if !errors.Is(err, ErrQuery) {
			t.Errorf("%q: %v, want a query error", q, err)
		}
	}
}

func TestSetLatest(t *testing.T) {
	t.Parallel()
	x := testIndex(t)
	// a new statement of organisation 1 makes version 4 current (say)
	if err := x.SetLatest(map[int64]bool{1: false, 4: true}); err != nil {
		t.Fatal(err)
	}
	if got := ids(find(t, x, Query{Text: "company:01000001"})); !same(got, []int64{4}) {
		t.Errorf("after SetLatest: %v, want [4]", got)
	}
	res := find(t, x, Query{Text: "first statement"})
	if len(res.Hits) != 1 || res.Hits[0].Rating != statement.BelowMinimum || res.Hits[0].Criteria[statement.Approval] != statement.Missing {
		t.Errorf("the document indexed again lost its fields: %+v", res.Hits)
	}
	if n, _ := x.Count(); n != 4 {
		t.Errorf("count %d, want 4", n)
	}
}

func TestRebuild(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), Dir)
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	x.Put(fixtures()[:1]...)
	x.Close()
	n, err := Rebuild(context.Background(), dir, func(yield func(Doc) error) error {
		for _, d := range fixtures() {
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 4 {
		t.Fatalf("rebuild %d %v", n, err)
	}
	// a failed rebuild leaves the index as it was
	if _, err := Rebuild(context.Background(), dir, func(yield func(Doc) error) error {
		yield(fixtures()[0])
		return errors.New("the register is unreadable")
	}); err == nil {
		t.Fatal("a failed rebuild reported no error")
	}
	x, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if c, _ := x.Count(); c != 4 {
		t.Errorf("after rebuild: %d documents, want 4", c)
	}
	// an index open elsewhere (s54 serve) is not swapped from under it
	if _, err := Rebuild(context.Background(), dir, func(yield func(Doc) error) error { return yield(fixtures()[0]) }); !errors.Is(err, ErrBusy) {
		t.Errorf("a rebuild of an index open elsewhere: %v, want ErrBusy", err)
	}
	if c, _ := x.Count(); c != 4 {
		t.Errorf("after the refused rebuild: %d documents, want 4", c)
	}
}

// TestReplace: an open index made again from docs goes on with the new
// documents; searches meanwhile answer from the old; a failure leaves it
// as it was, open.
func TestReplace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := testIndex(t)
	x.SetRegions([]string{"hampshire-iow", "humber"})
	all := func(yield func(Doc) error) error {
		for _, d := range fixtures()[:2] {
			// a search while the new index is made answers from the old
			if res := find(t, x, Query{Text: "prawns"}); res.Total != 1 {
				t.Errorf("during the rebuild: %d hits for prawns, want the old index's 1", res.Total)
			}
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	}
	if n, err := x.Replace(ctx, all); err != nil || n != 2 {
		t.Fatalf("replace %d %v", n, err)
	}
	if res := find(t, x, Query{Text: "prawns"}); res.Total != 0 {
		t.Errorf("after the rebuild: %d hits for prawns, want none", res.Total)
	}
	if res := find(t, x, Query{Text: "agency region:humber"}); res.Total != 0 {
		t.Errorf("the regions were lost: %d hits", res.Total)
	}
	if _, err := x.Replace(ctx, func(yield func(Doc) error) error {
		return errors.New("the register is unreadable")
	}); err == nil {
		t.Fatal("a failed rebuild reported no error")
	}
	if c, err := x.Count(); c != 2 || err != nil {
		t.Errorf("after a failed rebuild: %d documents (%v), want 2", c, err)
	}
	if _, err := os.Stat(x.path + ".new"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed rebuild left %s.new (%v)", x.path, err)
	}
}

// setVersion records a mapping version in both parts of the index, as an
// older (or newer) s54 would have; nil records none.
func setVersion(t *testing.T, dir string, v []byte) {
	t.Helper()
	for _, part := range []string{"current", "history"} {
		b, err := bleve.Open(filepath.Join(dir, part))
		if err != nil {
			t.Fatal(err)
		}
		if v == nil {
			err = b.DeleteInternal(mappingKey)
		} else {
			err = b.SetInternal(mappingKey, v)
		}
		if cerr := b.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestOldMapping(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), Dir)
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Put(fixtures()...); err != nil {
		t.Fatal(err)
	}
	x.Close()
	// an older s54's: version 1, or none recorded
	for _, v := range [][]byte{[]byte("1"), nil} {
		setVersion(t, dir, v)
		if _, err := Open(dir); !errors.Is(err, ErrOldMapping) {
			t.Fatalf("version %q: %v, want ErrOldMapping", v, err)
		}
	}
	// a newer s54's is not made again behind its back
	setVersion(t, dir, []byte(strconv.Itoa(mappingVersion+1)))
	if _, err := Open(dir); err == nil || errors.Is(err, ErrOldMapping) || !strings.Contains(err.Error(), "newer s54") {
		t.Fatalf("a newer version: %v", err)
	}
	// the layout before the current and history parts
	flat := filepath.Join(t.TempDir(), Dir)
	if err := os.MkdirAll(flat, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(flat, "index_meta.json"), []byte(`{"storage":"scorch"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(flat); !errors.Is(err, ErrOldMapping) {
		t.Fatalf("the older layout: %v, want ErrOldMapping", err)
	}
	// made again, it opens, at this version
	for _, d := range []string{dir, flat} {
		if _, err := Rebuild(context.Background(), d, func(yield func(Doc) error) error {
			for _, d := range fixtures() {
				if err := yield(d); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		x, err := Open(d)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := x.Count(); n != 4 {
			t.Errorf("%s made again: %d documents, want 4", d, n)
		}
		x.Close()
	}
}
