package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// RebuildStats says what a rebuild did.
type RebuildStats struct {
	Indexed int
	// Unreadable versions: their snapshot is missing or can no longer be
	// read; the first error says why.
	Unreadable int
	FirstError error
}

// Into is where a rebuild puts the index it makes.
type Into func(ctx context.Context, docs func(yield func(index.Doc) error) error) (int, error)

// IntoFolder makes the index in a folder no process has open
// (index.Rebuild).
func IntoFolder(path string) Into {
	return func(ctx context.Context, docs func(yield func(index.Doc) error) error) (int, error) {
		return index.Rebuild(ctx, path, docs)
	}
}

// IntoOpen makes the index x anew, which goes on serving (index.Replace):
// s54 serve's.
func IntoOpen(x *index.Index) Into { return x.Replace }

// Rebuild makes the search index again from the register: every
// statement version, its text read again from its snapshot. The old index
// serves until the new one is complete.
func Rebuild(ctx context.Context, st *store.Store, into Into, opts extract.Options, region func(string) string) (RebuildStats, error) {
	return rebuild(ctx, st, into, opts, region, nil)
}

// rebuild is Rebuild, with each version's text given to visit (when not
// nil) before it is indexed: visit may change the version's assessment,
// and its error stops the rebuild.
func rebuild(ctx context.Context, st *store.Store, into Into, opts extract.Options, region func(string) string,
	visit func(context.Context, *store.VersionRecord, statement.Text) error) (RebuildStats, error) {
	var stats RebuildStats
	type job struct {
		v    store.VersionRecord
		text string
		err  error
	}
	workers := max(2, runtime.NumCPU())
	in := make(chan store.VersionRecord)
	out := make(chan job)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var fatalErr error
	var fatalOnce sync.Once
	fatal := func(err error) {
		fatalOnce.Do(func() { fatalErr = err; cancel() })
	}
	var readErr error
	go func() {
		defer close(in)
		readErr = st.Versions(ctx, 0, func(v store.VersionRecord) error {
			select {
			case in <- v:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range in {
				j := job{v: v}
				if visit == nil {
					// the text kept when the document was read, OCR included
					if text, ok, err := st.Text(ctx, v.SHA256); err == nil && ok {
						j.text = text
						select {
						case out <- j:
						case <-ctx.Done():
							return
						}
						continue
					}
				}
				data, err := st.ReadDocument(v.SHA256)
				if err == nil {
					var text statement.Text
					text, err = extract.Bytes(ctx, data, v.URL, v.ContentType, opts)
					j.text = text.Body
					if err == nil && visit != nil {
						if verr := visit(ctx, &j.v, text); verr != nil {
							fatal(verr)
							return
						}
					}
				}
				j.err = err
				select {
				case out <- j:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	regionOf := func(pc string) string {
		if region == nil {
			return ""
		}
		return region(pc)
	}
	n, err := into(ctx, func(yield func(index.Doc) error) error {
		for j := range out {
			if j.err != nil {
				stats.Unreadable++
				if stats.FirstError == nil {
					stats.FirstError = fmt.Errorf("statement %d (%s): %w", j.v.StatementID, j.v.URL, j.err)
				}
				continue
			}
			if err := yield(IndexDoc(j.v, j.text, regionOf(j.v.Org.Postcode))); err != nil {
				return err
			}
		}
		return readErr
	})
	stats.Indexed = n
	if fatalErr != nil {
		return stats, fatalErr
	}
	return stats, err
}

// RecheckStats says what a recheck did.
type RecheckStats struct {
	RebuildStats
	// Reassessed versions were checked again with the current rules;
	// RatingChanged of them changed rating; Current ones were assessed
	// with these rules already.
	Reassessed, RatingChanged, Current int
	// NotStatements are versions the current rules do not read as
	// statements: their earlier assessment is kept, and they are listed.
	NotStatements []string
}

// Recheck assesses every statement version again, from its snapshot, with
// ck's rules (those already assessed with them only when all is set), so
// that the register, the search index and the reports that follow are on
// one scale; the index is made again with the new verdicts.
func Recheck(ctx context.Context, st *store.Store, ck *checker.Checker, into Into, opts extract.Options,
	region func(string) string, all bool, now time.Time) (RecheckStats, error) {
	var rs RecheckStats
	var mu sync.Mutex
	rules := ck.RulesID()
	stats, err := rebuild(ctx, st, into, opts, region, func(ctx context.Context, v *store.VersionRecord, text statement.Text) error {
		if v.Rules == rules && !all {
			mu.Lock()
			rs.Current++
			mu.Unlock()
			return nil
		}
		a := ck.CheckWith(text, checker.Facts{HomepageLink: v.HomepageLink, Now: now})
		if !a.IsStatement {
			mu.Lock()
			rs.NotStatements = append(rs.NotStatements, fmt.Sprintf("%s %s: %s", v.Org.CompanyNumber, v.URL, a.NotStatement.Kind))
			mu.Unlock()
			return nil
		}
		if err := st.Reassess(ctx, v.StatementID, a, rules); err != nil {
			return err
		}
		mu.Lock()
		rs.Reassessed++
		if a.Rating != v.Assessment.Rating {
			rs.RatingChanged++
		}
		mu.Unlock()
		v.Assessment = a
		if a.Period != nil {
			v.PeriodEnd = a.Period.End
		}
		return nil
	})
	rs.RebuildStats = stats
	return rs, err
}
