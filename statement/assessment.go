package statement

import (
	"encoding/json"
	"fmt"
	"time"
)

// Evidence is a sentence of the extracted text that supports a finding:
// Text.Body[Offset:Offset+Length] is the sentence as extracted; Text is
// the same with its white space collapsed, for display.
type Evidence struct {
	Text   string `json:"text"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// Finding is the result of one criterion.
type Finding struct {
	ID       CriterionID `json:"id"`
	Title    string      `json:"title"`
	Ref      string      `json:"ref"`
	Status   Status      `json:"status"`
	Evidence []Evidence  `json:"evidence"`
	// Advice says what to do about a missing or partial criterion.
	Advice string `json:"advice,omitempty"`
	// Note explains a status that evidence alone does not (for example
	// "only future intentions found").
	Note string `json:"note,omitempty"`
}

// FinancialPeriod is the financial year or other period a statement covers. Start
// may be zero when only the end is stated.
type FinancialPeriod struct {
	Start Date `json:"start"`
	End   Date `json:"end"`
	// Approximate is true when the text gives only years ("FY2021/22"):
	// Start is then the first day of the first year and End the last day
	// of the last, the widest the period can be.
	Approximate bool `json:"approximate,omitempty"`
}

// Signatory is the person who signed the statement.
type Signatory struct {
	Name string `json:"name"`
	Role string `json:"role"`
	Date Date   `json:"date"`
}

// ApprovalRecord says which body approved the statement and when.
type ApprovalRecord struct {
	By   string `json:"by"`
	Date Date   `json:"date"`
}

// Assessment is the checker's verdict on one statement text.
type Assessment struct {
	Source   string           `json:"source"`
	Format   Format           `json:"format"`
	Words    int              `json:"words"`
	Period   *FinancialPeriod `json:"period"`
	SignedBy *Signatory       `json:"signed_by"`
	Approved *ApprovalRecord  `json:"approved"`
	// IsStatement is false for a document that is not a slavery and
	// human trafficking statement (a policy, a privacy notice, the Act);
	// it then has no score and no rating (null in JSON), and NotStatement
	// says why.
	IsStatement  bool                `json:"is_statement"`
	NotStatement *NotStatementReason `json:"not_statement_reason,omitempty"`
	Score        int                 `json:"score"`
	Rating       Rating              `json:"rating"`
	Criteria     []Finding           `json:"criteria"`
	// Notes carry extraction notes (scan, OCR) and checker warnings (the
	// text does not look like a statement).
	Notes []string `json:"notes,omitempty"`
}

// Finding returns the finding for id, or nil when the assessment has none.
func (a *Assessment) Finding(id CriterionID) *Finding {
	for i := range a.Criteria {
		if a.Criteria[i].ID == id {
			return &a.Criteria[i]
		}
	}
	return nil
}

// Status returns the status of id, or "" when the assessment has none.
func (a *Assessment) Status(id CriterionID) Status {
	if f := a.Finding(id); f != nil {
		return f.Status
	}
	return ""
}

// Date is a calendar date without time zone. The zero Date means unknown
// and is written as JSON null.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// String formats the date as YYYY-MM-DD, or "" when unknown.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("statement: parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// MarshalJSON writes "YYYY-MM-DD" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		*d = Date{}
		return nil
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return fmt.Errorf("statement: date must be a string, got %s", s)
	}
	v, err := ParseDate(s[1 : len(s)-1])
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// DocumentKind says what a document that is not a slavery and human
// trafficking statement looks like instead.
type DocumentKind string

// Document kinds.
const (
	KindPolicy        DocumentKind = "policy"
	KindCodeOfConduct DocumentKind = "code_of_conduct"
	KindPrivacyNotice DocumentKind = "privacy_notice"
	KindCarbonPlan    DocumentKind = "carbon_plan"
	KindLegislation   DocumentKind = "legislation"
	KindReport        DocumentKind = "report"
	KindNews          DocumentKind = "news"
	KindOther         DocumentKind = "other"
)

// DocumentKinds are the kinds, in the order of DESIGN.md.
var DocumentKinds = []DocumentKind{KindPolicy, KindCodeOfConduct, KindPrivacyNotice, KindCarbonPlan,
	KindLegislation, KindReport, KindNews, KindOther}

// NotStatementReason says why a document is not taken for a statement.
type NotStatementReason struct {
	Kind DocumentKind `json:"kind"`
	// Text is a sentence for a person: what the document looks like and
	// what a statement must be.
	Text string `json:"text"`
}

// MarshalJSON writes score and rating as null for a document that is not
// a statement.
func (a Assessment) MarshalJSON() ([]byte, error) {
	type plain Assessment
	v := struct {
		plain
		Score  *int    `json:"score"`
		Rating *Rating `json:"rating"`
	}{plain: plain(a)}
	if a.IsStatement {
		v.Score, v.Rating = &a.Score, &a.Rating
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads an assessment; one written before is_statement
// existed was of a statement.
func (a *Assessment) UnmarshalJSON(b []byte) error {
	type plain Assessment
	v := struct {
		*plain
		IsStatement *bool `json:"is_statement"`
	}{plain: (*plain)(a)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	a.IsStatement = v.IsStatement == nil || *v.IsStatement
	return nil
}
