package rules_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/s54dev/s54/rules"
	"github.com/s54dev/s54/statement"
)

func TestDefault(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]statement.CriterionID{}, statement.TextCriteria...), statement.HomepageLink, statement.Timely, statement.Current)
	if len(set.Criteria) != len(want) {
		t.Fatalf("%d criteria, want %d", len(set.Criteria), len(want))
	}
	weights := 0
	for i, c := range set.Criteria {
		if c.ID != want[i] {
			t.Errorf("criterion %d is %s, want %s", i, c.ID, want[i])
		}
		if c.Advice == "" || c.Title == "" || c.Ref == "" || c.Description == "" {
			t.Errorf("%s: title, ref, description and advice are required", c.ID)
		}
		weights += c.Weight
	}
	if weights != 100 {
		t.Errorf("weights sum to %d, want 100 (the score is documented as out of 100)", weights)
	}
	for _, id := range []statement.CriterionID{statement.Approval, statement.Signature, statement.HomepageLink} {
		if !set.Criterion(id).Minimum {
			t.Errorf("%s must be part of the legal minimum", id)
		}
	}
	areas := 0
	for _, c := range set.Criteria {
		if c.Area {
			areas++
		}
	}
	if areas != 6 {
		t.Errorf("%d areas, want the six of s.54(5)", areas)
	}
}

func load(files map[string]string) error {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	_, err := rules.Load(fsys, "test")
	return err
}

const minimal = `id: %s
title: T
ref: R
applies_to: text
advice: A
patterns:
  - all: [[word]]
`

func allCriteria(extra map[string]string) map[string]string {
	files := map[string]string{}
	for _, id := range statement.TextCriteria {
		files[string(id)+".yaml"] = strings.Replace(minimal, "%s", string(id), 1)
	}
	for k, v := range extra {
		files[k] = v
	}
	return files
}

func TestLoadErrors(t *testing.T) {
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"empty dir":        {map[string]string{}, "no .yaml rule files"},
		"missing criteria": {map[string]string{"a.yaml": strings.Replace(minimal, "%s", "approval", 1)}, `criterion "signature" is missing`},
		"unknown field":    {allCriteria(map[string]string{"training.yaml": "id: training\ntitle: T\nref: R\napplies_to: text\nadvice: A\nbogus: 1\n"}), "field bogus not found"},
		"bad regex": {allCriteria(map[string]string{"risk.yaml": "id: risk\ntitle: T\nref: R\napplies_to: text\nadvice: A\npatterns:\n  - regex: ['(unclosed']\n"}),
			"missing closing )"},
		"unknown lexicon": {allCriteria(map[string]string{"risk.yaml": "id: risk\ntitle: T\nref: R\napplies_to: text\nadvice: A\npatterns:\n  - all: [['@nope']]\n"}),
			`unknown lexicon list "@nope"`},
		"upper-case term": {allCriteria(map[string]string{"risk.yaml": "id: risk\ntitle: T\nref: R\napplies_to: text\nadvice: A\npatterns:\n  - all: [[Risk]]\n"}),
			"must be lower-case"},
		"no advice": {allCriteria(map[string]string{"risk.yaml": "id: risk\ntitle: T\nref: R\napplies_to: text\npatterns:\n  - all: [[risk]]\n"}),
			"advice is required"},
		"bad applies_to": {allCriteria(map[string]string{"risk.yaml": "id: risk\ntitle: T\nref: R\napplies_to: email\nadvice: A\npatterns:\n  - all: [[risk]]\n"}),
			"applies_to must be"},
		"unknown check": {allCriteria(map[string]string{"risk.yaml": "id: risk\ntitle: T\nref: R\napplies_to: text\nadvice: A\npatterns:\n  - all: [[risk]]\n    check: magic\n"}),
			`unknown check "magic"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := load(tc.files)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if err := load(allCriteria(nil)); err != nil {
		t.Errorf("a minimal complete set must load: %v", err)
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	if err := rules.Export(dir); err != nil {
		t.Fatal(err)
	}
	set, err := rules.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Criteria) != 12 {
		t.Errorf("exported set has %d criteria", len(set.Criteria))
	}
	if err := rules.Export(dir); err == nil {
		t.Error("export over existing files must fail rather than overwrite")
	}
}
