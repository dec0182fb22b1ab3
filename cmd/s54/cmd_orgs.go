package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/orglist"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

func newOrgsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "orgs",
		Short: "Import and list the organisations in the register",
	}
	cmd.AddCommand(newOrgsImportCmd(g), newOrgsListCmd(g))
	return cmd
}

type importOptions struct {
	format string
	sheet  string
}

func newOrgsImportCmd(g *globals) *cobra.Command {
	var opts importOptions
	cmd := &cobra.Command{
		Use:   "import [--format F] [--sheet NAME] FILE",
		Short: "Add or update organisations from a list",
		Long: `Add or update organisations from a list, a CSV file or an Excel workbook
(.xlsx: its first sheet, or --sheet NAME), as published:
  home-office-orgs  the Home Office list of organisations presumed in scope
                    (OrganisationName, Address1…, PostCode, Sector, CompanyNumber, SICCode)
  govuk-registry    the GOV.UK modern slavery statement registry download
                    (StatementSummaries{YEAR}.csv); its StatementURL gives the crawler
                    a known statement and, on the organisation's own host, the
                    website (marked derived; never a CDN, a file share or the
                    registry's host)
  companies-house   Companies House basic company data
                    (CompanyName, CompanyNumber, RegAddress.PostCode, SICCode.SicText_1…)
  s54               company_number,name,website,postcode,turnover,sector
                    (turnover in pounds, "£45m", or a band such as "£36m-£60m")
--format auto (the default) recognises them by their header (the first
row that is not blank). CSV files may be UTF-8 (with or without a byte
order mark) or windows-1252. The register s54 writes (s54 register --csv or
--xlsx, the web's downloads) is an s54 list: its turnover ("£36m–£60m",
"over £500m") reads back, a website derived from a statement's address stays
marked so, and the apostrophe put before a cell beginning with =, +, -, @, a
tab or a carriage return (so that no spreadsheet runs it as a formula) is
taken off again. A downloaded register with its empty websites filled in by
hand imports back.

An organisation is found again by its company number (or, without one, by
name and postcode): importing again updates, never duplicates, and what a
list leaves empty is kept. Rows that cannot be used are listed with their
line numbers; the import is one transaction, so a file that cannot be read
changes nothing.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("orgs import: give one FILE")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOrgsImport(cmd.Context(), g, opts, args[0])
		},
	}
	names := make([]string, len(orglist.Formats))
	for i, f := range orglist.Formats {
		names[i] = string(f)
	}
	cmd.Flags().StringVar(&opts.format, "format", "auto", "list format: "+strings.Join(names, ", "))
	cmd.Flags().StringVar(&opts.sheet, "sheet", "", "the sheet of a workbook to read (the first when not given)")
	return cmd
}

func runOrgsImport(ctx context.Context, g *globals, opts importOptions, path string) error {
	format := orglist.Format(opts.format)
	known := false
	for _, f := range orglist.Formats {
		known = known || f == format
	}
	if !known {
		return usageError("orgs import: unknown --format %q", opts.format)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("orgs import: %w", err)
	}
	defer f.Close()
	list, err := orglist.ReadSheet(f, format, opts.sheet)
	if err != nil {
		return fmt.Errorf("orgs import: %s: %w", path, err)
	}
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	skipped := 0
	for _, p := range list.Problems {
		if p.Skipped {
			skipped++
		}
	}
	res, err := st.ImportOrgs(ctx, path, string(list.Format), list.Orgs, skipped)
	if err != nil {
		return err
	}
	total, err := st.CountOrgs(ctx)
	if err != nil {
		return err
	}
	enc := "UTF-8"
	switch {
	case list.Sheet != "":
		enc = fmt.Sprintf("sheet %q", list.Sheet)
	case list.Latin1:
		enc = "windows-1252"
	}
	fmt.Fprintf(g.stdout, "%s: %s list, %s, %d rows: %d added, %d updated, %d unchanged, %d skipped.\n",
		path, list.Format, enc, list.Rows, res.Added, res.Updated, res.Unchanged, skipped)
	fmt.Fprintf(g.stdout, "The register holds %d organisations.\n", total)
	writeNames(g, res.Names)
	writeProblems(g, list)
	if len(list.Claims) > 0 {
		return g.keepClaims(ctx, st, list.Claims)
	}
	return nil
}

// keepClaims keeps what the organisations told the GOV.UK registry and
// sets it against their statements: the findings are made again.
func (g *globals) keepClaims(ctx context.Context, st *store.Store, claims map[string][]statement.RegistryClaim) error {
	var cf []store.ClaimsFor
	n := 0
	for _, key := range slices.Sorted(maps.Keys(claims)) {
		cf = append(cf, store.ClaimsFor{Key: key, Claims: claims[key]})
		n += len(claims[key])
	}
	if _, err := st.RecordRegistryClaims(ctx, cf); err != nil {
		return err
	}
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	stats, err := pipeline.RefreshFindings(ctx, st, pipeline.ExtractOptions(), conf.regions.Match)
	if err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	fmt.Fprintf(g.stdout, "Kept %d registry entries of %d organisations; %d organisations' registry claims are not borne out by their statements (s54 findings lists them).\n",
		n, len(claims), stats.Registry)
	return nil
}

// writeNames lists the names the list gives otherwise than the register:
// an import never changes a name without saying so.
func writeNames(g *globals, names []store.NameChange) {
	if len(names) == 0 {
		return
	}
	kept := 0
	for _, n := range names {
		if n.Kept {
			kept++
		}
	}
	fmt.Fprintf(g.stdout, "%d names differ from the register's: %d changed, %d kept (the list has them in capitals):\n",
		len(names), len(names)-kept, kept)
	for i, n := range names {
		if i == problemsShown && !g.verbose {
			fmt.Fprintf(g.stdout, "  … and %d more (-v lists them all)\n", len(names)-i)
			break
		}
		fmt.Fprintf(g.stdout, "  %s %s\n", n.CompanyNumber, n)
	}
}

// problemsShown bounds the problems listed without -v.
const problemsShown = 20

func writeProblems(g *globals, list *orglist.List) {
	probs := list.Problems
	if len(probs) == 0 {
		return
	}
	unit := "line" // of a CSV file; a sheet's are rows
	if list.Sheet != "" {
		unit = "row"
	}
	fmt.Fprintf(g.stdout, "%d rows had problems:\n", len(probs))
	for i, p := range probs {
		if i == problemsShown && !g.verbose {
			fmt.Fprintf(g.stdout, "  … and %d more (-v lists them all)\n", len(probs)-i)
			break
		}
		what := "kept"
		if p.Skipped {
			what = "skipped"
		}
		fmt.Fprintf(g.stdout, "  %s %d (%s): %s\n", unit, p.Line, what, p.Reason)
	}
}

type listOptions struct {
	region string
	json   bool
}

func newOrgsListCmd(g *globals) *cobra.Command {
	var opts listOptions
	cmd := &cobra.Command{
		Use:   "list [--region R] [--json]",
		Short: "List the organisations in the register",
		Args:  noArgs("orgs list"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runOrgsList(cmd.Context(), g, opts)
		},
	}
	cmd.Flags().StringVar(&opts.region, "region", "", "only organisations in this region (see `s54 regions`)")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print JSON")
	return cmd
}

// orgJSON is an organisation as `s54 orgs list --json` prints it.
type orgJSON struct {
	statement.Org
	Region     string          `json:"region"`
	RegionName string          `json:"region_name"`
	Scope      statement.Scope `json:"scope"`
}

func runOrgsList(ctx context.Context, g *globals, opts listOptions) error {
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
	orgs, err := st.Orgs(ctx, filter)
	if err != nil {
		return err
	}
	if opts.json {
		out := make([]orgJSON, len(orgs))
		for i, o := range orgs {
			id := regions.Match(o.Postcode)
			out[i] = orgJSON{Org: o.Org, Region: id, RegionName: regions.Name(id), Scope: o.Turnover.Scope()}
		}
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tNAME\tPOSTCODE\tREGION\tTURNOVER\tSECTOR")
	for _, o := range orgs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.CompanyNumber, o.Name, o.Postcode, regions.Match(o.Postcode), o.Turnover, o.Sector)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "%d organisations\n", len(orgs))
	return nil
}

// regionFilter turns --region into a filter of the config's regions.
func regionFilter(conf *config, id string) (store.OrgFilter, error) {
	var f store.OrgFilter
	if id != "" {
		r, ok := conf.regions.Get(id)
		if !ok {
			return f, usageError("unknown region %q (known: %s)", id, strings.Join(conf.regions.IDs(), ", "))
		}
		f.Region = r
	}
	return f, nil
}

func (g *globals) openStore(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, g.data)
}

// noArgs is cobra.NoArgs with exit code 2.
func noArgs(cmd string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageError("%s takes no arguments (got %q)", cmd, strings.Join(args, " "))
		}
		return nil
	}
}
