package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/statement"
)

// templateCheck runs the template finder over the statements of the
// corpus (the labelled ones, and the web pages whose notes say they are
// statements), an organisation's years kept together (by its name in the
// manifest), and prints how many are mostly shared with another
// organisation's, the families found with a few of them named, and, for
// organisations with statements of consecutive years, how many are the
// year before re-dated.
func templateCheck(w io.Writer, corpus string) error {
	f, err := os.Open(filepath.Join(corpus, "manifest.csv"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	type doc struct {
		id, org string
		year    int
		text    string
	}
	var docs []doc
	orgIDs := map[string]int64{}
	x := findings.NewTemplates()
	for i, r := range rows {
		if i == 0 || len(r) < 4 {
			continue
		}
		// the labelled statements, and the web pages the notes call one
		if truth, known := manifestTruth(r[len(r)-1]); !strings.HasPrefix(r[1], "statements/") &&
			(!strings.HasPrefix(r[1], "web/") || !known || !truth) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(corpus, r[1]))
		if err != nil {
			continue
		}
		// one source names a second copy of a statement "2nd …"
		r[2] = strings.TrimPrefix(r[2], "2nd ")
		org := normName(r[2])
		if orgIDs[org] == 0 {
			orgIDs[org] = int64(len(orgIDs) + 1)
		}
		var year int
		fmt.Sscan(r[3], &year)
		docs = append(docs, doc{id: r[0], org: r[2], year: year, text: string(b)})
		x.Add(findings.TemplateDoc{Key: int64(i), OrgID: orgIDs[org], CompanyNumber: r[0], Name: r[2], Text: string(b)})
	}
	x.Build()
	flagged := 0
	for i := range rows {
		if f, ok := x.Find(int64(i)); ok && f.Shared >= statement.TemplateShare {
			flagged++
		}
	}
	clusters := x.Clusters()
	var named []string
	for _, c := range clusters[:min(3, len(clusters))] {
		var names []string
		for _, m := range c.Members {
			names = append(names, m.CompanyNumber+" "+m.Name)
		}
		named = append(named, "["+strings.Join(names, "; ")+"]")
	}
	fmt.Fprintf(w, "templates: %d statements of %d organisations: %d mostly shared with another organisation's (≥ %.1f), in %d families%s\n",
		len(docs), len(orgIDs), flagged, statement.TemplateShare, len(clusters), strings.Join(append([]string{""}, named...), " "))

	// year on year, within an organisation
	byOrg := map[string][]doc{}
	for _, d := range docs {
		byOrg[normName(d.org)] = append(byOrg[normName(d.org)], d)
	}
	pairs, redated := 0, 0
	var redatedNames []string
	var changes []float64
	for _, ds := range byOrg {
		slices.SortFunc(ds, func(a, b doc) int { return cmp.Compare(a.year, b.year) })
		for i := 1; i < len(ds); i++ {
			if ds[i].year != ds[i-1].year+1 {
				continue
			}
			pairs++
			u := findings.Unchanged(ds[i].org, ds[i-1].text, ds[i].text, statement.Date{}, statement.Assessment{}, statement.Assessment{})
			changes = append(changes, u.Changed)
			if u.Redated {
				redated++
				redatedNames = append(redatedNames, fmt.Sprintf("%s %d→%d", ds[i].org, ds[i-1].year, ds[i].year))
			}
		}
	}
	slices.Sort(changes)
	median := 0.0
	if len(changes) > 0 {
		median = changes[len(changes)/2]
	}
	fmt.Fprintf(w, "year on year: %d pairs of consecutive statements of one organisation: %d re-dated (≤ %.0f%% changed) %q; median share changed %.2f\n",
		pairs, redated, 100*findings.Redated, redatedNames, median)
	return nil
}
