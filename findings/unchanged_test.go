package findings_test

import (
	"strings"
	"testing"

	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/statement"
)

// TestUnchanged: a statement re-published with only its years and dates
// changed is re-dated; a revised one is not, and says which areas changed.
func TestUnchanged(t *testing.T) {
	prev := read(t, "statements/strong.txt")
	redated := strings.NewReplacer("2025", "2026", "2024", "2025", "30 June", "31 July").Replace(prev)
	pa := statement.Assessment{Criteria: []statement.Finding{{ID: statement.Training, Status: statement.Met}}}
	f := findings.Unchanged("Northfield Foods plc", prev, redated, statement.Date{Year: 2025, Month: 3, Day: 31}, pa, pa)
	if !f.Redated || f.Changed > 0.01 {
		t.Errorf("re-dated: %+v", f)
	}
	revised := prev + "\n\nThis year we audited all forty of our labour providers, found two charging fees, and had the fees repaid to 31 workers. " +
		"We trained 120 buyers and site managers, and published our supplier list."
	revised = strings.Replace(revised, "zero tolerance", "no tolerance at all", 1)
	ca := statement.Assessment{Criteria: []statement.Finding{{ID: statement.Training, Status: statement.Partial}}}
	g := findings.Unchanged("Northfield Foods plc", prev, revised, statement.Date{}, pa, ca)
	if g.Redated || g.Changed < 0.05 || len(g.AreasChanged) != 1 || g.AreasChanged[0] != statement.Training {
		t.Errorf("revised: %+v", g)
	}
	d := findings.Diff("We audit suppliers every year.", "We audit all suppliers every two years.")
	var sb strings.Builder
	for _, c := range d {
		sb.WriteString(c.Op + "[" + c.Text + "]")
	}
	if got := sb.String(); !strings.Contains(got, "+[all ]") || !strings.Contains(got, "-[year.]") {
		t.Errorf("diff %s", got)
	}
}
