package statement

// RegistryClaim is what an organisation told the GOV.UK modern slavery
// statement registry about one statement: self-declared, kept as evidence
// of what was claimed.
type RegistryClaim struct {
	Year         int    `json:"year"`
	PeriodStart  Date   `json:"period_start"`
	PeriodEnd    Date   `json:"period_end"`
	StatementURL string `json:"statement_url,omitempty"`
	// PDFURL is the registry's own copy of the statement, when given.
	PDFURL string `json:"pdf_url,omitempty"`
	// Approver is the registry's ApprovingPerson ("Robert Hester (Chief
	// Finance Officer)"), DateApproved its date.
	Approver     string `json:"approver,omitempty"`
	DateApproved Date   `json:"date_approved"`
	// Includes holds the registry's "statement includes …" answers for
	// the six areas, under our criterion ids (Goals is effectiveness,
	// OrgStructure structure, RisksAssessment risk); an area not answered
	// is absent.
	Includes        map[CriterionID]bool `json:"includes,omitempty"`
	GroupSubmission bool                 `json:"group_submission,omitempty"`
}

// RegistryFinding is a disagreement between a registry claim and the
// statement's text: "registry says it includes training; the statement
// describes none". Quiet ones go the other way (the text covers what the
// registry entry denies) and are noted, not pressed.
type RegistryFinding struct {
	PeriodEnd       Date        `json:"period_end"`
	Criterion       CriterionID `json:"criterion"`
	RegistrySays    bool        `json:"registry_says"`
	StatementStatus Status      `json:"statement_status"`
	Note            string      `json:"note"`
	Quiet           bool        `json:"quiet,omitempty"`
	// Evidence is what the statement says on the criterion, if anything.
	Evidence []Evidence `json:"evidence,omitempty"`
	// StatementURL is the statement the claim was matched to.
	StatementURL string `json:"statement_url,omitempty"`
}

// TemplateFinding says how much of a statement's text (names, dates and
// years masked) is found in other organisations' statements, and the
// closest of them.
type TemplateFinding struct {
	Shared  float64            `json:"shared"`
	Similar []SimilarStatement `json:"similar"`
	// Cluster numbers the family of statements that share the text.
	Cluster int `json:"cluster,omitempty"`
}

// SimilarStatement is another organisation's statement that shares text.
type SimilarStatement struct {
	CompanyNumber string  `json:"company_number"`
	Name          string  `json:"name"`
	Shared        float64 `json:"shared"`
}

// UnchangedFinding compares an organisation's statement with the one
// before it: the share of its text that changed (names and years masked)
// and the areas whose verdict changed. Changed at most 0.05 is a statement
// re-dated, otherwise unchanged.
type UnchangedFinding struct {
	PreviousPeriodEnd Date          `json:"previous_period_end"`
	Changed           float64       `json:"changed"`
	AreasChanged      []CriterionID `json:"areas_changed,omitempty"`
	Redated           bool          `json:"redated"`
}

// OrgFindings are one organisation's findings: the shape of s54 findings
// --json (DESIGN.md, Round 2 contracts).
type OrgFindings struct {
	CompanyNumber string            `json:"company_number"`
	Name          string            `json:"name"`
	Region        string            `json:"region"`
	Registry      []RegistryFinding `json:"registry"`
	Template      *TemplateFinding  `json:"template"`
	Unchanged     *UnchangedFinding `json:"unchanged"`
}

// Finding kinds: what the register's findings column lists and its
// findings= filter selects (FindingAny: any of them).
const (
	FindingRegistry = "registry"
	FindingTemplate = "template"
	FindingRedated  = "redated"
	FindingAny      = "any"
)

// FindingKinds are the kinds of finding, in the order they are shown.
var FindingKinds = []string{FindingRegistry, FindingTemplate, FindingRedated}

// TemplateShare is the share of a statement's text found in other
// organisations' statements from which it is called a template or a copy.
const TemplateShare = 0.8

// Any reports whether there is a finding to act on: a registry claim the
// text does not bear out, a statement mostly shared with others, or one
// re-dated without change.
func (f *OrgFindings) Any() bool {
	for _, r := range f.Registry {
		if !r.Quiet {
			return true
		}
	}
	return f.Template != nil && f.Template.Shared >= TemplateShare || f.Unchanged != nil && f.Unchanged.Redated
}
