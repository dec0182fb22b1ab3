package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
)

type findingsOptions struct {
	region string
	json   bool
	stored bool
}

func newFindingsCmd(g *globals) *cobra.Command {
	var opts findingsOptions
	cmd := &cobra.Command{
		Use:   "findings [--region R] [--json]",
		Short: "What the register shows that no one statement does: registry claims, shared text, re-dated statements",
		Long: `List each organisation's findings:

  registry   what it told the GOV.UK registry that its statement does not
             bear out ("registry says it includes training; the statement
             describes none"), matched by statement URL or by period end
             (within three months); import the registry download with
             s54 orgs import --format govuk-registry FILE
  template   how much of its current statement (names, dates and years
             set aside) is found in other organisations' statements, and
             the closest of them
  unchanged  its current statement against the one before: the share of
             the text that changed; at most 5% is a statement re-dated

Findings are made again first from the register (they are also made after
each crawl, import and recheck); --stored shows those kept from the last
time. --json prints an array of objects as DESIGN.md gives them.`,
		Args: noArgs("findings"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runFindings(cmd, g, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.region, "region", "", "only organisations in this region")
	f.BoolVar(&opts.json, "json", false, "print JSON")
	f.BoolVar(&opts.stored, "stored", false, "show the findings kept from the last time, without making them again")
	return cmd
}

func runFindings(cmd *cobra.Command, g *globals, opts findingsOptions) error {
	ctx := cmd.Context()
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	filter, err := regionFilter(conf, opts.region)
	if err != nil {
		return err
	}
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if !opts.stored {
		stats, err := pipeline.RefreshFindings(ctx, st, pipeline.ExtractOptions(), conf.regions.Match)
		if err != nil {
			return fmt.Errorf("findings: %w", err)
		}
		if stats.Unreadable > 0 {
			fmt.Fprintf(g.stderr, "s54: %d statement versions could not be read; the first: %v\n", stats.Unreadable, stats.FirstError)
		}
	}
	orgs, err := st.Orgs(ctx, filter)
	if err != nil {
		return err
	}
	all, err := st.AllFindings(ctx)
	if err != nil {
		return err
	}
	list := []statement.OrgFindings{}
	for _, o := range orgs {
		f, ok := all[o.ID]
		if !ok || !f.Any() {
			continue
		}
		f.Region = conf.regions.Match(o.Postcode)
		if f.Registry == nil {
			f.Registry = []statement.RegistryFinding{}
		}
		list = append(list, f)
	}
	slices.SortFunc(list, func(a, b statement.OrgFindings) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.CompanyNumber, b.CompanyNumber))
	})
	if opts.json {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	printFindings(g.stdout, list, len(orgs))
	return nil
}

// printFindings writes the findings for a person: each organisation, then
// a line per finding.
func printFindings(w io.Writer, list []statement.OrgFindings, orgs int) {
	if len(list) == 0 {
		fmt.Fprintf(w, "No findings among %d organisations.\n", orgs)
		return
	}
	for _, f := range list {
		fmt.Fprintf(w, "%s %s", f.CompanyNumber, f.Name)
		if f.Region != "" {
			fmt.Fprintf(w, " (%s)", f.Region)
		}
		fmt.Fprintln(w)
		for _, r := range f.Registry {
			if r.Quiet {
				continue
			}
			fmt.Fprintf(w, "  registry, year to %s: %s\n", r.PeriodEnd, r.Note)
		}
		if t := f.Template; t != nil && t.Shared >= statement.TemplateShare {
			fmt.Fprintf(w, "  template: %.0f%% of the statement's text is in other organisations' statements", 100*t.Shared)
			var names []string
			for _, s := range t.Similar {
				names = append(names, fmt.Sprintf("%s %s (%.0f%%)", s.CompanyNumber, s.Name, 100*s.Shared))
			}
			if len(names) > 0 {
				fmt.Fprintf(w, ": %s", strings.Join(names, ", "))
			}
			fmt.Fprintln(w)
		}
		if u := f.Unchanged; u != nil && u.Redated {
			fmt.Fprintf(w, "  re-dated: the statement is the one for the year to %s with %.0f%% of its text changed\n",
				u.PreviousPeriodEnd, 100*u.Changed)
		}
	}
	fmt.Fprintf(w, "%d of %d organisations have findings.\n", len(list), orgs)
}
