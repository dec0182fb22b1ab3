package index

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/s54dev/s54/statement"
)

// Query is a search: words, "phrases" (in the statement's text or the
// organisation's name) and -exclusions in Text, with field filters there
// (region:humber year:2024 rating:good missing:training
// met:due_diligence partial:risk sector:… company:…) or in the fields.
type Query struct {
	Text   string
	Region string
	Sector string
	Rating string
	Year   int
	// AllVersions searches every version, not only each organisation's
	// current statement.
	AllVersions bool
	Limit       int // 10 when 0
	Offset      int
}

// Result is a page of hits with the facets of all of them.
type Result struct {
	Total  uint64
	Hits   []Hit
	Facets map[string][]FacetCount
	Took   time.Duration
}

// Hit is one statement version found.
type Hit struct {
	Doc
	// Relevance is Bleve's score.
	Relevance float64
	// Fragments are passages of the text around the words matched, with
	// the words in <mark>…</mark> and the rest HTML-escaped.
	Fragments []string
}

// ResultJSON is a result in DESIGN.md's search shape (with more fields).
type ResultJSON struct {
	Total  uint64                  `json:"total"`
	Hits   []HitJSON               `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"`
}

// HitJSON is a hit in DESIGN.md's search shape.
type HitJSON struct {
	CompanyNumber string           `json:"company_number"`
	Name          string           `json:"name"`
	Region        string           `json:"region"`
	Sector        string           `json:"sector"`
	StatementURL  string           `json:"statement_url"`
	Snapshot      string           `json:"snapshot"`
	Year          int              `json:"year"`
	PeriodEnd     *string          `json:"period_end"`
	Rating        statement.Rating `json:"rating"`
	Score         int              `json:"score"`
	Latest        bool             `json:"latest"`
	Missing       []string         `json:"missing"`
	Fragments     []string         `json:"fragments"`
}

// JSON is the result as the CLI and the API give it; snapshot names where
// a document's snapshot is found (a file, or a URL).
func (r *Result) JSON(snapshot func(sha string) string) ResultJSON {
	out := ResultJSON{Total: r.Total, Hits: []HitJSON{}, Facets: r.Facets}
	for _, h := range r.Hits {
		j := HitJSON{CompanyNumber: h.CompanyNumber, Name: h.Name, Region: h.Region, Sector: h.Sector,
			StatementURL: h.URL, Snapshot: snapshot(h.SHA256), Year: h.Year, Rating: h.Rating, Score: h.Score,
			Latest: h.Latest, Missing: []string{}, Fragments: h.Fragments}
		if !h.PeriodEnd.IsZero() {
			pe := h.PeriodEnd.Format("2006-01-02")
			j.PeriodEnd = &pe
		}
		for _, id := range statement.AllCriteria {
			if h.Criteria[id] == statement.Missing {
				j.Missing = append(j.Missing, string(id))
			}
		}
		if j.Fragments == nil {
			j.Fragments = []string{}
		}
		out.Hits = append(out.Hits, j)
	}
	return out
}

// FacetCount is one value of a facet and the number of hits with it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Search runs a query.
//
// When the query has two or more plain words, the statements that use them
// as a phrase rank first: those of an organisation so named, then those
// whose text has the phrase. Checking the phrase in every statement that has
// the words is most of the cost of a search, so it is checked in a window
// of the best-scored statements only (as search engines rescore): at least
// rescoreWindow, and always the page asked for.
func (x *Index) Search(ctx context.Context, q Query) (*Result, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	req, phrase, err := x.request(q)
	if err != nil {
		return nil, err
	}
	var b bleve.Index = x.current
	if q.AllVersions {
		b = x.all
	}
	if phrase == nil {
		res, err := b.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("index: search: %w", err)
		}
		return result(res, res.Hits), nil
	}
	// 1: the window by score, with the total and the facets
	page, from := req.Size, req.From
	req.Size, req.From = max(rescoreWindow, from+page), 0
	hl, fields := req.Highlight, req.Fields
	req.Highlight, req.Fields = nil, nil
	res, err := b.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	// 2: which of them have the phrase, in the name (first) or the text
	rank := map[string]int{}
	for _, p := range []struct {
		q      query.Query
		weight int
	}{{phrase.name, 2}, {phrase.text, 1}} {
		if len(ids) == 0 {
			break
		}
		pr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), p.q), len(ids), 0, false)
		pres, err := b.SearchInContext(ctx, pr)
		if err != nil {
			return nil, fmt.Errorf("index: search: %w", err)
		}
		for _, h := range pres.Hits {
			rank[h.ID] += p.weight
		}
	}
	slices.SortStableFunc(ids, func(a, b string) int { return rank[b] - rank[a] })
	ids = ids[min(from, len(ids)):min(from+page, len(ids))]
	// 3: the page's fields and passages
	var hits []*search.DocumentMatch
	if len(ids) > 0 {
		pr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), req.Query), len(ids), 0, false)
		pr.Highlight, pr.Fields = hl, fields
		pres, err := b.SearchInContext(ctx, pr)
		if err != nil {
			return nil, fmt.Errorf("index: search: %w", err)
		}
		byID := map[string]*search.DocumentMatch{}
		for _, h := range pres.Hits {
			byID[h.ID] = h
		}
		for _, id := range ids {
			if h := byID[id]; h != nil {
				hits = append(hits, h)
			}
		}
	}
	out := result(res, hits)
	out.Took = res.Took
	return out, nil
}

// rescoreWindow is how many of the best-scored statements are checked for
// the query's words as a phrase.
const rescoreWindow = 100

// result converts Bleve's result, with hits in the order given.
func result(res *bleve.SearchResult, hits search.DocumentMatchCollection) *Result {
	out := &Result{Total: res.Total, Took: res.Took, Facets: map[string][]FacetCount{}}
	for _, h := range hits {
		hit := Hit{Doc: docOf(h.Fields), Relevance: h.Score}
		hit.Text = "" // the caller wants passages, not the whole text
		hit.Fragments = h.Fragments["text"]
		out.Hits = append(out.Hits, hit)
	}
	for name, f := range res.Facets {
		var counts []FacetCount
		for _, t := range f.Terms.Terms() {
			counts = append(counts, FacetCount{Value: t.Term, Count: t.Count})
		}
		for _, r := range f.NumericRanges {
			if r.Count > 0 {
				counts = append(counts, FacetCount{Value: r.Name, Count: r.Count})
			}
		}
		slices.SortStableFunc(counts, func(a, b FacetCount) int { return b.Count - a.Count })
		out.Facets[name] = counts
	}
	return out
}
