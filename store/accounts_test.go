package store_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// TestUserRegions: an account's regions are kept, read with its sessions
// and tokens, changed and lifted.
func TestUserRegions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if err := st.AddUser(ctx, "hull", "hash", "humber"); err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(ctx, "all", "hash"); err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByName(ctx, "hull")
	if err != nil || !slices.Equal(u.Regions, []string{"humber"}) {
		t.Fatalf("hull: %+v %v", u, err)
	}
	if err := st.CreateSession(ctx, u.ID, "sess", "csrf", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.AddAPIToken(ctx, u.ID, "tok", ""); err != nil {
		t.Fatal(err)
	}
	if err := st.SetUserRegions(ctx, "hull", []string{"humber", "west-mercia"}); err != nil {
		t.Fatal(err)
	}
	ss, err := st.SessionByHash(ctx, "sess")
	if err != nil || !slices.Equal(ss.User.Regions, []string{"humber", "west-mercia"}) {
		t.Errorf("session's user %+v %v", ss.User, err)
	}
	tu, err := st.TokenUser(ctx, "tok")
	if err != nil || !slices.Equal(tu.Regions, []string{"humber", "west-mercia"}) {
		t.Errorf("token's user %+v %v", tu, err)
	}
	if err := st.SetUserRegions(ctx, "hull", nil); err != nil {
		t.Fatal(err)
	}
	users, _ := st.Users(ctx)
	for _, u := range users {
		if u.Regions != nil {
			t.Errorf("%s: regions %v, want none", u.Name, u.Regions)
		}
	}
	if err := st.SetUserRegions(ctx, "nobody", []string{"humber"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("regions of nobody: %v", err)
	}
}

// TestWithinRegions: the runs and the documents a staff account of some
// regions sees.
func TestWithinRegions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	orgs := []statement.Org{{CompanyNumber: "00000001", Name: "Hull Ltd", Postcode: "HU1 2AA"},
		{CompanyNumber: "00000002", Name: "Hants Ltd", Postcode: "SO14 7DX"}}
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", orgs, 0); err != nil {
		t.Fatal(err)
	}
	recs, _ := st.Orgs(ctx, store.OrgFilter{})
	run, _ := st.StartRun(ctx, "all")
	sha, _ := st.SaveDocument(ctx, []byte("hants statement"), "text/plain")
	v := store.Version{OrgID: recs[0].ID, URL: "https://hants.example/msa", DocumentSHA256: sha}
	if _, err := st.RecordCrawl(ctx, store.Fetch{RunID: run, OrgID: recs[0].ID, Outcome: statement.Found, URL: v.URL, DocumentSHA256: sha},
		[]store.Assessed{{Version: v, Assessment: statement.Assessment{IsStatement: true, Rating: statement.Good}}}, "default"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordFetch(ctx, store.Fetch{RunID: run, OrgID: recs[1].ID, Outcome: statement.Unreachable}); err != nil {
		t.Fatal(err)
	}
	set, _ := region.Default()
	humber, _ := set.Get("humber")
	hants, _ := set.Get("hampshire-iow")
	for _, c := range []struct {
		within   []*region.Region
		outcomes map[statement.RegisterStatus]int
		failures int
		document bool
	}{
		{nil, map[statement.RegisterStatus]int{statement.Found: 1, statement.Unreachable: 1}, 1, true},
		{[]*region.Region{hants}, map[statement.RegisterStatus]int{statement.Found: 1}, 0, true},
		{[]*region.Region{humber}, map[statement.RegisterStatus]int{statement.Unreachable: 1}, 1, false},
	} {
		runs, err := st.Runs(ctx, 5, c.within...)
		if err != nil || len(runs) != 1 || !maps.Equal(runs[0].Outcomes, c.outcomes) {
			t.Errorf("%v: runs %+v %v", c.within, runs, err)
		}
		failures, err := st.RunFailures(ctx, run, c.within...)
		if err != nil || len(failures) != c.failures {
			t.Errorf("%v: failures %+v %v", c.within, failures, err)
		}
		if ok, err := st.DocumentWithin(ctx, sha, c.within); ok != c.document || err != nil {
			t.Errorf("%v: document %v %v, want %v", c.within, ok, err, c.document)
		}
	}
	if ok, _ := st.DocumentWithin(ctx, "0000", nil); ok {
		t.Error("a document nobody has is someone's")
	}
}
