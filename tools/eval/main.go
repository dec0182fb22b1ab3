// Command eval measures the checker against the labelled real statements of
// ../shared/corpus: per criterion, precision, recall and F1 of "met", F1 of
// "not met", their mean (the two-class macro-F1), and the mean of that over
// the nine text criteria. It skips cleanly when the corpus is absent.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/rules"
	"github.com/s54dev/s54/statement"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus", "folder with labels.csv and statements/")
	rulesDir := flag.String("rules", "", "rule set folder (default: the embedded rules)")
	show := flag.String("show", "", "list the errors for this criterion")
	only := flag.String("only", "", "only statements whose id starts with this prefix")
	flag.StringVar(&dist, "dist", "", "print the evidence count of every statement for this criterion")
	flag.Parse()
	if err := run(os.Stdout, *corpus, *rulesDir, *show, *only); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

var dist string

type counts struct{ tp, fp, fn, tn int }

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func run(w io.Writer, corpus, rulesDir, show, only string) error {
	labelsPath := filepath.Join(corpus, "labels.csv")
	f, err := os.Open(labelsPath)
	if os.IsNotExist(err) {
		fmt.Fprintf(w, "eval: skipped: %s is absent\n", labelsPath)
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("read %s: %w", labelsPath, err)
	}
	set, err := rules.Default()
	if rulesDir != "" {
		set, err = rules.LoadDir(rulesDir)
	}
	if err != nil {
		return err
	}
	ck, err := checker.New(set)
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	res := map[statement.CriterionID]*counts{}
	for _, id := range statement.TextCriteria {
		res[id] = &counts{}
	}
	n := 0
	var decisions []decision
	for _, row := range rows[1:] {
		if !strings.HasPrefix(row[col["id"]], only) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(corpus, row[col["file"]]))
		if err != nil {
			return err
		}
		n++
		a := ck.Check(statement.Text{Source: row[col["id"]], Body: string(data)})
		decisions = append(decisions, decision{id: row[col["id"]], statement: true, got: a})
		for _, id := range statement.TextCriteria {
			label := row[col[string(id)]] == "1"
			fd := a.Finding(id)
			pred := fd.Status == statement.Met
			c := res[id]
			switch {
			case label && pred:
				c.tp++
			case !label && pred:
				c.fp++
			case label && !pred:
				c.fn++
			default:
				c.tn++
			}
			if string(id) == dist {
				fmt.Fprintf(w, "DIST %s label=%v n=%d status=%s\n", row[col["id"]], label, len(fd.Evidence), fd.Status)
			}
			if string(id) == show && label != pred {
				kind := "FN"
				if pred {
					kind = "FP"
				}
				fmt.Fprintf(w, "%s %s status=%s", kind, row[col["id"]], fd.Status)
				for _, e := range fd.Evidence {
					fmt.Fprintf(w, "\n    %.220q", e.Text)
				}
				fmt.Fprintln(w)
			}
		}
	}
	fmt.Fprintf(w, "eval: %d labelled statements from %s\n", n, corpus)
	fmt.Fprintf(w, "%-14s %5s %5s %5s %5s %6s %6s %6s %8s %8s\n", "criterion", "tp", "fp", "fn", "tn", "prec", "recall", "F1met", "F1not", "macroF1")
	var sum float64
	for _, id := range statement.TextCriteria {
		c := res[id]
		p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
		np, nr := ratio(c.tn, c.tn+c.fn), ratio(c.tn, c.tn+c.fp)
		fm, fn := f1(p, r), f1(np, nr)
		macro := (fm + fn) / 2
		sum += macro
		fmt.Fprintf(w, "%-14s %5d %5d %5d %5d %6.3f %6.3f %6.3f %8.3f %8.3f\n", id, c.tp, c.fp, c.fn, c.tn, p, r, fm, fn, macro)
	}
	fmt.Fprintf(w, "mean two-class macro-F1 over %d criteria: %.3f\n", len(statement.TextCriteria), sum/float64(len(statement.TextCriteria)))
	return isStatement(w, corpus, ck, decisions, show == "is_statement")
}
