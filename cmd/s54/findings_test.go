package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// TestFindingsCommand: s54 findings lists an organisation whose registry
// entry claims training and goals its statement does not bear out, in
// DESIGN.md's shape, and not one whose claims its statement bears out.
func TestFindingsCommand(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	st, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	orgs := []statement.Org{{CompanyNumber: "06000011", Name: "Quayside Chandlers Ltd", Postcode: "SO14 2AQ"},
		{CompanyNumber: "06000012", Name: "Tor Valley Creamery Ltd", Postcode: "LE1 5WW"}}
	if _, err := st.ImportOrgs(ctx, "t.csv", "s54", orgs, 0); err != nil {
		t.Fatal(err)
	}
	recs, _ := st.Orgs(ctx, store.OrgFilter{})
	ck := checker.Default()
	weak := "Modern Slavery Statement for the year ended 31 March 2025. Quayside Chandlers Ltd sells boat equipment from two shops. " +
		"We do not tolerate slavery or human trafficking. We expect our suppliers to obey the law. " +
		"This statement was approved by the board of directors on 1 June 2025. Signed: Ann Marsh, Director, 1 June 2025."
	strong := "Modern Slavery Statement for the year ended 31 March 2025. Tor Valley Creamery Ltd makes cheese in Leicestershire. " +
		"All buyers and farm liaison staff completed modern slavery training in the year, 48 people. " +
		"We assess the effectiveness of our steps against key performance indicators, which the board reviews each year: " +
		"the number of suppliers audited (32 of 40 this year) and the number of concerns raised through our hotline (2, both investigated). " +
		"This statement was approved by the board of directors on 3 June 2025. Signed: Raj Patel, Director, 3 June 2025."
	claim := map[statement.CriterionID]bool{statement.Training: true, statement.Effectiveness: true}
	var claims []store.ClaimsFor
	for i, text := range []string{weak, strong} {
		url := "https://org" + string(rune('a'+i)) + ".test/msa"
		sha, err := st.SaveDocument(ctx, []byte(text), "text/plain")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.RecordAssessment(ctx, store.Version{OrgID: recs[i].ID, URL: url, DocumentSHA256: sha},
			ck.Check(statement.Text{Body: text}), ck.RulesID()); err != nil {
			t.Fatal(err)
		}
		claims = append(claims, store.ClaimsFor{Key: recs[i].CompanyNumber, Claims: []statement.RegistryClaim{
			{Year: 2025, PeriodEnd: statement.Date{Year: 2025, Month: 3, Day: 31}, Includes: claim}}})
	}
	if _, err := st.RecordRegistryClaims(ctx, claims); err != nil {
		t.Fatal(err)
	}
	st.Close()

	code, out, stderr := run(t, "", "findings", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(list) != 1 || string(list[0]["company_number"]) != `"06000011"` {
		t.Fatalf("want Quayside alone:\n%s", out)
	}
	for _, k := range []string{"company_number", "name", "region", "registry", "template", "unchanged"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	var reg []statement.RegistryFinding
	if err := json.Unmarshal(list[0]["registry"], &reg); err != nil {
		t.Fatal(err)
	}
	got := map[statement.CriterionID]bool{}
	for _, r := range reg {
		if r.RegistrySays && !r.Quiet {
			got[r.Criterion] = true
		}
	}
	if !got[statement.Training] || !got[statement.Effectiveness] {
		t.Errorf("registry findings %+v: want training and effectiveness", reg)
	}

	code, out, _ = run(t, "", "findings", "--stored", "--data", data)
	if code != 0 || !strings.Contains(out, "06000011 Quayside Chandlers Ltd") || !strings.Contains(out, "the registry says the statement includes") ||
		!strings.Contains(out, "1 of 2 organisations have findings") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if code, out, _ = run(t, "", "findings", "--stored", "--region", "leicestershire", "--data", data); code != 0 || !strings.Contains(out, "No findings among 1 organisations") {
		t.Errorf("--region: exit %d:\n%s", code, out)
	}
}

// TestFindingsFakeWeb: the registry download imported beside the fake
// web's organisations, the web crawled, and s54 findings reports the
// claims the statements found do not bear out (a row matched by URL whose
// claims the statement bears out gives nothing, a row matched by period
// end whose training and risk assessment the statement lacks gives both,
// and a row of a year long gone matches nothing), the family of template
// statements as one, and the statement re-dated; no other.
func TestFindingsFakeWeb(t *testing.T) {
	t.Parallel()
	_, hosts, orgs := serveFakeWeb(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(fastCrawl), 0o600); err != nil {
		t.Fatal(err)
	}
	registry := "StatementYear,OrganisationName,Address,CompanyNumber,StatementURL,StatementStartDate,StatementEndDate,ApprovingPerson,DateApproved," +
		"StatementIncludesOrgStructure,StatementIncludesPolicies,StatementIncludesRisksAssessment,StatementIncludesDueDiligence,StatementIncludesTraining,StatementIncludesGoals\n" +
		"2025,Harrow & Vale Foods Ltd,\"Southampton SO14 3TJ\",09000001,http://footer-link.test/modern-slavery-statement/,01/04/2024,31/03/2025,Director,01/06/2025,Yes,Yes,Yes,Yes,Yes,Yes\n" +
		"2025,Bramwell Interiors Ltd,\"Worcester WR1 2EY\",09000003,,01/02/2024,31/01/2025,Director,01/05/2025,Yes,Yes,Yes,Yes,Yes,Yes\n" +
		"2019,Bramwell Interiors Ltd,\"Worcester WR1 2EY\",09000003,,01/02/2018,31/01/2019,Director,01/05/2019,Yes,Yes,Yes,Yes,Yes,Yes\n"
	regPath := filepath.Join(t.TempDir(), "StatementSummaries2025.csv")
	if err := os.WriteFile(regPath, []byte(registry), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{orgs, regPath} {
		if code, out, stderr := run(t, "", "--data", data, "orgs", "import", f); code != 0 {
			t.Fatalf("import %s: exit %d\n%s%s", f, code, out, stderr)
		}
	}
	if code, out, stderr := runOn(t, hosts, "--data", data, "crawl", "--allow-private", "--concurrency", "8"); code != 0 {
		t.Fatalf("crawl: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr := run(t, "", "--data", data, "findings", "--json")
	if code != 0 {
		t.Fatalf("findings: exit %d %s", code, stderr)
	}
	var list []statement.OrgFindings
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	pressed := map[string][]string{}
	for _, f := range list {
		for _, r := range f.Registry {
			if !r.Quiet {
				pressed[f.CompanyNumber] = append(pressed[f.CompanyNumber], string(r.Criterion)+" "+r.PeriodEnd.String())
			}
		}
	}
	if got := strings.Join(pressed["09000003"], ", "); got != "risk 2025-01-31, training 2025-01-31" {
		t.Errorf("Bramwell's registry findings %q, want risk and training for the year to 2025-01-31", got)
	}
	if got := pressed["09000001"]; len(got) != 0 {
		t.Errorf("Harrow & Vale's claims are borne out, yet: %q", got)
	}

	// the generator's family, one re-dated statement, and none else
	byNumber := map[string]statement.OrgFindings{}
	for _, f := range list {
		byNumber[f.CompanyNumber] = f
	}
	for _, n := range []string{"09000040", "09000041", "09000042"} {
		tf := byNumber[n].Template
		if tf == nil || tf.Shared < statement.TemplateShare || len(tf.Similar) != 2 {
			t.Errorf("%s, of the template family: %+v", n, tf)
		}
	}
	for n, f := range byNumber {
		if f.Template != nil && f.Template.Shared >= statement.TemplateShare && !strings.HasPrefix(n, "0900004") {
			t.Errorf("%s %s, in its own words, flagged as a template: %+v", n, f.Name, f.Template)
		}
		if f.Unchanged != nil && f.Unchanged.Redated && n != "09000043" {
			t.Errorf("%s %s flagged as re-dated: %+v", n, f.Name, f.Unchanged)
		}
	}
	if u := byNumber["09000043"].Unchanged; u == nil || !u.Redated || u.Changed > 0.1 || u.PreviousPeriodEnd.String() != "2024-02-28" {
		t.Errorf("Ferrybridge's re-dated statement: %+v", u)
	}
}
