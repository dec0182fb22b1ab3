// Package index keeps every statement version in a Bleve (scorch) index
// for full-text search with filters, facets and highlighted passages. The
// index is derived data: the register is the record, and Rebuild makes the
// index again from it.
package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/s54dev/s54/statement"
)

// Dir is the index's folder name in the data directory.
const Dir = "index.bleve"

// Doc is one statement version as indexed.
type Doc struct {
	StatementID   int64
	CompanyNumber string
	Name          string
	Region        string
	Sector        string
	URL           string
	// SHA256 names the snapshot of the document.
	SHA256    string
	Year      int       // the year the financial period ends, 0 when unknown
	PeriodEnd time.Time // zero when unknown
	Rating    statement.Rating
	Score     int
	Criteria  map[statement.CriterionID]statement.Status
	// Latest: the organisation's current statement (the register's).
	Latest    bool
	CheckedAt time.Time
	Text      string
}

// ID is the document's id in the index.
func (d *Doc) ID() string { return docID(d.StatementID) }

func docID(statementID int64) string { return "v" + strconv.FormatInt(statementID, 10) }

// stored is the document as Bleve sees it; field names are the query's.
type stored struct {
	StatementID   float64  `json:"statement_id"`
	CompanyNumber string   `json:"company_number"`
	Name          string   `json:"name"`
	Region        string   `json:"region"`
	Sector        string   `json:"sector"`
	URL           string   `json:"url"`
	SHA256        string   `json:"sha256"`
	Year          float64  `json:"year"`
	YearTerm      string   `json:"fy,omitempty"` // the year as a keyword, for the facet
	PeriodEnd     string   `json:"period_end,omitempty"`
	Rating        string   `json:"rating"`
	Score         float64  `json:"score"`
	Met           []string `json:"met"`
	Partial       []string `json:"partial"`
	Missing       []string `json:"missing"`
	Latest        bool     `json:"latest"`
	CheckedAt     string   `json:"checked_at,omitempty"`
	Text          string   `json:"text"`
}

func (d *Doc) stored() stored {
	s := stored{StatementID: float64(d.StatementID), CompanyNumber: d.CompanyNumber, Name: d.Name,
		Region: d.Region, Sector: d.Sector, URL: d.URL, SHA256: d.SHA256, Year: float64(d.Year),
		Rating: string(d.Rating), Score: float64(d.Score), Latest: d.Latest, Text: d.Text}
	if d.Year != 0 {
		s.YearTerm = strconv.Itoa(d.Year)
	}
	if !d.PeriodEnd.IsZero() {
		s.PeriodEnd = d.PeriodEnd.UTC().Format(time.RFC3339)
	}
	if !d.CheckedAt.IsZero() {
		s.CheckedAt = d.CheckedAt.UTC().Format(time.RFC3339)
	}
	for id, st := range d.Criteria {
		switch st {
		case statement.Met:
			s.Met = append(s.Met, string(id))
		case statement.Partial:
			s.Partial = append(s.Partial, string(id))
		case statement.Missing:
			s.Missing = append(s.Missing, string(id))
		}
	}
	return s
}

// newMapping is the index's mapping: the statement's text with the
// analyser of analysis.go (English stemming and stop words, accents folded,
// British spelling), stored with positions for phrases and highlights; the
// organisation's name with the same analyser; keywords for filters and
// facets; numbers and a date. A change to it needs a new mappingVersion.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzer(m); err != nil {
		return nil, fmt.Errorf("index: mapping: %w", err)
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerName
	text.Store, text.IncludeTermVectors, text.IncludeInAll = true, true, false
	name := bleve.NewTextFieldMapping()
	name.Analyzer = analyzerName
	name.IncludeInAll = false
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.IncludeInAll, f.IncludeTermVectors = false, false
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.IncludeInAll = false
		return f
	}
	stmt := bleve.NewDocumentStaticMapping()
	stmt.AddFieldMappingsAt("text", text)
	stmt.AddFieldMappingsAt("name", name)
	for _, f := range []string{"company_number", "region", "sector", "rating", "met", "partial", "missing", "url", "sha256", "fy"} {
		stmt.AddFieldMappingsAt(f, kw())
	}
	for _, f := range []string{"statement_id", "year", "score"} {
		stmt.AddFieldMappingsAt(f, num())
	}
	pe := bleve.NewDateTimeFieldMapping()
	pe.IncludeInAll = false
	stmt.AddFieldMappingsAt("period_end", pe)
	ca := bleve.NewDateTimeFieldMapping()
	ca.IncludeInAll, ca.Index = false, false
	stmt.AddFieldMappingsAt("checked_at", ca)
	latest := bleve.NewBooleanFieldMapping()
	latest.IncludeInAll = false
	stmt.AddFieldMappingsAt("latest", latest)

	m.DefaultMapping = stmt
	m.DefaultAnalyzer = analyzerName
	m.DefaultField = "text"
	m.StoreDynamic, m.IndexDynamic = false, false
	return m, nil
}

// mappingVersion numbers newMapping and the analyser's tables (analysis.go,
// spelling.go); each part of the index records the one it was made with.
// Raise it with any change to them: an index made with an older one is
// made again from the register (ErrOldMapping). 1: none recorded; 2:
// accents folded, American spellings made British.
const mappingVersion = 2

// mappingKey is where the version is kept, in Bleve's internal store.
var mappingKey = []byte("s54_mapping_version")

// Index is an open index: two Bleve indexes in one folder, the current
// statement of each organisation in one and the earlier versions in the
// other. Staff search current statements unless they ask for every
// version, so most searches read a fifth of the index or less (an
// organisation gains a version a year). It is safe for concurrent use.
type Index struct {
	// mu guards the parts, which Replace swaps for new ones
	mu               sync.RWMutex
	current, history bleve.Index
	all              bleve.IndexAlias
	path             string
	// analyzer is the text's, for the words of a query
	analyzer analysis.Analyzer
	// regions are the region ids a search may filter on (SetRegions)
	regions []string
}

// Open opens the index at path, creating it if need be. An index made by
// an older s54, with another mapping, is not opened: the error is
// ErrOldMapping, and the caller makes it again from the register.
func Open(path string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); err == nil {
		// one Bleve index, before the current and history parts
		return nil, fmt.Errorf("index: %s: %w", path, ErrOldMapping)
	}
	if err := os.MkdirAll(path, 0o750); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	x := &Index{path: path}
	if err := x.openParts(); err != nil {
		return nil, err
	}
	return x, nil
}

// openParts opens the current and history parts at x.path.
func (x *Index) openParts() error {
	current, err := openBleve(filepath.Join(x.path, "current"))
	if err != nil {
		return err
	}
	history, err := openBleve(filepath.Join(x.path, "history"))
	if err != nil {
		current.Close()
		return err
	}
	x.current, x.history, x.all = current, history, bleve.NewIndexAlias(current, history)
	x.analyzer = current.Mapping().AnalyzerNamed(analyzerName)
	return nil
}

func openBleve(path string) (bleve.Index, error) {
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); errors.Is(err, os.ErrNotExist) {
		m, err := newMapping()
		if err != nil {
			return nil, err
		}
		b, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("index: create %s: %w", path, err)
		}
		if err := b.SetInternal(mappingKey, []byte(strconv.Itoa(mappingVersion))); err != nil {
			b.Close()
			return nil, fmt.Errorf("index: create %s: %w", path, err)
		}
		return b, nil
	}
	// bolt waits for ever for a lock another process holds: say so instead
	b, err := bleve.OpenUsing(path, map[string]interface{}{"bolt_timeout": "2s"})
	if err != nil {
		if strings.Contains(err.Error(), "timeout") {
			return nil, fmt.Errorf("index: %s: %w", path, ErrBusy)
		}
		return nil, fmt.Errorf("index: open %s: %w (s54 index rebuild makes it again from the register)", path, err)
	}
	v, err := b.GetInternal(mappingKey)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	version := 1
	if v != nil {
		version, _ = strconv.Atoi(string(v))
	}
	switch {
	case version < mappingVersion:
		b.Close()
		return nil, fmt.Errorf("index: %s: %w", path, ErrOldMapping)
	case version > mappingVersion:
		b.Close()
		return nil, fmt.Errorf("index: %s was made by a newer s54 (mapping %d; this one knows %d): use that one, or s54 index rebuild",
			path, version, mappingVersion)
	}
	return b, nil
}

// SetRegions names the region ids a search may filter on: another is an
// error that lists them. Set it before the first search.
func (x *Index) SetRegions(ids []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.regions = slices.Clone(ids)
}

// Close closes the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return errors.Join(x.current.Close(), x.history.Close())
}

// Count is the number of statement versions indexed.
func (x *Index) Count() (uint64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.all.DocCount()
}

// Put indexes documents (a version indexed again replaces the old one),
// in one batch per part.
func (x *Index) Put(docs ...Doc) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.put(docs)
}

func (x *Index) put(docs []Doc) error {
	if len(docs) == 0 {
		return nil
	}
	cur, hist := x.current.NewBatch(), x.history.NewBatch()
	for i := range docs {
		in, out := cur, hist
		if !docs[i].Latest {
			in, out = hist, cur
		}
		if err := in.Index(docs[i].ID(), docs[i].stored()); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		out.Delete(docs[i].ID())
	}
	for _, p := range []struct {
		b     bleve.Index
		batch *bleve.Batch
	}{{x.current, cur}, {x.history, hist}} {
		if p.batch.Size() == 0 {
			continue
		}
		if err := p.b.Batch(p.batch); err != nil {
			return fmt.Errorf("index: %w", err)
		}
	}
	return nil
}

// SetLatest marks which of an organisation's versions is its current one:
// latest maps statement ids to the flag they should have. Documents already
// right are left alone; the others move, indexed again from what the index
// stores.
func (x *Index) SetLatest(latest map[int64]bool) error {
	if len(latest) == 0 {
		return nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, docID(id))
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{"*"}
	res, err := x.all.Search(req)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	var again []Doc
	for _, h := range res.Hits {
		d := docOf(h.Fields)
		if want := latest[d.StatementID]; want != d.Latest {
			d.Latest = want
			again = append(again, d)
		}
	}
	return x.put(again)
}

// Rebuild makes a new index at path from docs, replacing the old one only
// when every document is in: a search meanwhile uses the old index, and a
// failure leaves it as it was. It returns the number of documents indexed.
//
// An index another process has open (s54 serve, a crawl) is not
// replaced: ErrBusy. Swapped under it, the other would go on writing to
// the old one, unseen.
func Rebuild(ctx context.Context, path string, docs func(yield func(Doc) error) error) (int, error) {
	held, err := hold(path)
	if err != nil {
		return 0, err
	}
	n, err := build(ctx, path+".new", docs)
	if held != nil {
		// released just before the swap (a folder open elsewhere cannot
		// be renamed on every system)
		held.Close()
	}
	if err != nil {
		return 0, err
	}
	return n, swapIn(path)
}

// hold opens the index at path, when there is one, for its lock: ErrBusy
// when another process has it. A damaged or old index is no obstacle:
// Rebuild is how it is made again.
func hold(path string) (*Index, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	x, err := Open(path)
	if errors.Is(err, ErrBusy) {
		return nil, err
	}
	if err != nil {
		return nil, nil
	}
	return x, nil
}

// Replace makes the open index again from docs, as Rebuild does, and goes
// on with the new one: searches meanwhile use the old, which a failure
// leaves as it was. Writes (Put) meanwhile go to the old index and are
// lost: the caller keeps them apart.
func (x *Index) Replace(ctx context.Context, docs func(yield func(Doc) error) error) (int, error) {
	n, err := build(ctx, x.path+".new", docs)
	if err != nil {
		return 0, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := errors.Join(x.current.Close(), x.history.Close()); err != nil {
		return 0, fmt.Errorf("index: %w", err)
	}
	swapErr := swapIn(x.path)
	// the new index, or the old one when it could not be put in place
	if err := x.openParts(); err != nil {
		return 0, errors.Join(swapErr, err)
	}
	return n, swapErr
}

// build makes a new index at tmp from docs and closes it, returning the
// number of documents indexed; on failure nothing is left at tmp.
func build(ctx context.Context, tmp string, docs func(yield func(Doc) error) error) (int, error) {
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("index: %w", err)
	}
	x, err := Open(tmp)
	if err != nil {
		return 0, err
	}
	n := 0
	const batchSize = 256
	var pending []Doc
	err = docs(func(d Doc) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		pending = append(pending, d)
		n++
		if len(pending) == batchSize {
			err := x.Put(pending...)
			pending = pending[:0]
			return err
		}
		return nil
	})
	if err == nil {
		err = x.Put(pending...)
	}
	if cerr := x.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(tmp)
		return 0, err
	}
	return n, nil
}

// swapIn puts the index built at path+".new" in place of the one at path.
func swapIn(path string) error {
	tmp, old := path+".new", path+".old"
	os.RemoveAll(old)
	if err := os.Rename(path, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		os.RemoveAll(tmp)
		return fmt.Errorf("index: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Rename(old, path) // the old one back, as it was
		return fmt.Errorf("index: %w", err)
	}
	os.RemoveAll(old)
	return nil
}

// docOf reads a document back from its stored fields.
func docOf(f map[string]interface{}) Doc {
	str := func(k string) string { s, _ := f[k].(string); return s }
	num := func(k string) float64 { n, _ := f[k].(float64); return n }
	list := func(k string) []string {
		switch v := f[k].(type) {
		case string:
			return []string{v}
		case []interface{}:
			out := make([]string, 0, len(v))
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return nil
	}
	d := Doc{StatementID: int64(num("statement_id")), CompanyNumber: str("company_number"), Name: str("name"),
		Region: str("region"), Sector: str("sector"), URL: str("url"), SHA256: str("sha256"), Year: int(num("year")),
		Rating: statement.Rating(str("rating")), Score: int(num("score")), Text: str("text"),
		Criteria: map[statement.CriterionID]statement.Status{}}
	d.Latest, _ = f["latest"].(bool)
	d.PeriodEnd, _ = time.Parse(time.RFC3339, str("period_end"))
	d.CheckedAt, _ = time.Parse(time.RFC3339, str("checked_at"))
	for field, st := range map[string]statement.Status{"met": statement.Met, "partial": statement.Partial, "missing": statement.Missing} {
		for _, c := range list(field) {
			d.Criteria[statement.CriterionID(c)] = st
		}
	}
	return d
}

// Doc returns a statement version as indexed, text included.
func (x *Index) Doc(ctx context.Context, statementID int64) (Doc, bool, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{docID(statementID)}), 1, 0, false)
	req.Fields = []string{"*"}
	res, err := x.all.SearchInContext(ctx, req)
	if err != nil {
		return Doc{}, false, fmt.Errorf("index: %w", err)
	}
	if len(res.Hits) == 0 {
		return Doc{}, false, nil
	}
	return docOf(res.Hits[0].Fields), true, nil
}
