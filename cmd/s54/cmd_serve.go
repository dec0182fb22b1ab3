package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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

func newServeCmd(g *globals) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Serve the web interface and the JSON API",
		Long: `Serve the web interface: staff pages (search, register, organisation
history, crawl runs) behind a login, and the public page where a business
checks its draft. Staff accounts: s54 users add NAME. JSON API under /api/
(staff: a session, or an API token from s54 users token NAME).`,
		Args: noArgs("serve"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), g, addr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	return cmd
}

func runServe(ctx context.Context, g *globals, addr string) error {
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
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
	srv, err := web.New(web.Config{Store: st, Checker: chk, Index: x, Regions: conf.regions, Extract: extract.DefaultOptions(),
		SecureCookies: conf.Web.SecureCookies, TrustedProxies: conf.proxies, Log: log, DraftShared: drafts.shared})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// the first damaged PDF must not wait for pdfium to compile
	go func() {
		if err := extract.WarmPDFium(ctx); err != nil && ctx.Err() == nil {
			log.Warn("pdfium not ready", "err", err)
		}
	}()
	// the scheduler starts once the address is ours: a server that cannot
	// listen must not start a crawl
	if !conf.Schedule.Off {
		clock := clockwork.NewRealClock()
		sc, err := newScheduler(st, conf.Schedule, clock, log, g.scheduledWork(st, x, conf, clock.Now, log, func(ctx context.Context) { drafts.refresh(ctx, st, log) }))
		if err != nil {
			return err
		}
		defer sc.Stop()
		if err := sc.Start(ctx); err != nil {
			return err
		}
		if next, err := sc.NextRuns(1); err == nil && len(next) > 0 {
			fmt.Fprintf(g.stdout, "next crawl and report: %s\n", next[0].Format("Mon 2 Jan 2006 15:04 MST"))
		}
	}

	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(g.stdout, "s54 serving on http://%s/ (Ctrl-C stops)\n", ln.Addr())
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
