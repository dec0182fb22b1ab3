package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/rules"
)

func newRulesCmd(g *globals) *cobra.Command {
	var asJSON bool
	var export string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the criteria statements are checked against",
		Long: `List the criteria of the rule set in use (the built-in one, or --rules DIR):
id, legal reference, what it applies to, its weight in the score and
whether it is part of the legal minimum. -v adds what each requires and
the advice given when it is missing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if export != "" {
				if err := rules.Export(export); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "wrote the built-in rules to %s; edit them and use --rules %s\n", export, export)
				return nil
			}
			set, err := g.rules()
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(set.Criteria)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tREF\tAPPLIES TO\tWEIGHT\tMINIMUM\tTITLE")
			for _, c := range set.Criteria {
				min := ""
				if c.Minimum {
					min = "yes"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", c.ID, c.Ref, c.AppliesTo, c.Weight, min, c.Title)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if g.verbose {
				for _, c := range set.Criteria {
					fmt.Fprintf(g.stdout, "\n%s — %s (%s)\n  Met when: %s\n  Advice: %s\n", c.ID, c.Title, c.Ref,
						strings.TrimSpace(c.Description), strings.TrimSpace(c.Advice))
				}
			}
			fmt.Fprintf(g.stdout, "\nRule set: %s.\n%s\n", set.Name, scoreExplained)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the rules as JSON")
	cmd.Flags().StringVar(&export, "export", "", "write the built-in rule files to this directory, to edit")
	return cmd
}

// scoreExplained is how the score is made, for `s54 rules` and the
// self-check output.
const scoreExplained = `Score: the rating decides the band — below the legal minimum 0–39, minimum 40–59,
good 60–79, strong 80–100 — and the criteria the place in it: the weights of met
criteria plus half those of partial ones, over the weights that apply, measured
from the least a statement of that rating can have. A crawled statement whose link
is not on the homepage is below the legal minimum; a draft, whose link cannot be
known, is scored on the rest. Documents that are not statements get no score.`
