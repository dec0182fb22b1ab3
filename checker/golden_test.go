package checker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// TestGolden checks every synthetic statement of testdata/statements and
// compares the JSON assessment with testdata/golden/<name>.json. Run
// `go test ./checker -run TestGolden -update` after a deliberate change
// and read the diff before committing it.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/statements/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no statements: %v", err)
	}
	ck := checker.Default()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		t.Run(name, func(t *testing.T) {
			text, err := extract.File(context.Background(), f, extract.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			text.Source = filepath.Base(f)
			a := ck.Check(text)
			got, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("../testdata/golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("assessment of %s differs from %s; run with -update and review the diff", f, golden)
			}
		})
	}
}

// TestGoldenVerdicts pins the verdict a reader expects of each synthetic
// statement, independently of the golden files' details.
func TestGoldenVerdicts(t *testing.T) {
	type want struct {
		rating statement.Rating
		met    []statement.CriterionID
		notMet []statement.CriterionID
	}
	all := statement.TextCriteria
	cases := map[string]want{
		"strong.txt": {rating: statement.Strong, met: all},
		"group.txt":  {rating: statement.Strong, met: all},
		"llp.md":     {rating: statement.Strong, met: all},
		"weak.txt": {rating: statement.BelowMinimum,
			notMet: []statement.CriterionID{statement.Approval, statement.Signature, statement.Period, statement.Structure,
				statement.DueDiligence, statement.Risk, statement.Effectiveness, statement.Training}},
		"boilerplate.txt": {rating: statement.BelowMinimum, notMet: all},
		"future_intentions.txt": {rating: statement.Minimum,
			met:    []statement.CriterionID{statement.Approval, statement.Signature, statement.Period, statement.Structure},
			notMet: []statement.CriterionID{statement.Policies, statement.DueDiligence, statement.Risk, statement.Effectiveness, statement.Training}},
	}
	ck := checker.Default()
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			text, err := extract.File(context.Background(), filepath.Join("../testdata/statements", name), extract.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			a := ck.Check(text)
			if a.Rating != w.rating {
				t.Errorf("rating %s, want %s", a.Rating, w.rating)
			}
			for _, id := range w.met {
				if s := a.Status(id); s != statement.Met {
					t.Errorf("%s: %s, want met", id, s)
				}
			}
			for _, id := range w.notMet {
				if s := a.Status(id); s == statement.Met {
					t.Errorf("%s: met, want not met (evidence %v)", id, a.Finding(id).Evidence)
				}
			}
		})
	}
}
