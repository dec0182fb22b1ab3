package checker

import (
	"fmt"
	"time"

	"github.com/s54dev/s54/statement"
)

// The statutory guidance expects a statement within six months of the end
// of the financial year it covers; a register entry is current while its
// latest statement covers a year that ended less than 18 months ago.
const (
	timelyMonths  = 6
	currentMonths = 18
)

// decideTimely compares the approval or signature date with the end of the
// period. It needs both; otherwise it does not apply.
func decideTimely(a *statement.Assessment, fd *statement.Finding) {
	var signed statement.Date
	var from statement.CriterionID
	switch {
	case a.Approved != nil && !a.Approved.Date.IsZero():
		signed, from = a.Approved.Date, statement.Approval
	case a.SignedBy != nil && !a.SignedBy.Date.IsZero():
		signed, from = a.SignedBy.Date, statement.Signature
	}
	if a.Period == nil || a.Period.Approximate || signed.IsZero() {
		fd.Status = statement.NotApplicable
		fd.Note = "needs the end of the financial year and the date of approval or signature"
		return
	}
	// the sentences the decision rests on: the period, then the date
	for _, id := range []statement.CriterionID{statement.Period, from} {
		if f := a.Finding(id); f != nil && len(f.Evidence) > 0 {
			fd.Evidence = append(fd.Evidence, f.Evidence[0])
		}
	}
	end := a.Period.End.Time()
	deadline := addMonths(end, timelyMonths)
	switch {
	case signed.Time().After(deadline):
		fd.Status = statement.Missing
		fd.Note = fmt.Sprintf("dated %s, more than %d months after the year ended %s: the %s asks for publication within %d months",
			signed, timelyMonths, a.Period.End, guidance2025, timelyMonths)
	case signed.Time().Before(addMonths(end, -3)):
		// dated well before the year it covers ended: the dates disagree
		fd.Status = statement.NotApplicable
		fd.Note = fmt.Sprintf("dated %s, before the year it covers ended (%s)", signed, a.Period.End)
	default:
		fd.Status = statement.Met
		fd.Note = fmt.Sprintf("dated %s, within %d months of the year ended %s", signed, timelyMonths, a.Period.End)
	}
}

// decideCrawl sets the criteria only a crawl can judge.
func decideCrawl(fd *statement.Finding, f Facts, p *statement.FinancialPeriod) {
	switch fd.ID {
	case statement.HomepageLink:
		switch {
		case f.HomepageLink == nil:
			fd.Status = statement.NotApplicable
			fd.Note = "judged when the statement is found by crawling the website"
		case *f.HomepageLink:
			fd.Status = statement.Met
		default:
			fd.Status = statement.Missing
			fd.Note = "the statement was found, but not through a link on the homepage"
		}
	case statement.Current:
		switch {
		case f.Now.IsZero():
			fd.Status = statement.NotApplicable
			fd.Note = "judged when the statement is found by crawling the website"
		case p == nil:
			// a statement that names no year cannot be shown out of date;
			// its period criterion says what is missing
			fd.Status = statement.NotApplicable
			fd.Note = "cannot tell: the statement does not say which financial year it covers"
		case addMonths(p.End.Time(), currentMonths).After(f.Now):
			fd.Status = statement.Met
		default:
			fd.Status = statement.Missing
			fd.Note = fmt.Sprintf("covers a year that ended %s, more than %d months ago", p.End, currentMonths)
		}
	default:
		fd.Status = statement.NotApplicable
	}
}

// addMonths adds n calendar months to t, keeping to the last day of the
// month where the day does not exist: 31 August plus six months is the
// end of February, not 3 March as time.AddDate would have it.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, t.Location())
}
