package findings_test

import (
	"strings"
	"testing"

	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/statement"
)

func assessment(end statement.Date, status map[statement.CriterionID]statement.Status) statement.Assessment {
	a := statement.Assessment{IsStatement: true, Period: &statement.FinancialPeriod{End: end}}
	for _, id := range statement.TextCriteria {
		s, ok := status[id]
		if !ok {
			s = statement.Met
		}
		a.Criteria = append(a.Criteria, statement.Finding{ID: id, Status: s,
			Evidence: []statement.Evidence{{Text: "a sentence about " + string(id)}}})
	}
	return a
}

func TestRegistry(t *testing.T) {
	mar25 := statement.Date{Year: 2025, Month: 3, Day: 31}
	mar24 := statement.Date{Year: 2024, Month: 3, Day: 31}
	versions := []findings.Version{
		{URL: "https://www.acme.example/modern-slavery/", PeriodEnd: mar25,
			Assessment: assessment(mar25, map[statement.CriterionID]statement.Status{
				statement.Training: statement.Missing, statement.Effectiveness: statement.Partial, statement.Risk: statement.Met})},
		{URL: "https://www.acme.example/msa-2024.pdf", PeriodEnd: mar24,
			Assessment: assessment(mar24, map[statement.CriterionID]statement.Status{statement.Approval: statement.Missing})},
	}
	yes := func(ids ...statement.CriterionID) map[statement.CriterionID]bool {
		m := map[statement.CriterionID]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	claims := []statement.RegistryClaim{
		// matched by URL (scheme, www and the final slash aside): claims
		// training and goals the text does not bear out, risk it does,
		// and denies policies, which the text covers
		{Year: 2025, StatementURL: "http://acme.example/modern-slavery", PeriodEnd: mar25,
			Includes: map[statement.CriterionID]bool{statement.Training: true, statement.Effectiveness: true,
				statement.Risk: true, statement.Policies: false}},
		// no URL: matched by a period end within three months
		{Year: 2024, PeriodEnd: statement.Date{Year: 2024, Month: 5, Day: 31}, Approver: "Jo Bell (Director)",
			DateApproved: statement.Date{Year: 2024, Month: 9, Day: 1}, Includes: yes(statement.Structure)},
		// a period nothing covers, and a year alone: no match
		{Year: 2022, PeriodEnd: statement.Date{Year: 2022, Month: 12, Day: 31}, Includes: yes(statement.Training)},
		{Year: 2025, Includes: yes(statement.Training)},
	}
	got := findings.Registry(claims, versions)
	var lines []string
	for _, f := range got {
		lines = append(lines, string(f.Criterion)+":"+map[bool]string{true: "quiet", false: "finding"}[f.Quiet]+":"+f.PeriodEnd.String())
	}
	want := "policies:quiet:2025-03-31 training:finding:2025-03-31 effectiveness:finding:2025-03-31 approval:finding:2024-03-31"
	if strings.Join(lines, " ") != want {
		t.Errorf("findings %q\nwant     %q", strings.Join(lines, " "), want)
	}
	if !strings.Contains(got[1].Note, "registry says the statement includes training on slavery and human trafficking; the statement describes none") {
		t.Errorf("note %q", got[1].Note)
	}
	if !strings.Contains(got[3].Note, "Jo Bell (Director) on 2024-09-01") {
		t.Errorf("approval note %q", got[3].Note)
	}
	if got[0].StatementURL != versions[0].URL {
		t.Errorf("matched to %q", got[0].StatementURL)
	}
}
