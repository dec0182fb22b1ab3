package checker

import (
	"strings"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

// reBody finds the approving body in an approval sentence: "the Board of
// Directors of Example Foods Limited", "our Board", "the members". Case
// matters: capitalised words before and after the body name belong to it.
var reBody = lazyre.New(`(?:(?:[Tt]he|[Oo]ur|[Ii]ts)\s+)?(?:[A-Z][\w&'’.-]*\s+){0,5}?(?:[Bb]oards?(?:\s+of\s+(?:[Dd]irectors|[Tt]rustees|[Gg]overnors|[Mm]anagement))?|[Dd]irectors|[Tt]rustees|[Gg]overnors|[Dd]esignated [Mm]embers|[Mm]embers|[Pp]artners|[Gg]overning [Bb]ody|[Cc]ouncil)\b(?:\s+of\s+(?:(?:[A-Z][\w&'’.,-]*|&|plc|ltd|limited|llp)\s*){1,8})?`)

// approvalRecord reads who approved the statement and when from the first
// evidence sentence that names both.
func approvalRecord(d *doc, fd *statement.Finding) *statement.ApprovalRecord {
	if fd.Status != statement.Met {
		return nil
	}
	var rec *statement.ApprovalRecord
	for _, ev := range fd.Evidence {
		by := strings.TrimSpace(reBody().FindString(ev.Text))
		if by == "" {
			continue
		}
		r := &statement.ApprovalRecord{By: strings.TrimRight(by, " ,.")}
		for _, h := range findDates(ev.Text) {
			if h.yearKnow && h.dayKnown {
				r.Date = h.date
				break
			}
		}
		if !r.Date.IsZero() {
			return r
		}
		if rec == nil {
			rec = r
		}
	}
	return rec
}
