package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

// decision is the checker's "is it a statement?" on one document whose
// answer is known.
type decision struct {
	id        string
	statement bool // the truth
	got       statement.Assessment
}

// isStatement measures the decision over the labelled statements and the
// published documents of web/ and pdf/ whose manifest notes say what they
// are: a NON-STATEMENT (a privacy policy, a carbon plan, the Act), a
// policy that is "not a s.54 statement", an EDGE CASE with no statement
// text (a stub, a placeholder, a page of links), or a statement. Documents
// whose notes leave it open (policy-style pages, templates, summaries) and
// those that cannot be read (scans) are left out.
func isStatement(w io.Writer, corpus string, ck *checker.Checker, labelled []decision, show bool) error {
	f, err := os.Open(filepath.Join(corpus, "manifest.csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	all := labelled
	skipped := 0
	for _, row := range rows[1:] {
		id, file, notes := row[0], row[1], row[len(row)-1]
		if !strings.HasPrefix(file, "web/") && !strings.HasPrefix(file, "pdf/") {
			continue
		}
		truth, known := manifestTruth(notes)
		if !known {
			continue
		}
		text, err := extract.File(context.Background(), filepath.Join(corpus, file), extract.Options{})
		if err != nil {
			skipped++
			continue
		}
		all = append(all, decision{id: id, statement: truth, got: ck.Check(text)})
	}
	var tp, fp, fn, tn int
	for _, d := range all {
		switch {
		case d.statement && d.got.IsStatement:
			tp++
		case !d.statement && d.got.IsStatement:
			fp++
		case d.statement:
			fn++
		default:
			tn++
		}
		if show && (d.statement != d.got.IsStatement || !d.statement) {
			reason := ""
			if d.got.NotStatement != nil {
				reason = string(d.got.NotStatement.Kind) + ": " + d.got.NotStatement.Text
			}
			fmt.Fprintf(w, "%s %s statement=%v %s\n", map[bool]string{true: "ok  ", false: "MISS"}[d.statement == d.got.IsStatement], d.id, d.statement, reason)
		}
	}
	fmt.Fprintf(w, "is_statement: %d statements, %d non-statements (%d unreadable left out)\n", tp+fn, fp+tn, skipped)
	fmt.Fprintf(w, "is_statement: statements kept %d of %d (recall %.3f), non-statements told apart %d of %d (precision of a \"statement\" verdict %.3f)\n",
		tp, tp+fn, ratio(tp, tp+fn), tn, tn+fp, ratio(tp, tp+fp))
	return nil
}

// manifestTruth reads a document's kind from its manifest notes.
func manifestTruth(notes string) (isStatement, known bool) {
	switch {
	case strings.Contains(notes, "NON-STATEMENT"), strings.Contains(notes, "not a s.54 statement"),
		strings.Contains(notes, "EDGE CASE"):
		return false, true
	case strings.Contains(notes, "olicy-style"), strings.Contains(notes, "'Modern Slavery Policy'"),
		strings.Contains(notes, "template"), strings.Contains(notes, "summary"), strings.Contains(notes, "SCANNED"),
		strings.Contains(notes, "HARD EXTRACTION"):
		return false, false
	}
	return true, true
}
