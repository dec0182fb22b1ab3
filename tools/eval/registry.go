package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/orglist"
	"github.com/s54dev/s54/statement"
)

// registryCheck sets what the organisations of the corpus's ms statements
// told the GOV.UK registry in 2022 (its download's food-sector rows)
// against the checker's verdicts on those statements, matched by the
// organisation's name: how often a claim is not borne out by the text,
// by area.
func registryCheck(w io.Writer, corpus string, assessed map[string]statement.Assessment) error {
	f, err := os.Open(filepath.Join(corpus, "registry", "govuk_StatementSummaries2022_food_and_beverages_subset.csv"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	list, err := orglist.Read(f, orglist.FormatGovUKRegistry)
	if err != nil {
		return err
	}
	byName := map[string][]statement.RegistryClaim{}
	for _, o := range list.Orgs {
		byName[normName(o.Name)] = append(byName[normName(o.Name)], list.Claims[o.Key()]...)
	}
	mf, err := os.Open(filepath.Join(corpus, "manifest.csv"))
	if err != nil {
		return err
	}
	defer mf.Close()
	rows, err := csv.NewReader(mf).ReadAll()
	if err != nil {
		return err
	}
	matched, claimed := 0, map[statement.CriterionID]int{}
	notBorne, quiet := map[statement.CriterionID]int{}, map[statement.CriterionID]int{}
	for _, row := range rows[1:] {
		id, org := row[0], row[2]
		a, ok := assessed[id]
		if !ok || !strings.HasPrefix(id, "ms") {
			continue
		}
		claims := byName[normName(org)]
		if len(claims) == 0 {
			continue
		}
		matched++
		c := claims[0]
		for area, says := range c.Includes {
			if says {
				claimed[area]++
			}
		}
		if c.Approver != "" || !c.DateApproved.IsZero() {
			claimed[statement.Approval]++
		}
		for _, rf := range findings.Compare(c, a, "") {
			if rf.Quiet {
				quiet[rf.Criterion]++
			} else {
				notBorne[rf.Criterion]++
			}
		}
	}
	ids := make([]string, 0, len(claimed))
	for id := range claimed {
		ids = append(ids, string(id))
	}
	sort.Strings(ids)
	fmt.Fprintf(w, "registry: %d ms statements matched to GOV.UK 2022 registry rows by name; claims the text does not bear out:", matched)
	for _, id := range ids {
		c := statement.CriterionID(id)
		fmt.Fprintf(w, " %s %d/%d", id, notBorne[c], claimed[c])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "registry: areas the text covers that the registry entry denies:")
	for _, id := range ids {
		if n := quiet[statement.CriterionID(id)]; n > 0 {
			fmt.Fprintf(w, " %s %d", id, n)
		}
	}
	fmt.Fprintln(w)
	return nil
}

// normName compares organisation names as the registry and the manifest
// write them: case, punctuation and the legal form aside.
func normName(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("&", " and ", ".", " ", ",", " ", "(", " ", ")", " ", "'", "", "’", "").Replace(s)
	var out []string
	for _, w := range strings.Fields(s) {
		switch w {
		case "limited", "ltd", "plc", "the", "llp", "uk", "group":
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}
