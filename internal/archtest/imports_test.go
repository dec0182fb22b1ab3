// Package archtest checks that the packages import each other only in the
// directions DESIGN.md allows, so the layering cannot erode unnoticed.
package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/s54dev/s54/"

// allowed lists, for each top-level package, the project packages its
// non-test code may import (DESIGN.md, "who may import whom"). cmd and
// tools may import everything. Any package may use the internal/ helpers,
// each named here with what it is for; they import no project package but
// each other, unless listed.
var allowed = map[string][]string{
	"statement": {},
	// region (postcode regions) and orglist (organisation lists as
	// published) are leaves like statement; export writes the register as
	// CSV and XLSX for cmd and report.
	"region":  {},
	"orglist": {"statement"},
	"export":  {"statement"},
	"rules":   {"statement"},
	"extract": {"statement"},
	"checker": {"statement", "rules"},
	"crawler": {"statement"},
	"store":   {"statement", "region"},
	"index":   {"statement"},
	"report":  {"statement", "export"},
	// findings compares statements with the registry's claims, with other
	// organisations' statements and with the year before; pure, like
	// checker
	"findings": {"statement"},
	// pipeline runs crawl → extract → check → store (→ index) for cmd and web
	"pipeline": {"statement", "checker", "crawler", "extract", "store", "index", "findings"},
	"web":      {"statement", "region", "checker", "extract", "index", "store", "report", "export", "pipeline", "findings"},

	"internal/archtest":   {}, // this test
	"internal/atomicfile": {}, // files written whole or not at all
	"internal/csvcell":    {}, // no formula in a CSV cell
	"internal/dochost":    {}, // hosts of others' documents (CDNs, registries): never a website
	"internal/htmlbound":  {}, // untrusted HTML parsed within bounds
	"internal/lazyre":     {}, // regular expressions compiled on first use
	"internal/oneline":    {}, // text on one line, for messages
	"internal/procstat":   {}, // a process's memory figures from /proc
	"internal/wordcmp":    {}, // texts compared word by word (PDF extraction quality)
	"internal/testpdf":    {}, // small valid PDFs, for tests, benchmarks and the fake web
	// the sample web of company sites: embedded for s54 demo, crawled by
	// the tests; fakeweb serves it, and states the register status each
	// site should end with
	"internal/sampleweb": {},
	"internal/fakeweb":   {"statement"},
	// for tests only (testOnly): golden files, their diff and -update;
	// goroutines left behind
	"internal/golden":    {},
	"internal/leakcheck": {},
}

// testOnly are the helpers that only tests may import.
var testOnly = map[string]bool{"internal/golden": true, "internal/leakcheck": true}

func TestImportDirections(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	ours := repoFiles(t, root)
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if ours != nil && !ours[filepath.ToSlash(path)] {
			return nil // ignored by git: a scratch folder, not the project's
		}
		rel, _ := filepath.Rel(root, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		top := parts[0]
		if top == "cmd" || top == "tools" || len(parts) == 1 {
			return nil
		}
		pkg := top
		if top == "internal" {
			pkg = "internal/" + parts[1]
		}
		may, known := allowed[pkg]
		if !known {
			t.Errorf("%s: package %q is not in DESIGN.md's table; add it to this test", rel, pkg)
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			dep, ok := strings.CutPrefix(p, module)
			if !ok {
				continue
			}
			depTop := strings.Split(dep, "/")[0]
			if testOnly[dep] {
				t.Errorf("%s imports %s, which is for tests only", rel, p)
			}
			if depTop == top || depTop == "internal" {
				// internal/ holds small helpers (atomic files, lazy
				// regular expressions) any package may use; they import
				// no other project package
				continue
			}
			okDep := false
			for _, a := range may {
				okDep = okDep || a == depTop
			}
			if !okDep {
				t.Errorf("%s imports %s: %s may import only %v", rel, p, pkg, may)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// repoFiles are the Go files git tracks or would add (those it ignores
// left out), as paths from the working directory; nil outside a git
// checkout, when every file counts.
func repoFiles(t *testing.T, root string) map[string]bool {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.go")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	files := map[string]bool{}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f != "" {
			files[filepath.ToSlash(filepath.Join(root, f))] = true
		}
	}
	return files
}
