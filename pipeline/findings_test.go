package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// TestRefreshFindings: the findings of a small register — a family of
// template statements, a registry claim of training the text does not
// bear out, and a statement re-dated from the year before — are made and
// kept; a statement in its own words has none.
func TestRefreshFindings(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	orgs := []statement.Org{
		{CompanyNumber: "06000001", Name: "Ashdown Print Ltd"}, {CompanyNumber: "06000002", Name: "Berrow Farm Supplies Limited"},
		{CompanyNumber: "06000003", Name: "Corran Logistics Ltd"}, {CompanyNumber: "06000004", Name: "Northfield Foods plc"},
	}
	if _, err := st.ImportOrgs(ctx, "t.csv", "s54", orgs, 0); err != nil {
		t.Fatal(err)
	}
	recs, _ := st.Orgs(ctx, store.OrgFilter{})
	id := map[string]int64{}
	for _, r := range recs {
		id[r.CompanyNumber] = r.ID
	}
	ck := checker.Default()
	record := func(number, url, text string) {
		t.Helper()
		sha, err := st.SaveDocument(ctx, []byte(text), "text/plain")
		if err != nil {
			t.Fatal(err)
		}
		a := ck.Check(statement.Text{Body: text})
		if _, err := st.RecordAssessment(ctx, store.Version{OrgID: id[number], URL: url, DocumentSHA256: sha}, a, ck.RulesID()); err != nil {
			t.Fatal(err)
		}
	}
	gen, _ := os.ReadFile(filepath.Join("..", "testdata", "templates", "generator.txt"))
	for i, o := range orgs[:3] {
		text := strings.NewReplacer("[NAME]", o.Name, "[DATE]", "31 March 2025", "[APPROVED]", "2 July 2025", "[SIGNER]", "Sam Jones").Replace(string(gen))
		record(o.CompanyNumber, "https://example.test/"+string(rune('a'+i)), text)
	}
	strong, _ := os.ReadFile(filepath.Join("..", "testdata", "statements", "strong.txt"))
	old := strings.NewReplacer("2025", "2024", "2024", "2023").Replace(string(strong))
	record("06000004", "https://northfield.test/msa-2024.pdf", old)
	record("06000004", "https://northfield.test/msa-2025.pdf", string(strong))
	// the registry says the generator's statements include training and
	// goals; they describe awareness, and no indicator
	yes := map[statement.CriterionID]bool{statement.Training: true, statement.Effectiveness: true}
	if _, err := st.RecordRegistryClaims(ctx, []store.ClaimsFor{{Key: "06000001", Claims: []statement.RegistryClaim{
		{Year: 2025, StatementURL: "https://example.test/a", Includes: yes}}}}); err != nil {
		t.Fatal(err)
	}

	stats, err := pipeline.RefreshFindings(ctx, st, extract.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Templates != 3 || stats.Redated != 1 || stats.Registry != 1 || stats.Clusters != 1 {
		t.Errorf("stats: %s", stats)
	}
	f, ok, _ := st.Findings(ctx, id["06000001"])
	if !ok || f.Template == nil || f.Template.Shared < 0.8 || len(f.Template.Similar) != 2 || len(f.Registry) == 0 {
		t.Fatalf("Ashdown: %+v", f)
	}
	n, ok, _ := st.Findings(ctx, id["06000004"])
	if !ok || n.Unchanged == nil || !n.Unchanged.Redated || n.Template != nil {
		t.Errorf("Northfield: %+v", n)
	}
	// the self-check's finder, from the texts the refresh kept
	drafts, err := pipeline.DraftTemplates(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	draft := strings.NewReplacer("[NAME]", "Foxhole Joinery Ltd", "[DATE]", "31 January 2026", "[APPROVED]", "2 May 2026", "[SIGNER]", "Pat Fox").Replace(string(gen))
	if got := drafts.Shared(draft, ""); drafts.Len() != 5 || got < statement.TemplateShare {
		t.Errorf("DraftTemplates: %d versions, a generator draft shares %.2f", drafts.Len(), got)
	}
}
