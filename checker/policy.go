package checker

import "strings"

// namesPolicy reports whether span i names a policy of its own kind ("our
// Whistleblowing Policy", "the recruitment policies", "our policy on
// forced labour", a code), refers to one named before ("this policy") or
// introduces a list of them, rather than only gesturing at "our policies"
// or "the policies and procedures": the labelling guide asks for a named,
// relevant policy and what it does, and a sentence that says suppliers
// must follow "our policies" names none.
func (d *doc) namesPolicy(i int) bool {
	s := d.lowerText(i)
	if strings.HasSuffix(strings.TrimSpace(s), ":") || strings.Contains(s, "following") || strings.Contains(s, "include") {
		return true // the policies are listed after it
	}
	if i+1 < len(d.spans) && d.spans[i+1].section == d.spans[i].section {
		next := d.lowerText(i + 1)
		for _, intro := range listIntros {
			if strings.HasPrefix(next, intro) {
				return true // "... a number of policies in place. These include:"
			}
		}
	}
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'' || r == '-')
	})
	for k, w := range words {
		switch w {
		case "code", "codes", "charter":
			return true
		case "policy", "policies":
		default:
			continue
		}
		prev := ""
		if k > 0 {
			prev = strings.TrimSuffix(words[k-1], "'s")
		}
		switch {
		case !genericBeforePolicy[prev]:
			return true // "whistleblowing policy", "anti-slavery policies"
		case w == "policy" && (prev == "the" || prev == "this" || prev == "that" || prev == "its"):
			return true // a policy named before: "breaches of this policy"
		case k+1 < len(words) && policyTopicAfter[words[k+1]]:
			return true // "our policy on forced labour"
		}
	}
	return false
}

// listIntros open a sentence that lists what the one before named.
var listIntros = []string{"these include", "these are", "this includes", "they include", "they are", "including", "such as"}

// genericBeforePolicy are the words before "policy" that say whose or how
// many policies, not which.
var genericBeforePolicy = setOf("", "our", "the", "a", "an", "these", "those", "this", "that", "its", "their", "his", "her",
	"company", "companies", "group", "internal", "all", "other", "relevant", "existing", "such", "any", "which",
	"key", "various", "appropriate", "robust", "clear", "new", "current", "several", "corporate", "business",
	"wider", "related", "applicable", "own", "many", "number", "further", "formal", "written", "established",
	"documented", "following", "set", "suite", "range", "framework", "and", "or", "of", "in", "with", "to", "by",
	"under", "within", "through", "as", "for", "whose", "comprehensive", "strong", "effective", "specific",
	"organisational", "organizational", "in-house", "updated", "reviewed", "core", "main", "governing",
	"underpinning", "supporting", "associated", "general", "standard", "same", "similar")

// policyTopicAfter are the words after "policy" that say what it is on.
var policyTopicAfter = setOf("on", "against", "regarding", "concerning", "towards", "toward", "prohibiting", "relating")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
