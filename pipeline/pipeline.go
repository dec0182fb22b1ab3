// Package pipeline runs a crawl end to end: for each organisation, the
// crawler finds and fetches its statement, extract reads the text, the
// checker assesses it, and the store records the outcome, the document and
// the assessment together. cmd (s54 crawl, the scheduler) and web use it.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// Pipeline holds what a crawl needs.
type Pipeline struct {
	Store   *store.Store
	Crawler *crawler.Crawler
	Checker *checker.Checker
	// Extract bounds the reading of each document. PDFs are read in
	// worker processes (extract's pool).
	Extract extract.Options
	// Concurrency is the number of sites visited at once.
	Concurrency int
	// Now is the clock for `current`; nil is time.Now.
	Now func() time.Time
	// Progress, when set, is called after each organisation, one call at a
	// time.
	Progress func(Event)
	// Index, when set, receives every statement version assessed, and
	// learns which version is each organisation's current one.
	Index *index.Index
	// Region names the region of a postcode for the index ("" for none).
	Region func(postcode string) string
	// By names who starts the run ("schedule", a staff member's name, "s54
	// crawl (user)"), and AllowPrivate says its crawler may reach private
	// addresses: both recorded with a new run, for whoever resumes it.
	By           string
	AllowPrivate bool
	// Started, when set, is called once the run is recorded, before the
	// first organisation: with its id, whether it resumes one, and the
	// organisations done before and to do in all.
	Started func(Summary)
}

// Stop is the cause a crawl's context is cancelled with to stop its run
// on request (context.WithCancelCause): the run is recorded stopped, by
// whom, not interrupted, and only a run for the same selection resumes
// it. Crawl returns it as its error.
type Stop struct {
	By string
}

func (s *Stop) Error() string { return "crawl: stopped by " + s.By }

// Event reports one organisation done.
type Event struct {
	Org     store.OrgRecord
	Outcome statement.RegisterStatus
	URL     string
	Reason  string
	Rating  statement.Rating // "" when nothing was assessed
	// NewVersion: the statement had not been seen before.
	NewVersion bool
	// OCR: the statement is a scan, read by OCR.
	OCR   bool
	Done  int // organisations done so far in this run, resumed ones included
	Total int

	indexErr error
}

// Summary is how a run went.
type Summary struct {
	RunID int64
	// Resumed: the run continued one that had been interrupted; Skipped
	// organisations were done before.
	Resumed bool
	Skipped int
	Total   int
	Done    int
	// NoWebsite organisations have neither a website nor a known
	// statement URL: nothing to crawl.
	NoWebsite   int
	Outcomes    map[statement.RegisterStatus]int
	NewVersions int
	// OCR counts the statements that were scans, read by OCR.
	OCR      int
	Requests int
	// IndexFailures counts organisations whose results are in the
	// register but not in the search index (s54 index rebuild mends it).
	IndexFailures int
	Interrupted   bool
	// StoppedBy names who stopped the run, when it was stopped on
	// request (Interrupted is set too).
	StoppedBy string
	Elapsed   time.Duration
}

// String is the summary in one line.
func (s Summary) String() string {
	var parts []string
	for _, o := range statement.CrawlOutcomes {
		if n := s.Outcomes[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ReplaceAll(string(o), "_", " ")))
		}
	}
	line := fmt.Sprintf("%d of %d organisations crawled", s.Done, s.Total)
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	line += fmt.Sprintf("; %d new statement versions; %d requests in %s", s.NewVersions, s.Requests, s.Elapsed.Round(time.Millisecond))
	if s.Resumed {
		line += fmt.Sprintf("; resumed run %d, %d done before", s.RunID, s.Skipped)
	}
	if s.OCR > 0 {
		line += fmt.Sprintf("; %d scanned statements read by OCR", s.OCR)
	}
	if s.NoWebsite > 0 {
		line += fmt.Sprintf("; %d without a website skipped", s.NoWebsite)
	}
	if s.IndexFailures > 0 {
		line += fmt.Sprintf("; the search index missed %d organisations (run s54 index rebuild)", s.IndexFailures)
	}
	return line
}

// Crawl crawls the organisations. selection names them ("all", "region
// hampshire-iow", …): an interrupted run for the same selection is resumed,
// skipping the organisations it recorded. Per-site failures are recorded,
// not returned; the error is for the run itself (the register cannot be
// written). When ctx is cancelled the run stops cleanly, records what was
// done, and returns the summary with Interrupted set and ctx's error.
func (p *Pipeline) Crawl(ctx context.Context, orgs []store.OrgRecord, selection string) (Summary, error) {
	start := time.Now()
	sum := Summary{Outcomes: map[statement.RegisterStatus]int{}, Total: len(orgs)}
	// the run's bookkeeping must be written even when ctx is cancelled
	bg := context.WithoutCancel(ctx)
	run, unfinished, err := p.Store.UnfinishedRun(ctx)
	if err != nil {
		return sum, err
	}
	done := map[int64]bool{}
	resume := unfinished && run.Selection == selection
	if resume {
		sum.RunID, sum.Resumed = run.ID, true
		if done, err = p.Store.RunDone(ctx, run.ID); err != nil {
			return sum, err
		}
	} else if unfinished {
		if err := p.Store.FinishRun(ctx, run.ID, statement.RunAbandoned, "replaced by a run for "+selection); err != nil {
			return sum, err
		}
	}
	var todo []store.OrgRecord
	ids := make([]int64, 0, len(orgs))
	for _, o := range orgs {
		ids = append(ids, o.ID)
		switch {
		case done[o.ID]:
			sum.Skipped++
		case o.Website == "" && o.StatementURL == "":
			sum.NoWebsite++
		default:
			todo = append(todo, o)
		}
	}
	sum.Done = sum.Skipped
	total := sum.Total - sum.NoWebsite
	switch {
	case !resume:
		if sum.RunID, err = p.Store.BeginRun(ctx, store.NewRun{Selection: selection, By: p.By, OrgIDs: ids, Total: total,
			AllowPrivate: p.AllowPrivate}); err != nil {
			return sum, err
		}
	case run.Total != total:
		if err := p.Store.SetRunTotal(ctx, run.ID, total); err != nil {
			return sum, err
		}
	}
	if p.Started != nil {
		p.Started(sum)
	}

	workers := max(1, p.Concurrency)
	jobs := make(chan store.OrgRecord)
	var mu sync.Mutex // guards sum and Progress
	var fatal error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				ev, requests, err := p.one(ctx, sum.RunID, o)
				mu.Lock()
				sum.Requests += requests
				if ev.indexErr != nil {
					sum.IndexFailures++
				}
				switch {
				case err != nil && ctx.Err() != nil:
					// stopped part way: nothing recorded, the next run redoes it
				case err != nil:
					fatal = errors.Join(fatal, err)
				default:
					sum.Done++
					sum.Outcomes[ev.Outcome]++
					if ev.OCR {
						sum.OCR++
					}
					if ev.NewVersion {
						sum.NewVersions++
					}
					ev.Done, ev.Total = sum.Done, sum.Total-sum.NoWebsite
					if p.Progress != nil {
						p.Progress(ev)
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, o := range todo {
		mu.Lock()
		stop := fatal != nil
		mu.Unlock()
		if stop {
			break
		}
		select {
		case jobs <- o:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	sum.Elapsed = time.Since(start)
	switch {
	case fatal != nil:
		p.Store.FinishRun(bg, sum.RunID, statement.RunFailed, fatal.Error())
		return sum, fatal
	case ctx.Err() != nil:
		sum.Interrupted = true
		if stop, ok := errors.AsType[*Stop](context.Cause(ctx)); ok {
			sum.StoppedBy = stop.By
			if err := p.Store.StopRun(bg, sum.RunID, stop.By, sum.String()); err != nil {
				return sum, err
			}
			return sum, stop
		}
		if err := p.Store.FinishRun(bg, sum.RunID, statement.RunInterrupted, sum.String()); err != nil {
			return sum, err
		}
		return sum, ctx.Err()
	}
	return sum, p.Store.FinishRun(bg, sum.RunID, statement.RunCompleted, sum.String())
}

// one crawls one organisation and records the outcome. An error means the
// outcome could not be recorded (or the run was stopped).
func (p *Pipeline) one(ctx context.Context, runID int64, o store.OrgRecord) (Event, int, error) {
	ev := Event{Org: o}
	known, err := p.Store.KnownStatements(ctx, o.ID)
	if err != nil {
		return ev, 0, err
	}
	site := crawler.Site{Website: o.Website, KnownURL: o.StatementURL, Validators: map[string]crawler.Validator{}}
	byURL := map[string]store.KnownStatement{}
	for _, k := range known {
		if _, ok := byURL[k.URL]; ok {
			continue // the most recently seen document at that URL
		}
		byURL[k.URL] = k
		if k.ETag != "" || k.LastModified != "" {
			site.Validators[k.URL] = crawler.Validator{ETag: k.ETag, LastModified: k.LastModified}
		}
	}
	res := p.Crawler.Crawl(ctx, site)
	if err := ctx.Err(); err != nil {
		return ev, res.Requests, err
	}
	f := store.Fetch{RunID: runID, OrgID: o.ID, Outcome: res.Outcome, HTTPStatus: res.HTTPStatus,
		Error: res.Reason, Tried: res.Tried, HomepageLink: res.HomepageLink, LinkNeedsScript: res.LinkNeedsScript}
	if res.Hint != "" {
		f.Error = strings.TrimPrefix(f.Error+"; "+res.Hint, "; ")
	}
	var found []store.Assessed
	texts := map[string]string{} // by document SHA-256, for the index
	if res.Statement != nil {
		a, sha, text, err := p.assess(ctx, res.Statement, byURL, res.HomepageLink)
		f.URL, f.ETag, f.LastModified = redact(res.Statement.URL), res.Statement.ETag, res.Statement.LastModified
		f.DocumentSHA256 = sha
		switch {
		case ctx.Err() != nil:
			return ev, res.Requests, ctx.Err()
		case errors.Is(err, errStore):
			return ev, res.Requests, err
		case err != nil:
			f.Outcome, f.Error = statement.CrawlError, "cannot read the statement: "+oneline.Of(err.Error())
		case !a.IsStatement:
			// kept unchanged since it was taken, and not a statement by
			// today's rules: never recorded as one
			f.Outcome, f.Error = statement.NoStatement, f.URL+" is not a statement: "+a.NotStatement.Text
		default:
			found = append(found, store.Assessed{Version: version(o.ID, res.Statement, sha, res.HomepageLink), Assessment: a})
			texts[sha] = text
			ev.Rating = a.Rating
			ev.OCR = readByOCR(a.Notes)
		}
		for _, h := range res.History {
			a, sha, text, err := p.assess(ctx, h, byURL, nil)
			if errors.Is(err, errStore) || ctx.Err() != nil {
				return ev, res.Requests, errors.Join(err, ctx.Err())
			}
			if err == nil && a.IsStatement {
				found = append(found, store.Assessed{Version: version(o.ID, h, sha, nil), Assessment: a})
				texts[sha] = text
			}
		}
	}
	recs, err := p.Store.RecordCrawl(ctx, f, found, p.Checker.RulesID())
	if err != nil {
		return ev, res.Requests, err
	}
	ev.Outcome, ev.URL, ev.Reason = f.Outcome, f.URL, f.Error
	ev.NewVersion = len(recs) > 0 && recs[0].NewVersion && len(found) > 0 && found[0].Version.URL == f.URL
	if p.Index != nil && len(found) > 0 {
		ev.indexErr = p.index(ctx, o.ID, texts)
	}
	return ev, res.Requests, nil
}

// index puts the versions just assessed in the search index and marks the
// organisation's current one. The register is written already: a failure
// here is counted, not fatal.
func (p *Pipeline) index(ctx context.Context, orgID int64, texts map[string]string) error {
	var docs []index.Doc
	latest := map[int64]bool{}
	err := p.Store.Versions(ctx, orgID, func(v store.VersionRecord) error {
		if text, ok := texts[v.SHA256]; ok {
			docs = append(docs, IndexDoc(v, text, p.regionOf(v.Org.Postcode)))
		} else {
			latest[v.StatementID] = v.Latest
		}
		return nil
	})
	if err == nil {
		err = p.Index.Put(docs...)
	}
	if err == nil {
		err = p.Index.SetLatest(latest)
	}
	return err
}

func (p *Pipeline) regionOf(postcode string) string {
	if p.Region == nil {
		return ""
	}
	return p.Region(postcode)
}

// IndexDoc is the index's document for a statement version and its text.
func IndexDoc(v store.VersionRecord, text, region string) index.Doc {
	d := index.Doc{StatementID: v.StatementID, CompanyNumber: v.Org.CompanyNumber, Name: v.Org.Name,
		Region: region, Sector: v.Org.Sector, URL: v.URL, SHA256: v.SHA256, Year: v.PeriodEnd.Year,
		Rating: v.Assessment.Rating, Score: v.Assessment.Score, Latest: v.Latest, CheckedAt: v.CheckedAt, Text: text,
		Criteria: map[statement.CriterionID]statement.Status{}}
	if v.PeriodEnd.Year != 0 {
		d.PeriodEnd = time.Date(v.PeriodEnd.Year, time.Month(v.PeriodEnd.Month), v.PeriodEnd.Day, 0, 0, 0, 0, time.UTC)
	}
	for _, f := range v.Assessment.Criteria {
		d.Criteria[f.ID] = f.Status
	}
	return d
}

// errStore marks errors of the register, which stop the run, from errors
// of a document, which are the site's outcome.
var errStore = errors.New("register")

// assess keeps, reads and checks one fetched document. A document the
// server said is unchanged is read from its snapshot.
func (p *Pipeline) assess(ctx context.Context, d *crawler.Document, byURL map[string]store.KnownStatement, homepage *bool) (statement.Assessment, string, string, error) {
	body, contentType := d.Body, d.ContentType
	var sha string
	if d.NotModified {
		k, ok := byURL[d.URL]
		if !ok {
			return statement.Assessment{}, "", "", fmt.Errorf("the server said %s is unchanged, but no earlier copy is kept", d.URL)
		}
		data, err := p.Store.ReadDocument(k.DocumentSHA256)
		if err != nil {
			return statement.Assessment{}, "", "", fmt.Errorf("%w: %w", errStore, err)
		}
		body, contentType, sha = data, k.ContentType, k.DocumentSHA256
		// a 304 may omit validators: keep those of the copy
		if d.ETag == "" {
			d.ETag = k.ETag
		}
		if d.LastModified == "" {
			d.LastModified = k.LastModified
		}
	} else {
		var err error
		if sha, err = p.Store.SaveDocument(ctx, body, contentType); err != nil {
			return statement.Assessment{}, "", "", fmt.Errorf("%w: %w", errStore, err)
		}
	}
	text, err := extract.Bytes(ctx, body, d.URL, contentType, p.Extract)
	if err != nil {
		return statement.Assessment{}, sha, "", err
	}
	// kept, for the findings across statements (findings.go)
	if err := p.Store.SaveText(ctx, sha, text.Body); err != nil {
		return statement.Assessment{}, sha, "", fmt.Errorf("%w: %w", errStore, err)
	}
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	return p.Checker.CheckWith(text, checker.Facts{HomepageLink: homepage, Now: now}), sha, text.Body, nil
}

// readByOCR reports whether an assessment's notes say its text was read
// by OCR.
func readByOCR(notes []string) bool {
	for _, n := range notes {
		if strings.Contains(n, "by OCR") {
			return true
		}
	}
	return false
}

// ExtractOptions are the limits of reading a crawled document: the
// defaults, with a scan read by OCR when tesseract is installed, its first
// few pages, within a longer time.
func ExtractOptions() extract.Options {
	o := extract.DefaultOptions()
	if extract.OCRAvailable() {
		o.OCR, o.OCRPages, o.Timeout = true, crawlOCRPages, crawlOCRTime
	}
	return o
}

const (
	crawlOCRPages = 5
	crawlOCRTime  = time.Minute
)

// NewCrawler returns a crawler with opts that asks ck whether each
// candidate is a statement, as s54 crawl makes it.
func NewCrawler(opts crawler.Options, ck *checker.Checker) *crawler.Crawler {
	opts.IsStatement = IsStatement(ck, extract.DefaultOptions())
	return crawler.New(opts)
}

// IsStatement is the decision crawler.Options.IsStatement asks for: the
// candidate read and checked as it would be recorded. A document that
// cannot be read is left to the pipeline, which records why.
func IsStatement(ck *checker.Checker, eopts extract.Options) func(context.Context, *crawler.Document) *statement.NotStatementReason {
	return func(ctx context.Context, d *crawler.Document) *statement.NotStatementReason {
		text, err := extract.Bytes(ctx, d.Body, d.URL, d.ContentType, eopts)
		if err != nil {
			return nil
		}
		a := ck.Check(text)
		return a.NotStatement
	}
}

func version(orgID int64, d *crawler.Document, sha string, homepage *bool) store.Version {
	return store.Version{OrgID: orgID, URL: redact(d.URL), DocumentSHA256: sha, HomepageLink: homepage,
		ETag: d.ETag, LastModified: d.LastModified}
}

// redact drops a password from a URL before it is recorded: a link may
// carry one, the register must not.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return raw
}

// CheckURL reports whether a crawl with the crawler's limits could fetch
// an address (crawler.CheckURL: http or https, a public host): web checks
// the addresses staff give with it when it is given no other check.
func CheckURL(ctx context.Context, rawURL string) error {
	return crawler.CheckURL(ctx, rawURL, crawler.DefaultFetchOptions())
}
