package index

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/s54dev/s54/statement"
)

// filterFields are the query's field:value filters on keyword fields.
var filterFields = map[string]string{
	"region": "region", "sector": "sector", "rating": "rating", "company": "company_number",
	"company_number": "company_number", "met": "met", "partial": "partial", "missing": "missing",
}

// request turns the query into Bleve's.
func (q Query) request() (*bleve.SearchRequest, query.Query, error) {
	words, filters, err := q.parse()
	if err != nil {
		return nil, nil, err
	}
	var phrase query.Query
	var must []query.Query
	if strings.TrimSpace(words) != "" {
		exclusionsOnly := onlyExclusions(words)
		if exclusionsOnly {
			// "-training" alone: everything but; Bleve's query string
			// matches nothing without a positive part
			var pos []string
			for _, t := range tokens(words) {
				pos = append(pos, strings.TrimPrefix(t, "-"))
			}
			words = strings.TrimSpace(strings.Join(pos, " "))
			if words == "" {
				return nil, nil, fmt.Errorf("%w: a lone - excludes nothing", ErrQuery)
			}
		}
		parsed, err := bleve.NewQueryStringQuery(words).Parse()
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "parse error: ")
			if msg == "syntax error" {
				msg += " (look at the quotes, a lone + or -, and field:value pairs)"
			}
			return nil, nil, fmt.Errorf("%w: %s", ErrQuery, msg)
		}
		if exclusionsOnly {
			b := bleve.NewBooleanQuery()
			b.AddMust(bleve.NewMatchAllQuery())
			b.AddMustNot(parsed)
			parsed = b
		} else if plain := plainWords(words); strings.Contains(plain, " ") {
			// the words as a phrase rank first (see Search)
			p := bleve.NewMatchPhraseQuery(plain)
			p.SetField("text")
			phrase = p
		}
		must = append(must, parsed)
	}
	must = append(must, filters...)
	// current statements only unless AllVersions: Search picks the part
	var root query.Query = bleve.NewMatchAllQuery()
	if len(must) > 0 {
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
	return req, phrase, nil
}

// parse takes the filters out of the text; the rest is for Bleve's query
// string (words, "phrases", -exclusions, +musts).
func (q Query) parse() (string, []query.Query, error) {
	var filters []query.Query
	term := func(field, value string) {
		t := bleve.NewTermQuery(value)
		t.SetField(field)
		filters = append(filters, t)
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
		filters = append(filters, r)
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
				return "", nil, fmt.Errorf("%w: %s: a word may differ by 2 letters at most (~2)", ErrQuery, tok)
			}
		}
		if isPlainWord(tok) {
			// every word must appear: staff expect "agency labour" to
			// find statements about both, not either
			tok = "+" + tok
		}
		field, value, ok := strings.Cut(tok, ":")
		field = strings.ToLower(field)
		if !ok || strings.HasPrefix(tok, `"`) || strings.HasPrefix(tok, "-") || strings.HasPrefix(tok, "+") {
			rest = append(rest, tok)
			continue
		}
		value = strings.Trim(value, `"`)
		switch {
		case field == "year":
			if err := year(value); err != nil {
				return "", nil, err
			}
		case filterFields[field] != "":
			if value == "" {
				return "", nil, fmt.Errorf("%w: %s: needs a value", ErrQuery, field)
			}
			if field == "met" || field == "partial" || field == "missing" {
				if !knownCriterion(value) {
					return "", nil, fmt.Errorf("%w: %s:%s — no such criterion (one of %s)", ErrQuery, field, value, criterionList())
				}
			}
			if field == "rating" || field == "region" {
				value = strings.ToLower(value)
			}
			term(filterFields[field], value)
		default:
			rest = append(rest, tok)
		}
	}
	if q.Region != "" {
		term("region", strings.ToLower(q.Region))
	}
	if q.Sector != "" {
		term("sector", q.Sector)
	}
	if q.Rating != "" {
		term("rating", strings.ToLower(q.Rating))
	}
	if q.Year != 0 {
		if err := year(strconv.Itoa(q.Year)); err != nil {
			return "", nil, err
		}
	}
	return strings.Join(rest, " "), filters, nil
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

// plainWords are the query's unquoted words that are neither excluded nor
// operators, in order: the phrase to rank first. A quoted phrase is a
// phrase already.
func plainWords(s string) string {
	var out []string
	for _, t := range tokens(s) {
		if strings.HasPrefix(t, "-") || strings.Contains(t, ":") || strings.Contains(t, `"`) {
			continue
		}
		t = strings.TrimPrefix(t, "+")
		if strings.ContainsAny(t, `~^*?/()\`) {
			continue
		}
		out = append(out, t)
	}
	return strings.Join(out, " ")
}

func knownCriterion(id string) bool {
	for _, c := range statement.AllCriteria {
		if string(c) == id {
			return true
		}
	}
	return false
}

func criterionList() string {
	names := make([]string, len(statement.AllCriteria))
	for i, c := range statement.AllCriteria {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}
