// Command eval measures the checker against the labelled real statements of
// ../shared/corpus: per criterion, precision, recall and F1 of "met", F1 of
// "not met", their mean (the two-class macro-F1), and the mean of that over
// the nine text criteria. Beside each macro-F1 it gives a 95% bootstrap
// interval (the statements resampled), since criteria with a handful of
// "not met" labels move a lot on one statement; and it reports the two
// halves of the corpus apart (split by a hash of each id), so that a rule
// tuned on one half can be judged on the other. It skips cleanly when the
// corpus is absent.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/rules"
	"github.com/s54dev/s54/statement"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus", "folder with labels.csv and statements/")
	rulesDir := flag.String("rules", "", "rule set folder (default: the embedded rules)")
	show := flag.String("show", "", "list the errors for this criterion (or is_statement)")
	only := flag.String("only", "", "only statements whose id starts with this prefix")
	half := flag.String("half", "", "only half A or B of the corpus (split by a hash of the id)")
	flag.StringVar(&dist, "dist", "", "print the evidence count of every statement for this criterion")
	flag.Parse()
	if err := run(os.Stdout, *corpus, *rulesDir, *show, *only, *half); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

var dist string

type counts struct{ tp, fp, fn, tn int }

func (c *counts) add(label, pred bool) {
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
}

// macro is the two-class macro-F1: the mean of F1 for "met" and for "not
// met".
func (c counts) macro() float64 {
	p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
	np, nr := ratio(c.tn, c.tn+c.fn), ratio(c.tn, c.tn+c.fp)
	return (f1(p, r) + f1(np, nr)) / 2
}

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

// outcome is one labelled statement: its labels and the checker's "met".
type outcome struct {
	id          string
	label, pred [9]bool
}

// halfOf puts an id in half A or B, the same on every run.
func halfOf(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	if h.Sum32()%2 == 0 {
		return "A"
	}
	return "B"
}

func run(w io.Writer, corpus, rulesDir, show, only, half string) error {
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
	var outcomes []outcome
	var decisions []decision
	assessed := map[string]statement.Assessment{}
	for _, row := range rows[1:] {
		id := row[col["id"]]
		if !strings.HasPrefix(id, only) || half != "" && halfOf(id) != half {
			continue
		}
		data, err := os.ReadFile(filepath.Join(corpus, row[col["file"]]))
		if err != nil {
			return err
		}
		a := ck.Check(statement.Text{Source: id, Body: string(data)})
		decisions = append(decisions, decision{id: id, statement: true, got: a})
		assessed[id] = a
		o := outcome{id: id}
		for k, cid := range statement.TextCriteria {
			o.label[k] = row[col[string(cid)]] == "1"
			fd := a.Finding(cid)
			o.pred[k] = fd.Status == statement.Met
			if string(cid) == dist {
				fmt.Fprintf(w, "DIST %s label=%v n=%d status=%s\n", id, o.label[k], len(fd.Evidence), fd.Status)
			}
			if string(cid) == show && o.label[k] != o.pred[k] {
				kind := "FN"
				if o.pred[k] {
					kind = "FP"
				}
				fmt.Fprintf(w, "%s %s status=%s", kind, id, fd.Status)
				if fd.Note != "" {
					fmt.Fprintf(w, " (%s)", fd.Note)
				}
				for _, e := range fd.Evidence {
					fmt.Fprintf(w, "\n    %.220q", e.Text)
				}
				fmt.Fprintln(w)
			}
		}
		outcomes = append(outcomes, o)
	}
	fmt.Fprintf(w, "eval: %d labelled statements from %s\n", len(outcomes), corpus)
	fmt.Fprintf(w, "%-14s %5s %5s %5s %5s %6s %6s %6s %8s %8s  %s\n", "criterion", "tp", "fp", "fn", "tn", "prec", "recall", "F1met", "F1not", "macroF1", "95% interval")
	all := tally(outcomes)
	lo, hi := bootstrap(outcomes, 2000)
	var sum float64
	for k, id := range statement.TextCriteria {
		c := all[k]
		p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
		np, nr := ratio(c.tn, c.tn+c.fn), ratio(c.tn, c.tn+c.fp)
		sum += c.macro()
		fmt.Fprintf(w, "%-14s %5d %5d %5d %5d %6.3f %6.3f %6.3f %8.3f %8.3f  %.3f–%.3f\n", id, c.tp, c.fp, c.fn, c.tn, p, r, f1(p, r), f1(np, nr), c.macro(), lo[k], hi[k])
	}
	fmt.Fprintf(w, "mean two-class macro-F1 over %d criteria: %.3f (95%% interval %.3f–%.3f)\n", len(statement.TextCriteria),
		sum/float64(len(statement.TextCriteria)), lo[9], hi[9])
	if half == "" && only == "" {
		for _, h := range []string{"A", "B"} {
			var part []outcome
			for _, o := range outcomes {
				if halfOf(o.id) == h {
					part = append(part, o)
				}
			}
			fmt.Fprintf(w, "half %s (%d statements): mean %.3f;", h, len(part), mean(tally(part)))
			for k, id := range statement.TextCriteria {
				fmt.Fprintf(w, " %s %.2f", strings.ReplaceAll(string(id), "_", " "), tally(part)[k].macro())
				_ = k
			}
			fmt.Fprintln(w)
		}
	}
	if err := isStatement(w, corpus, ck, decisions, show == "is_statement"); err != nil {
		return err
	}
	if err := registryCheck(w, corpus, assessed); err != nil {
		return err
	}
	return templateCheck(w, corpus)
}

func tally(os []outcome) [9]counts {
	var c [9]counts
	for _, o := range os {
		for k := range c {
			c[k].add(o.label[k], o.pred[k])
		}
	}
	return c
}

func mean(c [9]counts) float64 {
	s := 0.0
	for _, x := range c {
		s += x.macro()
	}
	return s / float64(len(c))
}

// bootstrap returns, for each criterion and (at index 9) their mean, the
// 2.5th and 97.5th percentiles of the macro-F1 over n resamples of the
// statements, drawn with a fixed seed so that runs compare.
func bootstrap(os []outcome, n int) (lo, hi [10]float64) {
	if len(os) == 0 {
		return
	}
	rng := rand.New(rand.NewPCG(54, 2015))
	var samples [10][]float64
	sample := make([]outcome, len(os))
	for range n {
		for i := range sample {
			sample[i] = os[rng.IntN(len(os))]
		}
		c := tally(sample)
		for k := range c {
			samples[k] = append(samples[k], c[k].macro())
		}
		samples[9] = append(samples[9], mean(c))
	}
	for k := range samples {
		slices.Sort(samples[k])
		lo[k], hi[k] = samples[k][n*25/1000], samples[k][n*975/1000]
	}
	return
}
