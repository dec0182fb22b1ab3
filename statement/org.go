package statement

import (
	"fmt"
	"strings"
)

// Org is an organisation that may have to publish a statement.
type Org struct {
	// CompanyNumber is the Companies House number, normalised: eight
	// characters, digits zero-padded, prefixes such as SC, NI, OC, SO kept.
	// Empty for bodies without one (some public bodies, charities).
	CompanyNumber string `json:"company_number"`
	Name          string `json:"name"`
	// Website is the organisation's website (scheme and host), where the
	// crawler starts.
	Website string `json:"website,omitempty"`
	// WebsiteSource says where the website came from; empty when there
	// is none.
	WebsiteSource WebsiteSource `json:"website_source,omitempty"`
	Postcode      string        `json:"postcode,omitempty"`
	Sector        string        `json:"sector,omitempty"`
	SIC           string        `json:"sic,omitempty"`
	Turnover      Turnover      `json:"turnover"`
	// StatementURL is a statement already known (from the GOV.UK registry),
	// tried by the crawler besides the website.
	StatementURL string `json:"statement_url,omitempty"`
	// Source names the list the organisation was last imported from.
	Source string `json:"source,omitempty"`
}

// WebsiteSource says where an organisation's website came from. A website
// a person gave wins over one s54 worked out.
type WebsiteSource string

// Website sources, from the weakest.
const (
	// WebsiteDerived: the origin of a statement's address that a list
	// gave (the GOV.UK registry's StatementURL), on the organisation's own
	// host.
	WebsiteDerived WebsiteSource = "derived"
	// WebsiteFromList: a list of organisations gave it.
	WebsiteFromList WebsiteSource = "list"
	// WebsiteFromStaff: a member of staff set it in s54.
	WebsiteFromStaff WebsiteSource = "staff"
)

// rank orders the sources; an unknown one counts as a list's.
func (s WebsiteSource) rank() int {
	switch s {
	case WebsiteDerived:
		return 1
	case WebsiteFromStaff:
		return 3
	}
	return 2
}

// Replaces reports whether a website from s may replace a different one
// from old: a derived website never replaces one a person gave.
func (s WebsiteSource) Replaces(old WebsiteSource) bool { return s.rank() >= old.rank() }

// Stronger is the stronger of two sources of the same website.
func (s WebsiteSource) Stronger(other WebsiteSource) WebsiteSource {
	if other.rank() > s.rank() {
		return other
	}
	return s
}

// Key identifies an organisation across imports: its company number, or,
// without one, its name and postcode.
func (o *Org) Key() string {
	if o.CompanyNumber != "" {
		return o.CompanyNumber
	}
	return "name:" + strings.ToLower(strings.Join(strings.Fields(o.Name), " ")) + "|" + strings.ToUpper(strings.ReplaceAll(o.Postcode, " ", ""))
}

// ThresholdPounds is the turnover from which s.54 applies (The Modern
// Slavery Act 2015 (Transparency in Supply Chains) Regulations 2015).
const ThresholdPounds = 36_000_000

// Turnover is what is known of an organisation's turnover: a figure, a
// band, or nothing. Min and Max are in pounds; Max is 0 for an open band
// ("over £500m"); both are 0 when unknown.
type Turnover struct {
	Min  int64  `json:"min,omitempty"`
	Max  int64  `json:"max,omitempty"`
	Text string `json:"text,omitempty"`
}

// Known reports whether anything is known of the turnover.
func (t Turnover) Known() bool { return t.Min > 0 || t.Max > 0 }

// Scope says whether s.54 applies on turnover.
type Scope string

// Scopes.
const (
	InScope      Scope = "in_scope"
	OutOfScope   Scope = "out_of_scope"
	ScopeUnknown Scope = "unknown"
)

// Scope: in scope when the turnover is at least the threshold, out when
// it is below, unknown when not known or when a band straddles it.
func (t Turnover) Scope() Scope {
	switch {
	case !t.Known():
		return ScopeUnknown
	case t.Min >= ThresholdPounds:
		return InScope
	case t.Max > 0 && t.Max < ThresholdPounds:
		return OutOfScope
	}
	return ScopeUnknown
}

// String describes the turnover for people: "£36m–£60m", "over £500m".
func (t Turnover) String() string {
	switch {
	case !t.Known():
		return "unknown"
	case t.Max == 0:
		return "over " + pounds(t.Min)
	case t.Min == 0:
		return "under " + pounds(t.Max)
	case t.Min == t.Max:
		return pounds(t.Min)
	}
	return pounds(t.Min) + "–" + pounds(t.Max)
}

func pounds(n int64) string {
	switch {
	case n >= 1_000_000_000 && n%100_000_000 == 0:
		return fmt.Sprintf("£%gbn", float64(n)/1e9)
	case n >= 1_000_000:
		return fmt.Sprintf("£%gm", float64(n)/1e6)
	}
	return fmt.Sprintf("£%d", n)
}
