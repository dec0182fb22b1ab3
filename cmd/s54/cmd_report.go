package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/internal/atomicfile"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

type reportOptions struct {
	month, region, out string
	email              bool
}

func newReportCmd(g *globals) *cobra.Command {
	var opts reportOptions
	cmd := &cobra.Command{
		Use:   "report [--month YYYY-MM] [--region R] [--out DIR] [--email]",
		Short: "Make the monthly report: report.html, register.csv, register.xlsx",
		Long: `Make the monthly compliance report from the register as it stood at the
end of the month (this month unless --month: with a crawl a month, the
register after this month's crawl): headline figures,
what changed since the month before, the organisations to act on, coverage
of the six areas by region and sector, and the trend over twelve months,
with charts. Files go to --out, else reports/YYYY-MM in the data directory.
--email sends it to the addresses in s54.yaml:

  email:
    host: smtp.example.org
    port: 587                      # STARTTLS is required
    username: reports@example.org
    password_env: S54_SMTP_PASSWORD  # the password itself stays out of the file
    from: reports@example.org
    to: [steering-group@example.org]`,
		Args: noArgs("report"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), g, opts, time.Now())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.month, "month", "", "the month, YYYY-MM (default: this month)")
	f.StringVar(&opts.region, "region", "", "only organisations in this region")
	f.StringVar(&opts.out, "out", "", "folder for the files (default: reports/YYYY-MM in the data directory)")
	f.BoolVar(&opts.email, "email", false, "send the report by email (s54.yaml email:)")
	return cmd
}

func runReport(ctx context.Context, g *globals, opts reportOptions, now time.Time) error {
	month := now.In(report.London)
	if opts.month != "" {
		m, err := time.ParseInLocation("2006-01", opts.month, report.London)
		if err != nil {
			return usageError("report: --month %q: want YYYY-MM", opts.month)
		}
		month = m
	}
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	if opts.email && !conf.Email.Configured() {
		return usageError("report: --email needs email.host, email.from and email.to in s54.yaml")
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
	src := registerSource(st, filter, conf.regions)
	job, err := st.StartJob(ctx, "report")
	if err != nil {
		return err
	}
	paths, r, err := makeReport(ctx, src, month, opts, now, g.data)
	if err == nil && opts.email {
		err = r.Send(ctx, conf.Email, paths)
	}
	state, detail := statement.RunCompleted, fmt.Sprintf("%s %v", month.Format("2006-01"), paths)
	if err != nil {
		state, detail = statement.RunFailed, err.Error()
	}
	st.FinishJob(context.WithoutCancel(ctx), job, state, detail)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "%s\n", r.Summary())
	for _, p := range paths {
		fmt.Fprintln(g.stdout, p)
	}
	if opts.email {
		fmt.Fprintf(g.stdout, "Sent to %v.\n", conf.Email.To)
	}
	return nil
}

// registerSource is the report's view of the register: the organisations
// the filter selects, as they stood at a time, each with its region.
func registerSource(st *store.Store, filter store.OrgFilter, regions *region.Set) report.Source {
	return storeSource{st, filter, regions}
}

// storeSource also tells the report when the rules changed, and the
// findings.
type storeSource struct {
	st      *store.Store
	filter  store.OrgFilter
	regions *region.Set
}

var _ report.RulesSource = storeSource{}

func (s storeSource) RegisterAt(ctx context.Context, at time.Time) ([]statement.RegisterEntry, error) {
	entries, err := s.st.RegisterAt(ctx, s.filter, at)
	nameRegions(entries, s.regions)
	return entries, err
}

func (s storeSource) RulesFirstUsed(ctx context.Context) (map[string]time.Time, error) {
	return s.st.RulesFirstUsed(ctx)
}

var _ report.FindingsSource = storeSource{}

// Findings are the findings kept in the register, by company number.
func (s storeSource) Findings(ctx context.Context) (map[string]statement.OrgFindings, error) {
	all, err := s.st.AllFindings(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]statement.OrgFindings, len(all))
	for _, f := range all {
		out[f.CompanyNumber] = f
	}
	return out, nil
}

func makeReport(ctx context.Context, src report.Source, month time.Time, opts reportOptions, now time.Time, data string) ([]string, *report.Report, error) {
	r, err := report.Build(ctx, src, month, opts.region, now)
	if err != nil {
		return nil, nil, err
	}
	out := opts.out
	if out == "" {
		out = filepath.Join(data, "reports", month.Format("2006-01"))
		if opts.region != "" {
			out = filepath.Join(out, opts.region)
		}
	}
	if err := os.MkdirAll(out, 0o750); err != nil {
		return nil, nil, fmt.Errorf("report: %w", err)
	}
	paths, err := r.Write(out, atomicfile.Write)
	return paths, r, err
}
