package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// TestRecheck: versions assessed with other rules are assessed again from
// their snapshots and recorded with the current rules' id; the index is
// made with the new verdicts; a version the rules no longer read as a
// statement keeps its assessment and is listed; a second run finds
// nothing to do.
func TestRecheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	orgs := []statement.Org{{CompanyNumber: "07000001", Name: "Strong Ltd"}, {CompanyNumber: "07000002", Name: "Plan Ltd"}}
	if _, err := st.ImportOrgs(ctx, "t.csv", "s54", orgs, 0); err != nil {
		t.Fatal(err)
	}
	recs, _ := st.Orgs(ctx, store.OrgFilter{})
	record := func(org int64, file string) {
		data, err := os.ReadFile(filepath.Join("..", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		sha, err := st.SaveDocument(ctx, data, "text/plain")
		if err != nil {
			t.Fatal(err)
		}
		// as an older s54 rated it
		a := statement.Assessment{IsStatement: true, Score: 7, Rating: statement.BelowMinimum}
		if _, err := st.RecordAssessment(ctx, store.Version{OrgID: org, URL: "https://x.example/" + file, DocumentSHA256: sha}, a, "default@old"); err != nil {
			t.Fatal(err)
		}
	}
	record(recs[0].ID, "statements/strong.txt")
	record(recs[1].ID, "nonstatements/carbon_reduction_plan.txt")

	ck := checker.Default()
	ipath := filepath.Join(dir, index.Dir)
	now := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	rs, err := pipeline.Recheck(ctx, st, ck, pipeline.IntoFolder(ipath), extract.DefaultOptions(), nil, false, now)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Reassessed != 1 || rs.RatingChanged != 1 || len(rs.NotStatements) != 1 || rs.Indexed != 2 {
		t.Fatalf("recheck: %+v", rs)
	}
	if !strings.Contains(rs.NotStatements[0], "carbon_plan") {
		t.Errorf("not statements: %q", rs.NotStatements)
	}
	st.Versions(ctx, recs[0].ID, func(v store.VersionRecord) error {
		if v.Rules != ck.RulesID() || v.Assessment.Rating != statement.Strong {
			t.Errorf("after recheck: rules %q rating %s", v.Rules, v.Assessment.Rating)
		}
		return nil
	})
	x, err := index.Open(ipath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(ctx, index.Query{Text: "slavery", AllVersions: true, Limit: 10})
	x.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.CompanyNumber == "07000001" && h.Rating != statement.Strong {
			t.Errorf("the index holds rating %s", h.Rating)
		}
	}
	rs, err = pipeline.Recheck(ctx, st, ck, pipeline.IntoFolder(ipath), extract.DefaultOptions(), nil, false, now)
	if err != nil || rs.Reassessed != 0 || rs.Current != 1 {
		t.Errorf("second recheck: %+v, %v", rs, err)
	}
	first, _ := st.RulesFirstUsed(ctx)
	if len(first) != 2 {
		t.Errorf("rules used: %v", first)
	}
}
