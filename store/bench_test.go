package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/s54dev/s54/orglist"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/store"
)

// homeOfficePath is the real Home Office list in ../shared/corpus; the
// benchmarks that read it skip when it is absent.
func homeOfficePath(b *testing.B) string {
	path := filepath.Join("..", "..", "shared", "corpus", "registry", "govuk_msu_import_private_orgs_full.csv")
	if _, err := os.Stat(path); err != nil {
		b.Skip("no shared corpus")
	}
	return path
}

func readList(b *testing.B, path string) *orglist.List {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	list, err := orglist.Read(f, orglist.FormatAuto)
	if err != nil {
		b.Fatal(err)
	}
	return list
}

// BenchmarkImportHomeOffice reads the real Home Office list (16,212 rows,
// windows-1252) and imports it into an empty register: the target is under
// 3 s. Skips when ../shared/corpus is absent.
func BenchmarkImportHomeOffice(b *testing.B) {
	path := homeOfficePath(b)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		list := readList(b, path)
		if _, err := st.ImportOrgs(ctx, path, string(list.Format), list.Orgs, 0); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(16212, "rows")
}

// BenchmarkImport16k imports 16,212 generated organisations, so the figure
// exists without the corpus too.
func BenchmarkImport16k(b *testing.B) {
	ctx := context.Background()
	orgs := synthetic(16212)
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(ctx, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := st.ImportOrgs(ctx, "x.csv", "s54", orgs, 0); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkRegisterRegion queries the register of one region among 16,212
// organisations: the target is under 50 ms.
func BenchmarkRegisterRegion(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(16212), 0); err != nil {
		b.Fatal(err)
	}
	benchRegion(b, st, "hampshire-iow")
}

// BenchmarkRegisterRegionHomeOffice queries hampshire-iow in the register
// of the real Home Office list. Skips when ../shared/corpus is absent.
func BenchmarkRegisterRegionHomeOffice(b *testing.B) {
	path := homeOfficePath(b)
	list := readList(b, path)
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ImportOrgs(ctx, path, string(list.Format), list.Orgs, 0); err != nil {
		b.Fatal(err)
	}
	benchRegion(b, st, "hampshire-iow")
}

// benchRegion times the register query of one built-in region.
func benchRegion(b *testing.B, st *store.Store, id string) {
	set, err := region.Default()
	if err != nil {
		b.Fatal(err)
	}
	r, ok := set.Get(id)
	if !ok {
		b.Fatalf("no region %s", id)
	}
	var n int
	for b.Loop() {
		reg, err := st.Register(context.Background(), store.OrgFilter{Region: r})
		if err != nil {
			b.Fatal(err)
		}
		n = len(reg)
	}
	b.ReportMetric(float64(n), "orgs")
}
