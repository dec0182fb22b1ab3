package index

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/s54dev/s54/statement"
)

// nameBoost weighs a word of the organisation's name against the same word
// in the text, so that a search for a name finds that organisation first.
const nameBoost = 3

// phrases are the query's plain words as a phrase, in the name and in the
// text: the statements with them rank first (see Search).
type phrases struct{ name, text query.Query }

// parsed is a query taken apart.
type parsed struct {
	// words are the plain words, in order, and phrases the "quoted" ones:
	// each must be in the text or in the organisation's name
	words, phrases []string
	// rest is for Bleve's query string: -exclusions, fuzzy~1 words,
	// wild* cards, other fields
	rest    string
	filters []query.Query
}

// request turns the query into Bleve's; phrases is nil unless the query
// has two or more plain words.
func (x *Index) request(q Query) (*bleve.SearchRequest, *phrases, error) {
	p, err := x.parse(q)
	if err != nil {
		return nil, nil, err
	}
	var must []query.Query
	var mustNot query.Query
	if rest := strings.TrimSpace(p.rest); rest != "" {
		exclusionsOnly := onlyExclusions(rest)
		if exclusionsOnly {
			// "-training" alone: everything but; Bleve's query string
			// matches nothing without a positive part
			var pos []string
			for _, t := range tokens(rest) {
				pos = append(pos, strings.TrimPrefix(t, "-"))
			}
			rest = strings.TrimSpace(strings.Join(pos, " "))
			if rest == "" {
				return nil, nil, fmt.Errorf("%w: a lone - excludes nothing", ErrQuery)
			}
		}
		qs, err := bleve.NewQueryStringQuery(rest).Parse()
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "parse error: ")
			if msg == "syntax error" {
				msg += " (look at the quotes, a lone + or -, and field:value pairs)"
			}
			return nil, nil, fmt.Errorf("%w: %s", ErrQuery, msg)
		}
		if exclusionsOnly {
			mustNot = qs
		} else {
			must = append(must, qs)
		}
	}
	// every word and phrase must appear, in the text or in the name: staff
	// expect "agency labour" to find statements about both, not either
	searched := 0
	for i, w := range slices.Concat(p.words, p.phrases) {
		if len(x.analyzer.Analyze([]byte(w))) == 0 {
			continue // stop words
		}
		must = append(must, inTextOrName(w, i >= len(p.words)))
		if i < len(p.words) {
			searched++
		}
	}
	if len(p.words)+len(p.phrases) > 0 && len(must) == 0 && mustNot == nil {
		// only stop words: nothing to look for
		must = append(must, bleve.NewMatchNoneQuery())
	}
	var ph *phrases
	if searched >= 2 {
		words := strings.Join(p.words, " ")
		name, text := bleve.NewMatchPhraseQuery(words), bleve.NewMatchPhraseQuery(words)
		name.SetField("name")
		text.SetField("text")
		ph = &phrases{name: name, text: text}
	}
	must = append(must, p.filters...)
	// current statements only unless AllVersions: Search picks the part
	var root query.Query = bleve.NewMatchAllQuery()
	switch {
	case mustNot != nil:
		b := bleve.NewBooleanQuery()
		if len(must) == 0 {
			must = append(must, bleve.NewMatchAllQuery())
		}
		b.AddMust(must...)
		b.AddMustNot(mustNot)
		root = b
	case len(must) > 0:
		root = bleve.NewConjunctionQuery(must...)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	req := bleve.NewSearchRequestOptions(root, limit, max(0, q.Offset), false)
	req.Fields = []string{"statement_id", "company_number", "name", "region", "sector", "url", "sha256",
		"year", "period_end", "rating", "score", "met", "partial", "missing", "latest", "checked_at"}
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField("text")
	for _, f := range []string{"rating", "region", "sector", "missing"} {
		req.AddFacet(f, bleve.NewFacetRequest(f, 20))
	}
	// a terms facet on the year as a keyword: numeric range facets cost
	// more, per hit
	req.AddFacet("year", bleve.NewFacetRequest("fy", 20))
	return req, ph, nil
}

// inTextOrName finds a word, or a phrase, in the statement's text or in
// the organisation's name (which weighs more).
func inTextOrName(w string, phrase bool) query.Query {
	if phrase {
		text, name := bleve.NewMatchPhraseQuery(w), bleve.NewMatchPhraseQuery(w)
		text.SetField("text")
		name.SetField("name")
		name.SetBoost(nameBoost)
		return bleve.NewDisjunctionQuery(text, name)
	}
	text, name := bleve.NewMatchQuery(w), bleve.NewMatchQuery(w)
	text.SetField("text")
	name.SetField("name")
	name.SetBoost(nameBoost)
	return bleve.NewDisjunctionQuery(text, name)
}

// parse takes the filters and the plain words out of the text; the rest is
// for Bleve's query string.
func (x *Index) parse(q Query) (parsed, error) {
	var p parsed
	term := func(field, value string) {
		t := bleve.NewTermQuery(value)
		t.SetField(field)
		p.filters = append(p.filters, t)
	}
	year := func(v string) error {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1000 || y > 9999 {
			return fmt.Errorf("%w: year:%s is not a year", ErrQuery, v)
		}
		lo, hi := float64(y), float64(y+1)
		incl, excl := true, false
		r := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &incl, &excl)
		r.SetField("year")
		p.filters = append(p.filters, r)
		return nil
	}
	var rest []string
	// no regular expressions (/…/): Bleve's refuse some only at search
	// time, and staff do not need them; "2024/25" is two words anyway
	text := strings.ReplaceAll(q.Text, "/", " ")
	for _, tok := range tokens(text) {
		// Bleve reads what follows ~ as a number: 1e1 is 10
		if _, after, ok := strings.Cut(tok, "~"); ok && after != "" {
			if n, err := strconv.ParseFloat(after, 64); err == nil && !(n >= 0 && n <= 2) {
				return p, fmt.Errorf("%w: %s: a word may differ by 2 letters at most (~2)", ErrQuery, tok)
			}
		}
		if w := strings.TrimPrefix(tok, "+"); isPlainWord(w) {
			p.words = append(p.words, w)
			continue
		} else if inner, ok := quoted(w); ok {
			p.phrases = append(p.phrases, inner)
			continue
		}
		field, value, ok := strings.Cut(tok, ":")
		field = strings.ToLower(field)
		if !ok || strings.HasPrefix(tok, `"`) || strings.HasPrefix(tok, "-") || strings.HasPrefix(tok, "+") {
			rest = append(rest, tok)
			continue
		}
		value = strings.Trim(value, `"`)
		if value == "" && (field == "year" || filterFields[field]) {
			return p, fmt.Errorf("%w: %s: needs a value", ErrQuery, field)
		}
		switch field {
		case "year":
			if err := year(value); err != nil {
				return p, err
			}
		case "region", "rating", "met", "partial", "missing":
			v, err := x.known(field, value)
			if err != nil {
				return p, err
			}
			term(field, v)
		case "sector":
			term(field, value)
		case "company", "company_number":
			f, err := x.company(field, value)
			if err != nil {
				return p, err
			}
			p.filters = append(p.filters, f)
		default:
			rest = append(rest, tok)
		}
	}
	for _, f := range [][2]string{{"region", q.Region}, {"rating", q.Rating}} {
		if f[1] != "" {
			v, err := x.known(f[0], f[1])
			if err != nil {
				return p, err
			}
			term(f[0], v)
		}
	}
	if q.Sector != "" {
		term("sector", q.Sector)
	}
	if q.Year != 0 {
		if err := year(strconv.Itoa(q.Year)); err != nil {
			return p, err
		}
	}
	p.rest = strings.Join(rest, " ")
	return p, nil
}

// filterFields are the query's field:value filters.
var filterFields = map[string]bool{"region": true, "sector": true, "rating": true, "company": true,
	"company_number": true, "met": true, "partial": true, "missing": true}

// known checks a filter's value against the values the field takes:
// regions (when SetRegions named them), ratings, criteria. An unknown one
// is an error that names them, as s54 register --region says.
func (x *Index) known(field, value string) (string, error) {
	value = strings.ToLower(value)
	var known []string
	what := field
	switch field {
	case "region":
		if x.regions == nil {
			return value, nil
		}
		known = x.regions
	case "rating":
		known = ratings
	default: // met, partial, missing
		what = "criterion"
		for _, c := range statement.AllCriteria {
			known = append(known, string(c))
		}
	}
	if !slices.Contains(known, value) {
		return "", &unknownValue{what: what, value: value, known: known}
	}
	return value, nil
}

// unknownValue is a filter's value that the field does not take: a query
// error (ErrQuery) that says so as s54 register --region does.
type unknownValue struct {
	what, value string
	known       []string
}

func (e *unknownValue) Error() string {
	return fmt.Sprintf("unknown %s %q (known: %s)", e.what, e.value, strings.Join(e.known, ", "))
}

func (e *unknownValue) Is(target error) bool { return target == ErrQuery }

// ratings, from worst to best.
var ratings = []string{string(statement.BelowMinimum), string(statement.Minimum), string(statement.Good), string(statement.Strong)}

// company is the company: filter: a company number, whose zeros may be
// left out ("1000002", "SC123"), or the organisation's name as a phrase
// in its name, accents and case aside ("Northgate Apparel").
func (x *Index) company(field, value string) (query.Query, error) {
	takes := `a company number (company:01234567, company:SC123456) or an organisation's name (company:"Northgate Apparel")`
	if field == "company_number" {
		takes = "a company number (company_number:01234567, company_number:SC123456)"
	}
	number, isNumber, valid := companyNumber(value)
	switch {
	case isNumber && !valid:
		return nil, fmt.Errorf("%w: %s:%s is not a company number; %s: takes %s", ErrQuery, field, value, field, takes)
	case isNumber:
		t := bleve.NewTermQuery(number)
		t.SetField("company_number")
		return t, nil
	case field == "company" && len(x.analyzer.Analyze([]byte(value))) > 0:
		m := bleve.NewMatchPhraseQuery(value)
		m.SetField("name")
		return m, nil
	}
	return nil, fmt.Errorf("%w: %s:%s is not a company number or a name; %s: takes %s", ErrQuery, field, value, field, takes)
}

// companyNumber reads v as a Companies House number, in the register's
// eight characters: "4830352" is "04830352", "sc123" "SC000123"; R0000035
// and IP28985R are kept. isNumber is false for what reads as a name; valid
// is false for a number that cannot be one (too long, all zeros).
func companyNumber(v string) (number string, isNumber, valid bool) {
	n := strings.ToUpper(strings.Join(strings.Fields(v), ""))
	letters, digits := 0, 0
	for letters < len(n) && n[letters] >= 'A' && n[letters] <= 'Z' {
		letters++
	}
	alnum := true
	for i := 0; i < len(n); i++ {
		switch c := n[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c < 'A' || c > 'Z':
			alnum = false
		}
	}
	switch {
	case digits > 0 && letters+digits == len(n) && (letters == 0 || letters == 2):
		if len(n) > 8 || letters == 0 && strings.Trim(n, "0") == "" {
			return "", true, false
		}
		return n[:letters] + strings.Repeat("0", 8-len(n)) + n[letters:], true, true
	case len(n) == 8 && alnum && digits >= 4:
		// other shapes on official lists: R0000035 (an old Northern
		// Ireland number), IP28985R (a registered society)
		return n, true, true
	}
	return "", false, false
}

// quoted is the phrase inside a "quoted phrase"; one with a quote or an
// escape inside is left to Bleve's parser.
func quoted(t string) (string, bool) {
	if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' {
		return "", false
	}
	inner := t[1 : len(t)-1]
	if strings.ContainsAny(inner, `"\`) {
		return "", false
	}
	return inner, true
}

// isPlainWord: a word with no operator, field, quote or special syntax.
func isPlainWord(t string) bool {
	if t == "" || strings.ContainsAny(t, `+-"~^*?/()\:`) {
		return false
	}
	switch t {
	case "AND", "OR", "NOT", "&&", "||":
		return false
	}
	return true
}

// tokens splits a query on spaces outside quotes: `a "b c" -d x:"e f"`
// gives a, "b c", -d, x:"e f". An unbalanced quote is left for Bleve's
// parser to report.
func tokens(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case unicode.IsSpace(r) && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// onlyExclusions reports whether every part of the query string excludes.
func onlyExclusions(s string) bool {
	ts := tokens(s)
	for _, t := range ts {
		if !strings.HasPrefix(t, "-") {
			return false
		}
	}
	return len(ts) > 0
}
