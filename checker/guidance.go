package checker

import (
	"strings"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

// The statutory guidance rewritten in March 2025 asks for more than the
// law's minimum: the date of the board's approval; the signer's name, role
// and date; the end date of the financial year covered; a group statement
// that names the entities it covers; and it
// treats "we found no slavery" as a sign that due diligence did not look
// hard enough. These are notes on the findings, and advice, never a change
// of status: the law's minimum stays the minimum.

const guidance2025 = "statutory guidance (2025)"

var (
	// noneFound: a sentence that says no slavery or risk was found: a
	// finding ("we found no instances", "we are not aware of any cases",
	// "no incidents were identified", "there were no reports"), not the
	// commitment most statements open with ("to ensure there is no slavery
	// in our supply chain"), which noneCommitment tells apart.
	noneFound = lazyre.New(`(?i)\b(?:` +
		`(?:found|identified|detected|discovered|uncovered|encountered|revealed|received|recorded|observed|had|reported)\s+no\s+(?:known\s+|reported\s+|actual\s+|confirmed\s+|evidence\s+of\s+|instances?\s+of\s+|cases?\s+of\s+)*(?:instances?|cases?|incidents?|evidence|examples?|occurrences?|issues?|concerns?|reports?|allegations?|breaches|violations|indications?|modern\s+slavery|slavery|human\s+trafficking|forced\s+labou?r)` +
		`|not\s+(?:yet\s+)?(?:been\s+)?(?:identified|found|detected|discovered|uncovered|encountered|aware\s+of|received|had)\s+any` +
		`|no\s+(?:[\w-]+\s+){0,6}?(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:identified|found|detected|discovered|uncovered|reported|raised|recorded|received|observed)` +
		`|there\s+(?:were|was|have\s+been|has\s+been)\s+no\s+(?:[\w-]+\s+){0,6}?(?:instances?|cases?|incidents?|reports?|concerns?|allegations?|breaches|violations|evidence)` +
		`|no\s+(?:known|reported|confirmed|identified|actual)\s+(?:instances?|cases?|incidents?|reports?|concerns?|allegations?|breaches|violations|evidence|modern\s+slavery|slavery)` +
		`)\b`)
	// noneCommitment: what, before "no slavery", makes it an aim.
	noneCommitment = lazyre.New(`(?i)\b(ensur\w*|make\s+sure|so\s+that|aim\w*|seek\w*|strive\w*|prevent\w*|commit\w*|tolerat\w*|would|should|must|will|goal|objective|hope)\b`)
	// groupWords: a statement made for a group of companies.
	groupWords = lazyre.New(`(?i)\b(subsidiar(y|ies)|group\s+compan(y|ies)|group\s+entities|entities\s+(within|in)\s+the\s+group|on\s+behalf\s+of\s+(the\s+)?(group|its\s+subsidiaries))\b`)
	// legalForm ends a company's name.
	legalForm = lazyre.New(`\b(?:Limited|Ltd|LIMITED|LTD|plc|PLC|LLP|Inc|GmbH)\b`)
)

// groupNamesWithin: a group statement names its entities near its start.
const groupNamesWithin = 16 << 10

// guidanceNotes adds what the 2025 guidance asks beyond the law to the
// findings.
func (c *Checker) guidanceNotes(d *doc, a *statement.Assessment) {
	if f := a.Finding(statement.Approval); f != nil && f.Status == statement.Met && f.Note == "" &&
		(a.Approved == nil || a.Approved.Date.IsZero()) {
		f.Note = "the board's approval is not dated: the " + guidance2025 + " asks for the date of approval"
	}
	if f := a.Finding(statement.Signature); f != nil && f.Status == statement.Met && f.Note == "" &&
		a.SignedBy != nil && a.SignedBy.Date.IsZero() {
		f.Note = "the signature is not dated: the " + guidance2025 + " asks for the signer's name, role and date"
	}
	if f := a.Finding(statement.Period); f != nil && f.Status == statement.Met && f.Note == "" &&
		a.Period != nil && a.Period.Approximate {
		f.Note = "the financial year's end date is not given: the " + guidance2025 + " asks for it (\"the financial year ending 31 March 2025\")"
	}
	if f := a.Finding(statement.Risk); f != nil && f.Status != statement.NotApplicable {
		for i := range d.spans {
			if c.topic < 0 || !d.groups[i].has(c.topic) {
				continue
			}
			// the expression is slow; most sentences say neither word
			if l := d.lowerText(i); !strings.Contains(l, "no ") && !strings.Contains(l, "not ") && !strings.Contains(l, "nor ") {
				continue
			}
			if t := d.text(i); findsNone(t) && !c.statesTheLaw(d, i) {
				note := "the statement says no slavery or risk was found: the " + guidance2025 +
					" treats finding none as a sign that the due diligence did not look deep enough, and asks what was looked for and how"
				if f.Note != "" {
					note = f.Note + "; " + note
				}
				f.Note = note
				break
			}
		}
	}
	if f := a.Finding(statement.Structure); f != nil && f.Status != statement.NotApplicable && f.Note == "" &&
		mentionsGroup(d) && entities(d.body[:min(len(d.body), groupNamesWithin)]) < 2 {
		f.Note = "a group statement: the " + guidance2025 + " asks it to name the parent and each subsidiary it covers"
	}
}

// mentionsGroup reports whether the statement speaks of a group or its
// subsidiaries. The expression is asked of the sentences that hold one of
// its words only: over a whole statement, case-insensitive, it took a
// quarter of the checker's time.
func mentionsGroup(d *doc) bool {
	for i := range d.spans {
		l := d.lowerText(i)
		if (strings.Contains(l, "group") || strings.Contains(l, "subsidiar")) && groupWords().MatchString(d.text(i)) {
			return true
		}
	}
	return false
}

// findsNone reports whether sentence s says no slavery or risk was found,
// as a finding and not as an aim.
func findsNone(s string) bool {
	for _, m := range noneFound().FindAllStringIndex(s, -1) {
		if !noneCommitment().MatchString(s[:m[0]]) {
			return true
		}
	}
	return false
}

// entities counts the distinct companies named with their legal form: the
// capitalised words before "Limited", "plc" and the like.
func entities(text string) int {
	names := map[string]bool{}
	for _, m := range legalForm().FindAllStringIndex(text, 100) {
		words := strings.Fields(text[max(0, m[0]-80):m[0]])
		k := len(words)
		for k > 0 && len(words)-k < 5 && startsUpperWord(words[k-1]) {
			k--
		}
		if k < len(words) {
			names[strings.Join(words[k:], " ")] = true
		}
	}
	return len(names)
}

func startsUpperWord(w string) bool {
	return w != "" && (w[0] >= 'A' && w[0] <= 'Z' || w[0] == '&')
}
