package index

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// FuzzQuery: whatever staff type, search answers or says the query cannot
// be read; it never panics.
func FuzzQuery(f *testing.F) {
	for _, q := range []string{`agency labour`, `"agency labour" -vietnam`, `missing:training region:humber`,
		`year:2024`, `/ag.*y/`, `agency~2`, `+a -b "c d"`, `name:"x`, `((`, `a:b:c`, `*`, `-`, `year:99999999999999999999`, `B~1e1`,
		`"café row" labor`, `the of`, `company:"Northgate Apparel"`, `company:sc1`, `region:nowhere`} {
		f.Add(q)
	}
	x, err := Open(filepath.Join(f.TempDir(), Dir))
	if err != nil {
		f.Fatal(err)
	}
	defer x.Close()
	if err := x.Put(fixtures()...); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, err := x.Search(context.Background(), Query{Text: q, AllVersions: len(q)%2 == 0})
		if err != nil && !errors.Is(err, ErrQuery) {
			t.Errorf("%q: %v, want a result or a query error", q, err)
		}
	})
}
