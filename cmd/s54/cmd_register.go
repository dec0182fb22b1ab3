package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/internal/atomicfile"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
)

type registerOptions struct {
	region string
	json   bool
	csv    string
	xlsx   string
}

func newRegisterCmd(g *globals) *cobra.Command {
	var opts registerOptions
	cmd := &cobra.Command{
		Use:   "register [--region R] [--json | --csv FILE | --xlsx FILE]",
		Short: "Show the compliance register: the latest result per organisation",
		Long: `Show the compliance register: each organisation with the status of its
latest check (not_checked, found, no_statement, out_of_date, unreachable,
robots_blocked, error), the rating and score of its latest statement, and
each criterion. --csv and --xlsx write it to a file (the workbook has its
header frozen and filters on).`,
		Args: noArgs("register"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			n := 0
			for _, b := range []bool{opts.json, opts.csv != "", opts.xlsx != ""} {
				if b {
					n++
				}
			}
			if n > 1 {
				return usageError("register: choose one of --json, --csv, --xlsx")
			}
			return runRegister(cmd.Context(), g, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.region, "region", "", "only organisations in this region")
	f.BoolVar(&opts.json, "json", false, "print JSON")
	f.StringVar(&opts.csv, "csv", "", "write CSV to this file")
	f.StringVar(&opts.xlsx, "xlsx", "", "write an Excel workbook to this file")
	return cmd
}

func runRegister(ctx context.Context, g *globals, opts registerOptions) error {
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
	regions := conf.regions
	entries, err := st.Register(ctx, filter)
	if err != nil {
		return err
	}
	nameRegions(entries, regions)
	switch {
	case opts.json:
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case opts.csv != "":
		return writeFile(opts.csv, func(w io.Writer) error { return export.RegisterCSV(w, entries) })
	case opts.xlsx != "":
		name := "Register"
		if opts.region != "" {
			name = opts.region
		}
		return writeFile(opts.xlsx, func(w io.Writer) error {
			return export.RegisterXLSX(w, []export.Sheet{{Name: name, Entries: entries}})
		})
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tNAME\tREGION\tSTATUS\tRATING\tSCORE\tPERIOD END")
	for _, e := range entries {
		rating, score := "-", "-"
		if e.Rating != nil {
			rating, score = string(*e.Rating), fmt.Sprint(*e.Score)
		}
		pe := e.PeriodEnd.String()
		if pe == "" {
			pe = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.CompanyNumber, e.Name, e.Region, e.Status, rating, score, pe)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "%d organisations\n", len(entries))
	return nil
}

// writeFile writes path whole or not at all.
func writeFile(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// nameRegions gives register entries their region's id and name.
func nameRegions(entries []statement.RegisterEntry, regions *region.Set) {
	for i := range entries {
		entries[i].Region = regions.Match(entries[i].Postcode)
		entries[i].RegionName = regions.Name(entries[i].Region)
	}
}
