package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newRegionsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "regions",
		Short: "List the regions and the postcodes they cover",
		Long: `List the regions --region accepts: the built-in ones for the partnerships
s54 was made with, and those of the config file (s54.yaml in the data
directory, or --config), which add regions or replace built-in ones by id:

  regions:
    - id: my-area
      name: My partnership
      postcodes: [SO, "GU14", "GU12 4"]   # areas, districts, sectors
      exclude: ["SO99"]`,
		Args: noArgs("regions"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			conf, err := g.loadConfig()
			if err != nil {
				return err
			}
			set := conf.regions
			tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tPOSTCODES")
			for _, id := range set.IDs() {
				r, _ := set.Get(id)
				// a sector ("GU12 4") holds a space: the list is
				// separated by commas
				pcs := strings.Join(r.Postcodes, ", ")
				if len(r.Exclude) > 0 {
					pcs += " (not " + strings.Join(r.Exclude, ", ") + ")"
				}
				if !g.verbose && len(pcs) > 100 {
					cut := strings.LastIndex(pcs[:100], ", ")
					if cut < 0 {
						cut = 100
					}
					pcs = pcs[:cut] + ", … (-v for all)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Name, pcs)
			}
			return tw.Flush()
		},
	}
}
