package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

type crawlOptions struct {
	orgs         []string
	region       string
	allowPrivate bool
	concurrency  int
	delay        time.Duration
	restart      bool
}

func newCrawlCmd(g *globals) *cobra.Command {
	var opts crawlOptions
	cmd := &cobra.Command{
		Use:   "crawl [--org NUMBER]… [--region R] [--allow-private] [--concurrency N]",
		Short: "Find, fetch, check and record the organisations' statements",
		Long: `Visit each organisation's website, find its modern slavery statement from
the homepage (links in the body, menus and footer, one or two hops through
legal, policies or sustainability pages, a statements page with several
years), fetch it, check it and record the outcome in the register:
found, no_statement (with what was tried), robots_blocked, unreachable or
error. robots.txt is obeyed; one request at a time per host, with a delay.

A run stopped by Ctrl-C or killed is resumed by the next crawl of the
same organisations; --restart starts afresh. Per-site failures are
recorded, not fatal: the exit code is 0 when the run completed.

Settings in s54.yaml:
  crawl:
    contact: https://partnership.example/s54   # in the User-Agent
    delay: 1s            # between requests to one host
    concurrency: 8       # sites at once
    max_requests: 30     # per site
    timeout: 30s         # per request`,
		Args: noArgs("crawl"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.concurrency < 0 || opts.delay < 0 {
				return usageError("crawl: --concurrency and --delay cannot be negative")
			}
			return runCrawl(cmd.Context(), g, opts, cmd.Flags().Changed("delay"), cmd.Flags().Changed("concurrency"))
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.orgs, "org", nil, "only this organisation (company number); repeat for more")
	f.StringVar(&opts.region, "region", "", "only organisations in this region")
	f.BoolVar(&opts.allowPrivate, "allow-private", false, "allow private and loopback addresses (tests, intranets)")
	f.IntVar(&opts.concurrency, "concurrency", defaultConcurrency, "sites crawled at once")
	f.DurationVar(&opts.delay, "delay", defaultDelay, "pause between two requests to one host")
	f.BoolVar(&opts.restart, "restart", false, "do not resume an interrupted run")
	return cmd
}

func runCrawl(ctx context.Context, g *globals, opts crawlOptions, delaySet, concurrencySet bool) error {
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	cc := conf.Crawl
	if delaySet {
		cc.Delay = opts.delay
	}
	if concurrencySet {
		cc.Concurrency = opts.concurrency
	}
	filter, selection, err := crawlSelection(conf, opts.region, opts.orgs)
	if err != nil {
		return err
	}
	by := commandLineUser("s54 crawl")
	srv, err := g.server()
	if err != nil {
		return err
	}
	if srv != nil {
		req := localCrawl{Region: opts.region, Orgs: filter.CompanyNumbers, Restart: opts.restart, AllowPrivate: opts.allowPrivate, By: by}
		if concurrencySet {
			req.Concurrency = cc.Concurrency
		}
		if delaySet {
			req.Delay = &cc.Delay
		}
		return g.crawlOnServer(ctx, srv, req)
	}
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	orgs, err := st.Orgs(ctx, filter)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return errors.New("crawl: no organisations selected; import some with 's54 orgs import FILE'")
	}
	if opts.restart {
		if run, ok, err := st.UnfinishedRun(ctx); err != nil {
			return err
		} else if ok {
			if err := st.FinishRun(ctx, run.ID, statement.RunAbandoned, "--restart"); err != nil {
				return err
			}
		}
	}
	x, err := g.openIndex(ctx, conf, st, true)
	if err != nil {
		return err
	}
	defer x.Close()
	prog := newCrawlProgress(g, len(orgs))
	reach := siteAccess{allowPrivate: opts.allowPrivate, hosts: g.hosts}
	sum, err := g.crawl(ctx, st, x, conf.regions, orgs, selection, cc, reach, crawlHooks{by: by, progress: prog.event})
	prog.finish()
	if sum.RunID != 0 {
		fmt.Fprintln(g.stdout, sum.String())
	}
	switch {
	case sum.Interrupted:
		return &exitError{code: exitUnreadable, err: fmt.Errorf("crawl stopped: %d of %d organisations done; run the same crawl again to resume",
			sum.Done, sum.Total-sum.NoWebsite)}
	case err != nil:
		return fmt.Errorf("crawl: %w", err)
	}
	g.warnNoWebsite(sum)
	return nil
}

// crawlOnServer has the s54 serve running on the data folder make the
// crawl, and shows its progress as a crawl of this process's would.
func (g *globals) crawlOnServer(ctx context.Context, srv *serverClient, req localCrawl) error {
	var prog *crawlProgress
	end, err := srv.crawl(ctx, req, func(ev localEvent) {
		prog = newCrawlProgress(g, ev.Total)
		if g.verbose {
			fmt.Fprintf(g.stderr, "s54: s54 serve crawls (run %d); Ctrl-C stops the run\n", ev.RunID)
		}
	}, func(ev pipeline.Event) { prog.event(ev) })
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		return fmt.Errorf("crawl: %w", err)
	}
	sum := *end.Summary
	if sum.RunID != 0 {
		fmt.Fprintln(g.stdout, sum.String())
	}
	done := fmt.Sprintf("%d of %d organisations done", sum.Done, sum.Total-sum.NoWebsite)
	switch end.State {
	case statement.RunStopped:
		if end.StoppedBy == req.By {
			return &exitError{code: exitUnreadable, err: fmt.Errorf("crawl stopped: %s; run the same crawl again to resume", done)}
		}
		return &exitError{code: exitUnreadable, err: fmt.Errorf("crawl stopped by %s: %s; run the same crawl again to resume", end.StoppedBy, done)}
	case statement.RunInterrupted:
		return &exitError{code: exitUnreadable, err: fmt.Errorf("crawl interrupted: s54 serve stopped (%s); it resumes the run when it starts again", done)}
	case statement.RunFailed:
		return fmt.Errorf("crawl: %s", end.Error)
	}
	g.warnNoWebsite(sum)
	return nil
}

// warnNoWebsite says how many organisations a crawl could not visit.
func (g *globals) warnNoWebsite(sum pipeline.Summary) {
	if sum.NoWebsite > 0 {
		fmt.Fprintf(g.stderr, "s54: %d organisations have no website and no statement URL; import a list with websites to crawl them\n", sum.NoWebsite)
	}
}

// siteAccess says which addresses a crawl may reach.
type siteAccess struct {
	// allowPrivate permits private and loopback addresses (--allow-private).
	allowPrivate bool
	// hosts maps host:port to the loopback address to dial instead: the
	// tests and the demo serve named sites from loopback. Never from a
	// flag or the config: a user cannot point the crawler at internal
	// addresses with it.
	hosts map[string]string
}

// crawlHooks say who starts a crawl, and what it tells as it goes.
type crawlHooks struct {
	by       string
	started  func(pipeline.Summary)
	progress func(pipeline.Event)
}

// crawl runs the pipeline over orgs with the crawl settings: for s54
// crawl, s54 serve's runner and the demo, which have the register and
// index open.
func (g *globals) crawl(ctx context.Context, st *store.Store, x *index.Index, regions *region.Set, orgs []store.OrgRecord,
	selection string, cc crawlConfig, reach siteAccess, hooks crawlHooks) (pipeline.Summary, error) {
	chk, err := g.checker()
	if err != nil {
		return pipeline.Summary{}, err
	}
	cr := pipeline.NewCrawler(crawlerOptions(cc, reach), chk)
	defer cr.Close()
	p := &pipeline.Pipeline{Store: st, Crawler: cr, Checker: chk, Extract: pipeline.ExtractOptions(),
		Concurrency: max(1, cc.Concurrency), Index: x, Region: regions.Match, Progress: hooks.progress,
		By: hooks.by, AllowPrivate: reach.allowPrivate, Started: hooks.started}
	sum, err := p.Crawl(ctx, orgs, selection)
	if err == nil && sum.NewVersions > 0 {
		// new statements: shared text and re-dated ones, registry claims
		// set against them
		if _, ferr := pipeline.RefreshFindings(ctx, st, pipeline.ExtractOptions(), regions.Match); ferr != nil && ctx.Err() == nil {
			fmt.Fprintf(g.stderr, "s54: findings not made again: %v\n", ferr)
		}
	}
	return sum, err
}

// crawlerOptions are the crawler's options for the crawl settings and
// the addresses it may reach.
func crawlerOptions(cc crawlConfig, reach siteAccess) crawler.Options {
	co := crawler.DefaultOptions()
	co.Fetch.UserAgent = crawler.UserAgent(cc.Contact)
	co.Fetch.AllowPrivate = reach.allowPrivate
	co.Fetch.Hosts = reach.hosts
	co.Fetch.Timeout = cc.Timeout
	co.Fetch.MaxBytes = cc.MaxBytes
	co.Delay = cc.Delay
	co.MaxRequests = cc.MaxRequests
	co.Render.Browser = cc.Browser
	return co
}

// crawlProgress shows a bar on a terminal, plain lines otherwise.
type crawlProgress struct {
	g   *globals
	bar *progressbar.ProgressBar
	out io.Writer
}

func newCrawlProgress(g *globals, total int) *crawlProgress {
	p := &crawlProgress{g: g, out: g.stdout}
	if f, ok := g.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(g.stderr),
			progressbar.OptionSetDescription("crawling"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
		)
	}
	return p
}

func (p *crawlProgress) event(ev pipeline.Event) {
	line := fmt.Sprintf("%s %s: %s", ev.Org.CompanyNumber, ev.Org.Name, strings.ReplaceAll(string(ev.Outcome), "_", " "))
	switch {
	case ev.Rating != "":
		line += fmt.Sprintf(" (%s) %s", ev.Rating, ev.URL)
	case ev.Reason != "":
		line += " — " + ev.Reason
	}
	if p.bar != nil {
		p.bar.ChangeMax(ev.Total)
		p.bar.Describe(truncate(ev.Org.Name, 30))
		p.bar.Set(ev.Done)
		if p.g.verbose {
			p.bar.Clear()
			fmt.Fprintln(p.g.stderr, line)
		}
		return
	}
	fmt.Fprintf(p.out, "[%d/%d] %s\n", ev.Done, ev.Total, line)
}

func (p *crawlProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
