package checker_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

// TestNotStatements: documents of every other kind are told apart, with
// no score and no rating, and a reason a person can read.
func TestNotStatements(t *testing.T) {
	want := map[string]statement.DocumentKind{
		"whistleblowing_policy.md":     statement.KindPolicy,
		"supplier_code_of_conduct.txt": statement.KindCodeOfConduct,
		"privacy_notice.html":          statement.KindPrivacyNotice,
		"carbon_reduction_plan.txt":    statement.KindCarbonPlan,
		"legislation.txt":              statement.KindLegislation,
		"gender_pay_gap_report.txt":    statement.KindReport,
		"news_item.html":               statement.KindNews,
		"placeholder.md":               statement.KindOther,
		// an annual report that names its statement once, far from its title
		"annual_report_extract.txt": statement.KindReport,
		// what section 54 asks, told in a guide's or an Act's own words
		"section54_guide.md":         statement.KindLegislation,
		"act_section_paraphrase.txt": statement.KindLegislation,
		// a post on slavery that speaks to the reader, never as "we"
		"blog_post.md": statement.KindNews,
		// titled as another document, slavery only in passing and late
		"sustainability_report_section.md": statement.KindReport,
		"job_advert.html":                  statement.KindOther,
		"faq_page.md":                      statement.KindOther,
		// speaks to the reader ("you"), never as "we", describes no one
		"spot_the_signs_page.html":  statement.KindOther,
		"supplier_questionnaire.md": statement.KindOther,
	}
	ck := checker.Default()
	for file, kind := range want {
		t.Run(file, func(t *testing.T) {
			a := checkFile(t, ck, filepath.Join("..", "testdata", "nonstatements", file))
			if a.IsStatement || a.NotStatement == nil {
				t.Fatalf("taken for a statement (rating %s, score %d)", a.Rating, a.Score)
			}
			if a.NotStatement.Kind != kind {
				t.Errorf("kind %s, want %s: %s", a.NotStatement.Kind, kind, a.NotStatement.Text)
			}
			if a.Rating != "" || a.Score != 0 || !strings.Contains(a.NotStatement.Text, "approved by the board and signed by a director") {
				t.Errorf("rating %q score %d reason %q", a.Rating, a.Score, a.NotStatement.Text)
			}
		})
	}
}

// TestShortPoorStatementsStay: a statement of 60–80 words, however poor,
// is a statement, rated and scored.
func TestShortPoorStatementsStay(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "shortstatements", "*"))
	if len(files) < 4 {
		t.Fatalf("%d fixtures", len(files))
	}
	ck := checker.Default()
	for _, f := range files {
		a := checkFile(t, ck, f)
		if !a.IsStatement {
			t.Errorf("%s: called %s: %s", filepath.Base(f), a.NotStatement.Kind, a.NotStatement.Text)
		}
		if a.Rating == "" {
			t.Errorf("%s: no rating", filepath.Base(f))
		}
	}
}

// TestLawIsNotEvidence: a sentence that states what the law asks is never
// evidence that this statement does it.
func TestLawIsNotEvidence(t *testing.T) {
	body := "Modern Slavery Statement\n\nSection 54 of the Modern Slavery Act 2015 requires that the statement must be approved by the board of directors and signed by a director.\n\n" +
		"Commercial organisations should also describe their due diligence processes and the training they give on slavery and human trafficking.\n\n" +
		"We buy our fabric from two mills in Portugal and check that no forced labour is used."
	a := checker.Default().Check(statement.Text{Body: body})
	for _, id := range []statement.CriterionID{statement.Approval, statement.DueDiligence, statement.Training} {
		if fd := a.Finding(id); fd.Status == statement.Met || fd.Status == statement.Partial {
			t.Errorf("%s is %s on the law's words: %v", id, fd.Status, fd.Evidence)
		}
	}
	// the organisation's own sentence about the law still counts
	own := "This statement, made under section 54 of the Act, was approved by the board of directors on 3 June 2025.\n\nWe check that no forced labour or modern slavery is used by our suppliers."
	b := checker.Default().Check(statement.Text{Body: own})
	if s := b.Status(statement.Approval); s != statement.Met {
		t.Errorf("approval %s on the organisation's own sentence", s)
	}
}

func checkFile(t *testing.T, ck *checker.Checker, path string) statement.Assessment {
	t.Helper()
	text, err := extract.File(context.Background(), path, extract.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return ck.Check(text)
}

// TestScoreBandsOnCorpus: over every real statement of the corpus, and
// crawled with and without the homepage link, the score lies in its
// rating's band, so no score of one rating overlaps another's.
func TestScoreBandsOnCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "statements", "*.txt"))
	if len(files) == 0 {
		t.Skip("../shared/corpus is absent")
	}
	ck := checker.Default()
	yes, no := true, false
	seen := map[statement.Rating]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, facts := range []checker.Facts{{}, {HomepageLink: &yes}, {HomepageLink: &no}} {
			a := ck.CheckWith(statement.Text{Body: string(data)}, facts)
			if !a.IsStatement {
				continue
			}
			band := checker.ScoreBands[a.Rating]
			if a.Score < band[0] || a.Score > band[1] {
				t.Errorf("%s: %s with score %d, outside %v", filepath.Base(f), a.Rating, a.Score, band)
			}
			seen[a.Rating]++
		}
	}
	if len(seen) < 4 {
		t.Errorf("ratings seen: %v", seen)
	}
}

// TestTooShortSaysHowShort: a document of a few words is no statement,
// and the reason counts its words as a person would.
func TestTooShortSaysHowShort(t *testing.T) {
	ck := checker.Default()
	for body, want := range map[string]string{
		"Slavery.":                      "it has only one word",
		"Our modern slavery statement.": "it has only 4 words",
	} {
		a := ck.Check(statement.Text{Body: body, Format: "txt", Source: "short.txt"})
		if a.IsStatement || a.NotStatement == nil || !strings.Contains(a.NotStatement.Text, want) {
			t.Errorf("%q: %+v, want a reason saying %q", body, a.NotStatement, want)
		}
	}
}
