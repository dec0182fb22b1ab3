package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/spf13/cobra"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

type serveOptions struct {
	addr         string
	allowPrivate bool
}

func newServeCmd(g *globals) *cobra.Command {
	var opts serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Serve the web interface and the JSON API",
		Long: `Serve the web interface: staff pages (search, register, organisation
history, crawl runs) behind a login, and the public page where a business
checks its draft. Staff accounts: s54 users add NAME. JSON API under /api/
(staff: a session, or an API token from s54 users token NAME).

The server crawls and reports on schedule (s54.yaml schedule:); staff
start and stop crawls at /runs. A data folder served for the first time
has missed no run: the first comes at its time, or when staff start it.
A crawl cut short by a shutdown or a crash resumes at the next start; one
staff stopped does not.

While it runs, s54 crawl, search and index rebuild on the same data folder
hand their work to it, over a socket only its user can reach
(server/s54.sock in the data folder); a second s54 serve on the folder is
refused.`,
		Args: noArgs("serve"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), g, opts)
		},
	}
	cmd.Flags().StringVar(&opts.addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&opts.allowPrivate, "allow-private", false, "let the server's crawls reach private and loopback addresses (tests, intranets)")
	return cmd
}

func runServe(ctx context.Context, g *globals, opts serveOptions) error {
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	lock, err := g.claimFolder()
	if err != nil {
		return err
	}
	defer lock.Close()
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	_, firstStart, err := st.MarkServed(ctx, scheduledJob)
	if err != nil {
		return err
	}
	// nothing else runs on the folder now: a run still marked running
	// was cut short by a crash or a kill
	cut, err := st.InterruptCut(ctx, scheduledJob, "cut short: s54 stopped before the end")
	if err != nil {
		return err
	}
	x, err := g.openIndex(ctx, conf, st, true)
	if err != nil {
		return err
	}
	defer x.Close()
	chk, err := g.checker()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(g.stderr, nil))
	var drafts draftTemplates
	go drafts.refresh(ctx, st, log)
	rn := newRunner(ctx, g, st, x, conf, siteAccess{allowPrivate: opts.allowPrivate, hosts: g.hosts}, log)
	rn.crawled = func(ctx context.Context) { drafts.refresh(ctx, st, log) }
	wc := web.Config{Store: st, Checker: chk, Index: x, Regions: conf.regions, Extract: extract.DefaultOptions(),
		SecureCookies: conf.Web.SecureCookies, TrustedProxies: conf.proxies, Log: log, DraftShared: drafts.shared, Crawls: rn}
	g.staffWork(&wc, st, conf, conf.Crawl, siteAccess{allowPrivate: opts.allowPrivate, hosts: g.hosts})
	wc.CheckOrg = rn.checkNow
	srv, err := web.New(wc)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	sayServing(lock, ln.Addr().String())
	local := &localServer{rn: rn, x: x, addr: ln.Addr().String(), log: log}
	lln, token, err := g.listenLocal()
	if err != nil {
		log.Warn("s54 crawl, search and index rebuild cannot reach this server, and stop at its index", "err", err)
	} else {
		local.token = token
		defer local.serveLocal(lln)()
	}
	// the runs end before the socket closes: a crawl's follower gets its
	// end
	defer rn.drain()
	// the first damaged PDF must not wait for pdfium to compile
	go func() {
		if err := extract.WarmPDFium(ctx); err != nil && ctx.Err() == nil {
			log.Warn("pdfium not ready", "err", err)
		}
	}()
	fmt.Fprintf(g.stdout, "s54 serving on http://%s/ (Ctrl-C stops)\n", ln.Addr())
	// the scheduler starts once the address is ours: a server that cannot
	// listen must not start a crawl
	if !conf.Schedule.Off {
		clock := clockwork.NewRealClock()
		sc, err := newScheduler(st, conf.Schedule, clock, log, g.scheduledWork(rn, st, conf, clock.Now, log))
		if err != nil {
			return err
		}
		defer sc.Stop()
		missed, err := sc.missed(ctx)
		if err != nil {
			return err
		}
		if err := sc.Start(ctx); err != nil {
			return err
		}
		if next, err := sc.NextRuns(1); err == nil && len(next) > 0 {
			when := next[0].Format("Mon 2 Jan 2006 15:04 MST")
			switch {
			case missed:
				fmt.Fprintf(g.stdout, "a scheduled run was missed while s54 was not running: crawling and reporting now; the next at %s\n", when)
			case firstStart:
				fmt.Fprintf(g.stdout, "first start on this data folder: nothing is crawled until the first scheduled crawl and report, %s, or until staff start a crawl at /runs\n", when)
			default:
				fmt.Fprintf(g.stdout, "next crawl and report: %s (staff can start a crawl at /runs)\n", when)
			}
		}
	} else {
		fmt.Fprintln(g.stdout, "the schedule is off (schedule.off in s54.yaml): nothing is crawled unless staff start a crawl at /runs")
	}
	if unset := conf.unset(); len(unset) > 0 {
		fmt.Fprintf(g.stdout, "not set yet in s54.yaml: %s\n", strings.Join(unset, "; "))
	}
	rn.resume(ctx, cut, !conf.Schedule.Off)

	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shut)
}

// draftTemplates holds the template finder the self-check asks whether a
// draft is mostly template text: made from the register's statements at
// start, and again after each scheduled crawl.
type draftTemplates struct {
	t atomic.Pointer[findings.Templates]
}

func (d *draftTemplates) refresh(ctx context.Context, st *store.Store, log *slog.Logger) {
	t, err := pipeline.DraftTemplates(ctx, st)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("template texts not read", "err", err)
		}
		return
	}
	d.t.Store(t)
}

// shared is web.Config.DraftShared.
func (d *draftTemplates) shared(text string) (float64, bool) {
	t := d.t.Load()
	if t == nil || t.Len() == 0 {
		return 0, false
	}
	return t.Shared(text, ""), true
}
