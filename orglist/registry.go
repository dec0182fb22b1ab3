package orglist

import (
	"strconv"
	"strings"
	"time"

	"github.com/s54dev/s54/statement"
)

// registryIncludes maps the registry download's "statement includes"
// columns to our criteria: Goals is effectiveness.
var registryIncludes = []struct {
	column string
	id     statement.CriterionID
}{
	{"statementincludesorgstructure", statement.Structure},
	{"statementincludespolicies", statement.Policies},
	{"statementincludesrisksassessment", statement.Risk},
	{"statementincludesduediligence", statement.DueDiligence},
	{"statementincludestraining", statement.Training},
	{"statementincludesgoals", statement.Effectiveness},
}

// registryClaim reads what a row of the GOV.UK registry download says of
// the organisation's statement: its period, approval, address and the
// six "statement includes" answers. A row that says none of it has none.
func registryClaim(r row) (statement.RegistryClaim, bool) {
	c := statement.RegistryClaim{
		StatementURL: r.get("statementurl"),
		PDFURL:       r.get("pdfurl"),
		Approver:     strings.Join(strings.Fields(r.get("approvingperson")), " "),
		PeriodStart:  registryDate(r.get("statementstartdate")),
		PeriodEnd:    registryDate(r.get("statementenddate")),
		DateApproved: registryDate(r.get("dateapproved")),
		Includes:     map[statement.CriterionID]bool{},
	}
	c.Year, _ = strconv.Atoi(r.get("statementyear"))
	if _, ok := origin(c.StatementURL); !ok {
		c.StatementURL = ""
	}
	if _, ok := origin(c.PDFURL); !ok {
		c.PDFURL = ""
	}
	c.GroupSubmission = yes(r.get("groupsubmission"))
	for _, inc := range registryIncludes {
		switch v := strings.ToLower(r.get(inc.column)); v {
		case "yes", "true":
			c.Includes[inc.id] = true
		case "no", "false":
			c.Includes[inc.id] = false
		}
	}
	if len(c.Includes) == 0 && c.PeriodEnd.IsZero() && c.Approver == "" {
		return c, false
	}
	return c, true
}

func yes(s string) bool {
	s = strings.ToLower(s)
	return s == "yes" || s == "true"
}

// registryDate reads the registry's dates: dd/mm/yyyy, sometimes with a
// time; ISO dates are taken too.
func registryDate(s string) statement.Date {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return statement.DateOf(t)
		}
	}
	return statement.Date{}
}
