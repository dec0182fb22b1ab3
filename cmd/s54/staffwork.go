package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// staffWork gives the web server the staff's work that needs the whole
// of s54: the addresses staff give checked as this server's crawls would
// reach them, this month's report made as s54 report makes it, and a list
// imported as s54 orgs import imports it.
func (g *globals) staffWork(cfg *web.Config, st *store.Store, conf *config, cc crawlConfig, reach siteAccess) {
	fetch := crawlerOptions(cc, reach).Fetch
	cfg.CheckURL = func(ctx context.Context, raw string) error { return crawler.CheckURL(ctx, raw, fetch) }
	cfg.MakeReport = func(ctx context.Context, month time.Time, region string) error {
		return g.reportNow(ctx, st, conf, month, region)
	}
	cfg.ImportList = func(ctx context.Context, file string, r io.Reader, by string) (string, error) {
		var out strings.Builder
		err := g.importList(ctx, st, r, file, importOptions{format: "auto"}, by, &out, true)
		return out.String(), err
	}
}

// reportNow makes a month's report into the data folder, recorded as a
// report job, as s54 report does.
func (g *globals) reportNow(ctx context.Context, st *store.Store, conf *config, month time.Time, region string) error {
	filter, err := regionFilter(conf, region)
	if err != nil {
		return err
	}
	job, err := st.StartJob(ctx, "report")
	if err != nil {
		return err
	}
	paths, _, err := makeReport(ctx, registerSource(st, filter, conf.regions), month,
		reportOptions{region: region, links: conf.Web.URL}, time.Now(), g.data)
	state, detail := statement.RunCompleted, fmt.Sprintf("%s %v", month.Format("2006-01"), paths)
	if err != nil {
		state, detail = statement.RunFailed, err.Error()
	}
	if ferr := st.FinishJob(context.WithoutCancel(ctx), job, state, detail); err == nil {
		err = ferr
	}
	return err
}
