package checker

import (
	"regexp"
	"strings"

	"github.com/s54dev/s54/statement"
)

// reBody finds the approving body in an approval sentence: "the Board of
// Directors of Example Foods Limited", "our Board", "the members".
var reBody = regexp.MustCompile(`(?i)\b(?:(?:the|our|its)\s+)?(?:[A-Z][\w&'’.-]*\s+){0,5}?(?:board(?:s)?(?:\s+of\s+(?:directors|trustees|governors|management))?|directors|trustees|designated members|members|partners|governing body|council)\b(?:\s+of\s+(?:[A-Z][\w&'’.-]*\s*){1,6})?`)

// approvalRecord reads who approved the statement and when from the first
// evidence sentence that names both.
func approvalRecord(d *doc, fd *statement.Finding) *statement.ApprovalRecord {
	if fd.Status != statement.Met {
		return nil
	}
	var rec *statement.ApprovalRecord
	for _, ev := range fd.Evidence {
		by := strings.TrimSpace(reBody.FindString(ev.Text))
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
