package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	// links is where the organisations' pages are (web.url)
	links string
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
    to: [steering-group@example.org] # the whole register's report
    # or a list for each region, which receives its region's report only:
    # to:
    #   humber: [humber-msp@example.org]
    #   west-mercia: [analyst@example.org]

With a list for each region, --email makes and sends each region's
report (in reports/YYYY-MM/REGION); with --region, that region's goes to
its list.`,
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
	opts.links = conf.Web.URL
	job, err := st.StartJob(ctx, "report")
	if err != nil {
		return err
	}
	paths, r, err := makeReport(ctx, src, month, opts, now, g.data)
	var sent []sentReport
	if err == nil && opts.email {
		sent, err = g.emailReports(ctx, st, conf, month, now, opts, r, paths)
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
	for _, s := range sent {
		fmt.Fprintf(g.stdout, "Sent %s to %s.\n", s.what(), strings.Join(s.to, ", "))
	}
	return nil
}

// sentReport is a report emailed: the whole register's (region ""), or a
// region's.
type sentReport struct {
	region string
	to     []string
}

func (s sentReport) what() string {
	if s.region == "" {
		return "the report"
	}
	return "the report of " + s.region
}

// emailReports sends the month's reports to email.to. The report made
// (made, its files paths) is the whole register's, or opts.region's: a
// region's goes to its own recipients (else email.to's list); the whole
// register's goes to email.to's list, and each region email.to names gets
// the report of its organisations only, made here (in a folder of the
// region's beside the whole report's). Every recipient is tried; the
// errors are joined.
func (g *globals) emailReports(ctx context.Context, st *store.Store, conf *config, month, now time.Time, opts reportOptions,
	made *report.Report, paths []string) ([]sentReport, error) {
	mc := conf.Email
	if g.mailTLS != nil {
		mc.TLSConfig = g.mailTLS
	}
	to := mc.To
	var sent []sentReport
	var errs []error
	send := func(r *report.Report, paths []string, region string, addrs []string) {
		if err := r.Send(ctx, mc, addrs, paths); err != nil {
			if region != "" {
				err = fmt.Errorf("%s: %w", region, err)
			}
			errs = append(errs, err)
			return
		}
		sent = append(sent, sentReport{region: region, to: addrs})
	}
	if opts.region != "" {
		addrs := to.Regions[opts.region]
		if len(addrs) == 0 {
			addrs = to.All
		}
		if len(addrs) == 0 {
			return nil, usageError("report: email.to names no one for region %s (nor a list for every region)", opts.region)
		}
		send(made, paths, opts.region, addrs)
		return sent, errors.Join(errs...)
	}
	if len(to.All) > 0 {
		send(made, paths, "", to.All)
	}
	for _, id := range to.RegionIDs() {
		filter, err := regionFilter(conf, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ro := reportOptions{region: id}
		if opts.out != "" {
			ro.out = filepath.Join(opts.out, id)
		}
		rp, r, err := makeReport(ctx, registerSource(st, filter, conf.regions), month, ro, now, g.data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
			continue
		}
		send(r, rp, id, to.Regions[id])
	}
	return sent, errors.Join(errs...)
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
	return byCompanyNumber(all), err
}

// FindingsAt are the findings kept by the end of a month, by company
// number.
func (s storeSource) FindingsAt(ctx context.Context, month time.Time) (map[string]statement.OrgFindings, bool, error) {
	all, ok, err := s.st.FindingsAt(ctx, month)
	return byCompanyNumber(all), ok, err
}

func byCompanyNumber(byOrg map[int64]statement.OrgFindings) map[string]statement.OrgFindings {
	out := make(map[string]statement.OrgFindings, len(byOrg))
	for _, f := range byOrg {
		out[f.CompanyNumber] = f
	}
	return out
}

func makeReport(ctx context.Context, src report.Source, month time.Time, opts reportOptions, now time.Time, data string) ([]string, *report.Report, error) {
	r, err := report.Build(ctx, src, month, opts.region, now)
	if err != nil {
		return nil, nil, err
	}
	r.Links = opts.links
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
