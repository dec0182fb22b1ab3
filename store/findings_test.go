package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// TestFindingsAt: each save of the findings is also kept as its month's
// (in London), and a past month's findings are the last kept by its end:
// a later save changes today's, not theirs.
func TestFindingsAt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, err := st.ImportOrgs(ctx, "a.csv", "s54", synthetic(2), 0); err != nil {
		t.Fatal(err)
	}
	orgs, err := st.Orgs(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := orgs[0], orgs[1]
	month := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	save := func(at time.Time, byOrg map[int64]statement.OrgFindings) {
		t.Helper()
		st.SetClock(func() time.Time { return at })
		if err := st.SaveFindings(ctx, byOrg, nil); err != nil {
			t.Fatal(err)
		}
	}
	redated := func(o store.OrgRecord) statement.OrgFindings {
		return statement.OrgFindings{CompanyNumber: o.CompanyNumber, Name: o.Name, Unchanged: &statement.UnchangedFinding{Redated: true}}
	}
	if _, ok, err := st.FindingsAt(ctx, month(2026, 3)); ok || err != nil {
		t.Fatalf("before any were kept: ok %v, %v", ok, err)
	}
	// 23:30 UTC on 31 July is August in London (BST)
	save(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), map[int64]statement.OrgFindings{a.ID: redated(a)})
	save(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC), map[int64]statement.OrgFindings{a.ID: redated(a), b.ID: redated(b)})
	save(time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC), map[int64]statement.OrgFindings{})
	save(time.Date(2026, 7, 31, 23, 30, 0, 0, time.UTC), map[int64]statement.OrgFindings{b.ID: redated(b)})
	for _, c := range []struct {
		month time.Time
		want  []int64
	}{
		{month(2026, 3), []int64{a.ID, b.ID}}, // the last of March's two
		{month(2026, 4), []int64{a.ID, b.ID}}, // none kept in April: March's stood
		{month(2026, 5), nil},                 // May's were none
		{month(2026, 7), nil},
		{month(2026, 8), []int64{b.ID}},
		{month(2027, 1), []int64{b.ID}},
	} {
		got, ok, err := st.FindingsAt(ctx, c.month)
		if err != nil || !ok || len(got) != len(c.want) {
			t.Errorf("%s: %v, ok %v, %v; want organisations %v", c.month.Format("2006-01"), got, ok, err, c.want)
			continue
		}
		for _, id := range c.want {
			if f, found := got[id]; !found || f.Unchanged == nil || !f.Unchanged.Redated {
				t.Errorf("%s: organisation %d: %+v", c.month.Format("2006-01"), id, f)
			}
		}
	}
	now, err := st.AllFindings(ctx)
	if err != nil || len(now) != 1 || now[b.ID].CompanyNumber != b.CompanyNumber {
		t.Errorf("today's findings: %v %v", now, err)
	}
}
