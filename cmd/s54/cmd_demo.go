package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/internal/sampleweb"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// demoData is the demo's data directory unless --data or $S54_DATA.
const demoData = "./s54-demo"

type demoOptions struct {
	addr      string
	generated int
	noServe   bool
	timeout   time.Duration
}

func newDemoCmd(g *globals) *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo [--addr 127.0.0.1:8080]",
		Short: "See s54 work on a bundled sample web of company sites",
		Long: `Serve a bundled sample web of fictional company sites on loopback (the
tests' fake web: statements strong and weak, PDFs, a statements page with
several years, no statement, no homepage link, sites that fail; and some
generated ones), import those organisations into the data directory, crawl,
check and index their statements, write this month's report, make a demo
staff login and serve the web interface. The data goes to ./s54-demo
unless --data or $S54_DATA says otherwise. A second run keeps the data and
starts at once, crawling again in the background.`,
		Args: noArgs("demo"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// the demo keeps to a folder of its own unless told otherwise:
			// its fictional companies stay out of a real register
			if !cmd.Flags().Changed("data") && os.Getenv("S54_DATA") == "" {
				g.data = demoData
			}
			return runDemo(cmd.Context(), g, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.addr, "addr", "127.0.0.1:8080", "address of the web interface")
	f.IntVar(&opts.generated, "generated", 12, "generated sites added to the sample web")
	f.BoolVar(&opts.noServe, "no-serve", false, "stop after the crawl and the report (for tests)")
	// a loaded test machine answers loopback more slowly than a person's
	f.DurationVar(&opts.timeout, "fetch-timeout", 3*time.Second, "time limit of each request to the sample web")
	f.MarkHidden("fetch-timeout")
	return cmd
}

// demoWeb is the sample web and the generated sites.
func demoWeb(generated int) (*fakeweb.Web, error) {
	sample, err := fakeweb.Load(sampleweb.FS())
	if err != nil {
		return nil, err
	}
	if generated <= 0 {
		return sample, nil
	}
	return fakeweb.Join(sample, fakeweb.Generate(generated))
}

func runDemo(ctx context.Context, g *globals, opts demoOptions) error {
	start := time.Now()
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	regions := conf.regions
	sites, err := demoWeb(opts.generated)
	if err != nil {
		return err
	}
	// the sample web was written in 2025: its years move with the calendar,
	// so that its statements are as current as when it was written
	sites.ShiftYears(fakeweb.YearsSince(time.Now()))
	fw := fakeweb.Start(sites)
	defer fw.Close()
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var orgs []statement.Org
	for _, s := range sites.Sites {
		orgs = append(orgs, statement.Org{CompanyNumber: s.CompanyNumber, Name: s.Name, Postcode: s.Postcode,
			Website: "http://" + s.Host + "/", StatementURL: s.KnownURL, Sector: sectorOf(s),
			Turnover: statement.Turnover{Min: 36e6 + int64(len(s.Name))*1e6, Max: 36e6 + int64(len(s.Name))*1e6}})
	}
	if _, err := st.ImportOrgs(ctx, "s54 demo sample web", "s54", orgs, 0); err != nil {
		return err
	}
	x, err := g.openIndex(ctx, conf, st, true)
	if err != nil {
		return err
	}
	defer x.Close()
	// only the sample organisations are crawled (with loopback allowed):
	// others in the register are not the demo's to visit
	var numbers []string
	for _, o := range orgs {
		numbers = append(numbers, o.CompanyNumber)
	}
	all, err := st.Orgs(ctx, store.OrgFilter{CompanyNumbers: numbers})
	if err != nil {
		return err
	}
	// the sample web is on loopback and fast: no delay, short time limits
	cc := crawlConfig{Concurrency: 8, MaxRequests: 20, Timeout: opts.timeout, MaxBytes: 8 << 20, Contact: "https://github.com/s54dev/s54"}
	reach := siteAccess{allowPrivate: true, hosts: fw.Hosts(sites)}
	runs, err := st.Runs(ctx, 1)
	if err != nil {
		return err
	}
	crawled := len(runs) > 0 && runs[0].State == statement.RunCompleted
	crawlNow := func(ctx context.Context) error {
		sum, err := g.crawl(ctx, st, x, regions, all, "demo", cc, reach, crawlHooks{by: "s54 demo"})
		if err == nil {
			fmt.Fprintf(g.stdout, "Crawled the sample web: %s\n", sum.String())
		}
		return err
	}
	if !crawled {
		fmt.Fprintf(g.stdout, "Crawling %d sample sites on loopback…\n", len(all))
		if err := crawlNow(ctx); err != nil {
			return err
		}
	}
	paths, err := g.demoReport(ctx, st, regions)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "This month's report: %s\n", paths[0])
	if opts.noServe {
		return nil
	}
	password, err := demoLogin(ctx, st, g.data)
	if err != nil {
		return err
	}
	chk, err := g.checker()
	if err != nil {
		return err
	}
	wc := web.Config{Store: st, Checker: chk, Index: x, Regions: regions, Extract: extract.DefaultOptions(),
		Log: slog.New(slog.DiscardHandler)}
	g.staffWork(&wc, st, conf, cc, reach)
	srv, err := web.New(wc)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("demo: %w (another s54 running? try --addr 127.0.0.1:8081)", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(g.stdout, `
s54 is ready (%s): open http://%s/
  log in as: demo
  password:  %s   (kept in demo-password in the data folder)
  the register:  http://%s/register
  search:        http://%s/search?q=agency+workers
  self-check:    http://%s/check   (no login needed)
The sample companies' sites end in .test, which no browser can open: their
statements are in s54's snapshots. The data is in %s; Ctrl-C stops.
`, time.Since(start).Round(100*time.Millisecond), ln.Addr(), password, ln.Addr(), ln.Addr(), ln.Addr(), g.data)
	if crawled {
		// a second run: the data is there; crawl again meanwhile. The
		// crawl ends (cancelled with ctx) before the store and the index
		// it writes close.
		var crawling sync.WaitGroup
		defer crawling.Wait()
		cctx, stop := context.WithCancel(ctx)
		defer stop()
		crawling.Go(func() {
			if err := crawlNow(cctx); err != nil && !errors.Is(err, context.Canceled) {
				fmt.Fprintf(g.stderr, "s54: demo crawl: %v\n", oneline.Of(err.Error()))
			}
		})
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return hs.Shutdown(shut)
}

// sectorOf names a sample site's sector for the demo's coverage tables.
func sectorOf(s *fakeweb.Site) string {
	sectors := []string{"Manufacturing", "Retail", "Logistics", "Hospitality", "Construction", "Food"}
	return sectors[len(s.Host)%len(sectors)]
}

// demoReport writes this month's report (so far) into the data directory.
func (g *globals) demoReport(ctx context.Context, st *store.Store, regions *region.Set) ([]string, error) {
	now := time.Now()
	paths, _, err := makeReport(ctx, registerSource(st, store.OrgFilter{}, regions), now, reportOptions{}, now, g.data)
	return paths, err
}

// demoLogin gives the demo staff account its password: the one kept in
// the data folder (demo-password, the owner's alone) since the first run,
// else a new random one, kept there.
func demoLogin(ctx context.Context, st *store.Store, data string) (string, error) {
	path := filepath.Join(data, "demo-password")
	password := ""
	if b, err := os.ReadFile(path); err == nil {
		password = strings.TrimSpace(string(b))
	}
	if len(password) < 12 {
		tok, _ := web.NewToken()
		password = tok[:16]
		if err := os.WriteFile(path, []byte(password+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
	}
	hash, err := web.HashPassword(password)
	if err != nil {
		return "", err
	}
	err = st.AddUser(ctx, "demo", hash)
	if errors.Is(err, store.ErrExists) {
		err = st.SetPassword(ctx, "demo", hash)
	}
	return password, err
}
