package statement

// CriterionID is the stable identifier of a criterion, used in output,
// labels, rules files and tests.
type CriterionID string

// The criteria of DESIGN.md.
const (
	Approval      CriterionID = "approval"
	Signature     CriterionID = "signature"
	Period        CriterionID = "period"
	Structure     CriterionID = "structure"
	Policies      CriterionID = "policies"
	DueDiligence  CriterionID = "due_diligence"
	Risk          CriterionID = "risk"
	Effectiveness CriterionID = "effectiveness"
	Training      CriterionID = "training"
	HomepageLink  CriterionID = "homepage_link"
	Timely        CriterionID = "timely"
	Current       CriterionID = "current"
)

// TextCriteria are the nine criteria judged on the text alone, in the order
// of the labelled corpus.
var TextCriteria = []CriterionID{
	Approval, Signature, Period, Structure, Policies, DueDiligence, Risk, Effectiveness, Training,
}

// AllCriteria are every criterion, text criteria first, then those that
// need a crawl.
var AllCriteria = append(append([]CriterionID{}, TextCriteria...), HomepageLink, Timely, Current)

// Areas are the six areas of s.54(5) that a statement may cover.
var Areas = []CriterionID{Structure, Policies, DueDiligence, Risk, Effectiveness, Training}

// Status is the outcome of one criterion for one statement.
type Status string

// Statuses.
const (
	Met           Status = "met"
	Partial       Status = "partial"
	Missing       Status = "missing"
	NotApplicable Status = "not_applicable"
)

// Rating summarises a statement against the legal minimum and the six areas.
type Rating string

// Ratings, from worst to best.
const (
	BelowMinimum Rating = "below_minimum"
	Minimum      Rating = "minimum"
	Good         Rating = "good"
	Strong       Rating = "strong"
)

// Rank orders ratings from worst (0) to best (3); an unknown rating is -1.
func (r Rating) Rank() int {
	switch r {
	case BelowMinimum:
		return 0
	case Minimum:
		return 1
	case Good:
		return 2
	case Strong:
		return 3
	}
	return -1
}

// Label is the id as words: "due diligence".
func (id CriterionID) Label() string {
	b := []byte(id)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}
