package findings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/statement"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTemplates: a family of statements made with the same generator, the
// names and dates changed, is one cluster with nearly all its text shared;
// a statement copied from another organisation's shares it; statements in
// their own words share little and are not flagged.
func TestTemplates(t *testing.T) {
	gen := read(t, "templates/generator.txt")
	fill := func(name, date, signer string) string {
		return strings.NewReplacer("[NAME]", name, "[DATE]", date, "[APPROVED]", date, "[SIGNER]", signer).Replace(gen)
	}
	x := findings.NewTemplates()
	family := []findings.TemplateDoc{
		{Key: 1, OrgID: 1, CompanyNumber: "11000001", Name: "Ashdown Print Ltd", Text: fill("Ashdown Print Ltd", "31 March 2025", "Tom Ashdown")},
		{Key: 2, OrgID: 2, CompanyNumber: "11000002", Name: "Berrow Farm Supplies Limited", Text: fill("Berrow Farm Supplies Limited", "30 June 2024", "Ann Berrow")},
		{Key: 3, OrgID: 3, CompanyNumber: "11000003", Name: "Corran Logistics Ltd", Text: fill("Corran Logistics Ltd", "31 December 2024", "Iain Corran")},
		{Key: 4, OrgID: 4, CompanyNumber: "11000004", Name: "Dunmore Dental LLP", Text: fill("Dunmore Dental LLP", "5 April 2025", "Ruth Dunmore")},
	}
	for _, d := range family {
		x.Add(d)
	}
	strong := read(t, "statements/strong.txt")
	x.Add(findings.TemplateDoc{Key: 10, OrgID: 10, CompanyNumber: "12000010", Name: "Northfield Foods plc", Text: strong})
	// copied by a smaller business, its own name put in
	x.Add(findings.TemplateDoc{Key: 11, OrgID: 11, CompanyNumber: "12000011", Name: "Eastgate Catering Ltd",
		Text: strings.ReplaceAll(strong, "Northfield", "Eastgate")})
	// statements in their own words
	own := map[int64]string{20: "statements/weak.txt", 22: "statements/llp.md", 23: "statements/future_intentions.txt"}
	for k, f := range own {
		x.Add(findings.TemplateDoc{Key: k, OrgID: k, CompanyNumber: "130000" + string(rune('0'+k%10)) + "0", Name: "Org " + f, Text: read(t, f)})
	}
	// a group under one statement: the same document, or names that
	// begin alike; theirs, not copies
	group := read(t, "statements/group.txt")
	x.Add(findings.TemplateDoc{Key: 30, OrgID: 30, CompanyNumber: "14000030", Name: "Halden Marine Holdings plc", Text: group, Document: "sha-group"})
	x.Add(findings.TemplateDoc{Key: 31, OrgID: 31, CompanyNumber: "14000031", Name: "Halden Marine Services Ltd", Text: group})
	x.Add(findings.TemplateDoc{Key: 32, OrgID: 32, CompanyNumber: "14000032", Name: "Quarry Lane Boats Ltd", Text: group, Document: "sha-group"})
	x.Build()

	for k := int64(30); k <= 32; k++ {
		if f, _ := x.Find(k); f.Shared >= 0.3 {
			t.Errorf("group statement %d: shared %.2f with %+v", k, f.Shared, f.Similar)
		}
	}
	for _, d := range family {
		f, ok := x.Find(d.Key)
		if !ok || f.Shared < statement.TemplateShare || len(f.Similar) != 3 {
			t.Errorf("%s: shared %.2f with %d others, want ≥ %.1f with 3", d.Name, f.Shared, len(f.Similar), statement.TemplateShare)
		}
	}
	if f, _ := x.Find(11); f.Shared < statement.TemplateShare || len(f.Similar) != 1 || f.Similar[0].Name != "Northfield Foods plc" {
		t.Errorf("copied statement: %+v", f)
	}
	for k, file := range own {
		if f, _ := x.Find(k); f.Shared >= 0.3 {
			t.Errorf("%s, in its own words: shared %.2f with %+v", file, f.Shared, f.Similar)
		}
	}
	// a draft made with the generator, not yet published, and one in its
	// own words
	if got := x.Shared(fill("Foxhole Joinery Ltd", "31 January 2026", "Pat Fox"), ""); got < statement.TemplateShare {
		t.Errorf("a generator draft: shared %.2f, want ≥ %.1f", got, statement.TemplateShare)
	}
	if got := x.Shared(read(t, "statements/boilerplate.txt"), ""); got >= 0.3 {
		t.Errorf("a draft in its own words: shared %.2f", got)
	}
	if x.Shared("", "") != 0 {
		t.Error("an empty draft shares text")
	}
	cl := x.Clusters()
	if len(cl) != 2 || len(cl[0].Members) != 4 || len(cl[1].Members) != 2 {
		t.Errorf("clusters: %+v", cl)
	}
}

func TestMaskedWords(t *testing.T) {
	a := findings.MaskedWords("Ashdown Print Ltd approved this on 3 March 2024; Ashdown has 40 staff.", "Ashdown Print Ltd")
	b := findings.MaskedWords("Corran Logistics Limited approved this on 19 June 2025; Corran has 7 staff.", "Corran Logistics Limited")
	if strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("masked:\n%q\n%q", a, b)
	}
}
