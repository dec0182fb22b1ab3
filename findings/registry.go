// Package findings holds what s54 finds beyond a statement's verdict, by
// comparing it with other things: what the organisation told the GOV.UK
// registry (registry.go), other organisations' statements (template.go)
// and its own statement of the year before (unchanged.go). It is pure: the
// caller brings the statements, claims and texts from the register.
package findings

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/s54dev/s54/statement"
)

// Version is an assessed statement of an organisation.
type Version struct {
	URL        string
	PeriodEnd  statement.Date
	Assessment statement.Assessment
}

// registryAreas are the registry's "statement includes" questions, in the
// order of its form, under our ids, with what each is in words.
var registryAreas = []struct {
	id    statement.CriterionID
	words string
}{
	{statement.Structure, "its organisation structure and supply chains"},
	{statement.Policies, "its policies on slavery and human trafficking"},
	{statement.Risk, "a risk assessment"},
	{statement.DueDiligence, "due diligence processes"},
	{statement.Training, "training on slavery and human trafficking"},
	{statement.Effectiveness, "goals or key performance indicators"},
}

// matchWindow: a claim whose statement period ends this close to a
// statement's is taken for the same statement.
const matchWindow = 3

// Registry compares each claim with the statement it is about, matched by
// URL (the statement's, or the registry's copy) or else by the end of the
// period (within three months), never by the registry's year alone, and
// returns the disagreements: a claim the text does not bear out, and,
// quietly, an area the text covers that the claim denies.
func Registry(claims []statement.RegistryClaim, versions []Version) []statement.RegistryFinding {
	var out []statement.RegistryFinding
	for _, c := range claims {
		v := matchClaim(c, versions)
		if v == nil {
			continue
		}
		out = append(out, Compare(c, v.Assessment, v.URL)...)
	}
	return out
}

// matchClaim finds the version a claim is about.
func matchClaim(c statement.RegistryClaim, versions []Version) *Version {
	for _, u := range []string{c.StatementURL, c.PDFURL} {
		if u == "" {
			continue
		}
		for i := range versions {
			if sameURL(u, versions[i].URL) {
				return &versions[i]
			}
		}
	}
	if c.PeriodEnd.IsZero() {
		return nil
	}
	var best *Version
	bestGap := time.Duration(1 << 62)
	for i := range versions {
		v := &versions[i]
		if v.PeriodEnd.IsZero() {
			continue
		}
		gap := c.PeriodEnd.Time().Sub(v.PeriodEnd.Time())
		if gap < 0 {
			gap = -gap
		}
		if gap <= monthsSpan(v.PeriodEnd, matchWindow) && gap < bestGap {
			best, bestGap = v, gap
		}
	}
	return best
}

func monthsSpan(d statement.Date, months int) time.Duration {
	t := d.Time()
	return t.AddDate(0, months, 0).Sub(t)
}

// sameURL compares two URLs as a person would: scheme, "www.", case of
// the host and a final slash aside.
func sameURL(a, b string) bool {
	return normURL(a) != "" && normURL(a) == normURL(b)
}

func normURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	return host + strings.TrimSuffix(u.EscapedPath(), "/") + "?" + u.RawQuery
}

// Compare sets a claim against the assessment of the statement it is
// about: for each area, a claim that it is included where the statement
// does not meet the criterion; the approval claimed where the statement
// says nothing of the board's; and, quietly, an area the claim denies and
// the statement covers. A claim the text bears out is not a finding.
func Compare(c statement.RegistryClaim, a statement.Assessment, statementURL string) []statement.RegistryFinding {
	var out []statement.RegistryFinding
	pe := c.PeriodEnd
	if a.Period != nil && !a.Period.End.IsZero() {
		pe = a.Period.End
	}
	for _, ar := range registryAreas {
		says, answered := c.Includes[ar.id]
		f := a.Finding(ar.id)
		if !answered || f == nil {
			continue
		}
		rf := statement.RegistryFinding{PeriodEnd: pe, Criterion: ar.id, RegistrySays: says, StatementStatus: f.Status,
			StatementURL: statementURL, Evidence: firstEvidence(f.Evidence, 2)}
		switch {
		case says && f.Status == statement.Missing:
			rf.Note = fmt.Sprintf("the registry says the statement includes %s; the statement describes none", ar.words)
		case says && f.Status == statement.Partial:
			rf.Note = fmt.Sprintf("the registry says the statement includes %s; the statement says little of it (%s)", ar.words, f.Note)
		case !says && f.Status == statement.Met:
			rf.Quiet = true
			rf.Note = fmt.Sprintf("the registry entry says the statement does not include %s, but it does", ar.words)
		default:
			continue
		}
		out = append(out, rf)
	}
	if f := a.Finding(statement.Approval); f != nil && (c.Approver != "" || !c.DateApproved.IsZero()) {
		claimed := strings.TrimSpace(c.Approver)
		if !c.DateApproved.IsZero() {
			claimed = strings.TrimSpace(claimed + " on " + c.DateApproved.String())
		}
		rf := statement.RegistryFinding{PeriodEnd: pe, Criterion: statement.Approval, RegistrySays: true,
			StatementStatus: f.Status, StatementURL: statementURL, Evidence: firstEvidence(f.Evidence, 1)}
		switch {
		case f.Status != statement.Met:
			rf.Note = fmt.Sprintf("the registry says it was approved by %s; the statement does not say the board approved it", claimed)
			out = append(out, rf)
		case a.Approved != nil && !a.Approved.Date.IsZero() && !c.DateApproved.IsZero() &&
			absDays(a.Approved.Date.Time().Sub(c.DateApproved.Time())) > 31:
			rf.Quiet = true
			rf.Note = fmt.Sprintf("the registry gives the approval as %s; the statement as %s", claimed, a.Approved.Date)
			out = append(out, rf)
		}
	}
	return out
}

func absDays(d time.Duration) int {
	if d < 0 {
		d = -d
	}
	return int(d / (24 * time.Hour))
}

func firstEvidence(ev []statement.Evidence, n int) []statement.Evidence {
	if len(ev) > n {
		ev = ev[:n]
	}
	return append([]statement.Evidence(nil), ev...)
}
