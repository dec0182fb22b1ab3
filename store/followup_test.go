package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// TestFollowUpAndAudit: staff set a website and a statement address and
// follow an organisation up; the register shows the latest state and
// filters by it, the history keeps every note, the register at an earlier
// time the state then, and the audit log every change, by whom, before
// and after; an import's changes are logged under its actor.
func TestFollowUpAndAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	day := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return day })
	if _, err := st.ImportOrgsBy(ctx, "s54 orgs import", "a.csv", "s54", []statement.Org{
		{CompanyNumber: "00000001", Name: "Alpha Ltd", Postcode: "SO14 7DX"},
		{CompanyNumber: "00000002", Name: "Beta Ltd", Postcode: "LE1 5FQ", Website: "https://beta.example"},
	}, 0); err != nil {
		t.Fatal(err)
	}
	alpha, err := st.OrgByNumber(ctx, "00000001")
	if err != nil {
		t.Fatal(err)
	}
	site, doc := "https://alpha.example", "https://alpha.example/msa.pdf"
	day = day.Add(time.Hour)
	if err := st.SetOrgLinks(ctx, alpha.ID, store.OrgLinks{Website: &site, StatementURL: &doc}, "ann"); err != nil {
		t.Fatal(err)
	}
	got, _ := st.OrgByNumber(ctx, "00000001")
	if got.Website != site || got.StatementURL != doc || got.WebsiteSource != statement.WebsiteFromStaff {
		t.Errorf("after SetOrgLinks: %+v", got.Org)
	}
	if err := st.AddFollowUp(ctx, alpha.ID, statement.Contacted, "wrote to the company secretary", "ann"); err != nil {
		t.Fatal(err)
	}
	day = time.Date(2025, 5, 2, 9, 0, 0, 0, time.UTC)
	if err := st.AddFollowUp(ctx, alpha.ID, statement.Replied, "they will publish in June", "bob"); err != nil {
		t.Fatal(err)
	}
	if err := st.AddFollowUp(ctx, alpha.ID, "waiting", "", "bob"); !errors.Is(err, store.ErrBadFilter) {
		t.Errorf("a state that does not exist: %v", err)
	}
	if err := st.SetOrgLinks(ctx, 999, store.OrgLinks{Website: &site}, "ann"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such organisation: %v", err)
	}

	notes, err := st.FollowUps(ctx, alpha.ID)
	if err != nil || len(notes) != 2 || notes[0].Status != statement.Replied || notes[1].By != "ann" || notes[1].Note != "wrote to the company secretary" {
		t.Fatalf("history: %+v %v", notes, err)
	}
	for _, c := range []struct {
		f    statement.FollowUp
		want string
	}{{statement.Replied, "Alpha Ltd"}, {statement.FollowUpNone, "Beta Ltd"}, {statement.Contacted, ""}} {
		p, err := st.RegisterPage(ctx, store.RegisterQuery{RegisterFilter: store.RegisterFilter{FollowUp: c.f}})
		if err != nil {
			t.Fatal(err)
		}
		if names(p.Entries) != c.want {
			t.Errorf("follow_up=%s: %q, want %q", c.f, names(p.Entries), c.want)
		}
	}
	if _, err := st.RegisterPage(ctx, store.RegisterQuery{RegisterFilter: store.RegisterFilter{FollowUp: "later"}}); !errors.Is(err, store.ErrBadFilter) {
		t.Errorf("follow_up=later: %v", err)
	}
	reg, _ := st.Register(ctx, store.OrgFilter{CompanyNumbers: []string{"00000001"}})
	if len(reg) != 1 || reg[0].FollowUp != statement.Replied {
		t.Errorf("register entry: %+v", reg)
	}
	april, _ := st.RegisterAt(ctx, store.OrgFilter{}, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	if len(april) != 2 || april[0].FollowUp != statement.Contacted || april[1].FollowUp != statement.FollowUpNone {
		t.Errorf("the register in April: %+v", april)
	}

	// an import changes Beta's website and name: logged under the command
	if _, err := st.ImportOrgsBy(ctx, "s54 orgs import", "b.csv", "s54", []statement.Org{
		{CompanyNumber: "00000002", Name: "Beta Group Ltd", Website: "https://beta.example.org"},
	}, 0); err != nil {
		t.Fatal(err)
	}
	log, err := st.Audit(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ by, number, field, before, after string }
	var rows []row
	for _, e := range log {
		rows = append(rows, row{e.By, e.CompanyNumber, e.Field, e.Before, e.After})
	}
	want := []row{
		{"s54 orgs import", "00000002", "website", "https://beta.example", "https://beta.example.org"},
		{"s54 orgs import", "00000002", "name", "Beta Ltd", "Beta Group Ltd"},
		{"bob", "00000001", "follow_up_note", "", "they will publish in June"},
		{"bob", "00000001", "follow_up", "contacted", "replied"},
		{"ann", "00000001", "follow_up_note", "", "wrote to the company secretary"},
		{"ann", "00000001", "follow_up", "none", "contacted"},
		{"ann", "00000001", "statement_url", "", doc},
		{"ann", "00000001", "website", "", site},
		{"s54 orgs import", "00000002", "added", "", "Beta Ltd"},
		{"s54 orgs import", "00000001", "added", "", "Alpha Ltd"},
	}
	if len(rows) != len(want) {
		t.Fatalf("audit log:\n%+v\nwant\n%+v", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("audit %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
	mine, _ := st.Audit(ctx, store.AuditFilter{OrgID: alpha.ID, Limit: 3})
	if len(mine) != 3 || mine[0].CompanyNumber != "00000001" {
		t.Errorf("Alpha's last three: %+v", mine)
	}
	regions, _ := region.Default()
	leics, _ := regions.Get("leicestershire")
	theirs, _ := st.Audit(ctx, store.AuditFilter{Within: []*region.Region{leics}})
	for _, e := range theirs {
		if e.CompanyNumber != "00000002" {
			t.Errorf("an account of Leicestershire sees %+v", e)
		}
	}
	if len(theirs) != 3 {
		t.Errorf("Leicestershire's changes: %d, want 3", len(theirs))
	}
}
