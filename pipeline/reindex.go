package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/index"
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

// Rebuild makes the search index at path again from the register: every
// statement version, its text read again from its snapshot. The old index
// serves until the new one is complete.
func Rebuild(ctx context.Context, st *store.Store, path string, opts extract.Options, region func(string) string) (RebuildStats, error) {
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
				data, err := st.ReadDocument(v.SHA256)
				if err == nil {
					text, xerr := extract.Bytes(ctx, data, v.URL, v.ContentType, opts)
					j.text, err = text.Body, xerr
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
	n, err := index.Rebuild(ctx, path, func(yield func(index.Doc) error) error {
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
	return stats, err
}
