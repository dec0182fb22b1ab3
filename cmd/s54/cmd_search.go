package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/store"
)

type searchOptions struct {
	region, sector, rating string
	year, limit, page      int
	allVersions, json      bool
}

func newSearchCmd(g *globals) *cobra.Command {
	var opts searchOptions
	cmd := &cobra.Command{
		Use:   "search [--region R] [--year Y] [--rating X] [--limit N] [--json] QUERY",
		Short: "Search every statement collected, with highlighted passages",
		Long: `Search the statements the crawler collected. The query takes words
(stemmed: "trained" finds "training"; accents aside: "Cafe" finds "Café";
American or British: "labor" finds "labour"), "exact phrases", -exclusions
and +musts, and filters:

  region:hampshire-iow   sector:Hospitality   year:2024   rating:good
  missing:training       met:due_diligence    partial:risk
  company:01234567       company:"Northgate Apparel"

Words are looked for in the statement's text and in the organisation's
name. Each organisation's current statement is searched unless
--all-versions. Words given together rank statements that use them as a
phrase first: in the organisation's name, then in the text.

  s54 search 'agency labour region:hampshire-iow'
  s54 search '"zero tolerance" -training' --all-versions
  s54 search 'missing:training rating:minimum' --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.limit < 1 || opts.page < 1 {
				return usageError("search: --limit and --page start at 1")
			}
			return runSearch(cmd.Context(), g, strings.Join(args, " "), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.region, "region", "", "only organisations in this region")
	f.StringVar(&opts.sector, "sector", "", "only this sector")
	f.StringVar(&opts.rating, "rating", "", "only this rating (below_minimum, minimum, good, strong)")
	f.IntVar(&opts.year, "year", 0, "only statements for the financial year ending in this year")
	f.IntVar(&opts.limit, "limit", 10, "results per page")
	f.IntVar(&opts.page, "page", 1, "page of results")
	f.BoolVar(&opts.allVersions, "all-versions", false, "search every version, not only each organisation's current statement")
	f.BoolVar(&opts.json, "json", false, "print JSON")
	return cmd
}

// indexPath is the search index in the data directory.
func (g *globals) indexPath() string { return filepath.Join(g.data, index.Dir) }

// openIndex opens the search index, knowing the configured regions; for
// reading, a missing one is an error that says how to make it. An index
// made by an older s54 (another mapping) is made again from the register
// first (st's, or the data directory's when st is nil), with a line on
// stderr.
func (g *globals) openIndex(ctx context.Context, conf *config, st *store.Store, create bool) (*index.Index, error) {
	if !create {
		if _, err := os.Stat(g.indexPath()); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no search index in %s yet: run 's54 crawl', or 's54 index rebuild' after an upgrade", g.data)
		}
	}
	x, err := index.Open(g.indexPath())
	if errors.Is(err, index.ErrOldMapping) {
		if err := g.rebuildOldIndex(ctx, conf, st); err != nil {
			return nil, err
		}
		x, err = index.Open(g.indexPath())
	}
	if err != nil {
		return nil, err
	}
	x.SetRegions(conf.regions.IDs())
	return x, nil
}

// rebuildOldIndex makes the index again from the register, for openIndex.
func (g *globals) rebuildOldIndex(ctx context.Context, conf *config, st *store.Store) error {
	if st == nil {
		s, err := g.openStore(ctx)
		if err != nil {
			return err
		}
		defer s.Close()
		st = s
	}
	n := 0
	if err := st.Versions(ctx, 0, func(store.VersionRecord) error { n++; return nil }); err != nil {
		return err
	}
	versions := fmt.Sprintf("%d statements", n)
	if n == 1 {
		versions = "1 statement"
	}
	fmt.Fprintf(g.stderr, "s54: the search index was made by an older s54; making it again (%s)…\n", versions)
	stats, err := pipeline.Rebuild(ctx, st, pipeline.IntoFolder(g.indexPath()), extract.DefaultOptions(), conf.regions.Match)
	if err != nil {
		return fmt.Errorf("index rebuild: %w", err)
	}
	g.warnUnreadable(stats)
	return nil
}

// warnUnreadable says on stderr which versions a rebuild could not index.
func (g *globals) warnUnreadable(stats pipeline.RebuildStats) {
	if stats.Unreadable > 0 {
		fmt.Fprintf(g.stderr, "s54: %d versions could not be read again and are not searchable; the first: %v\n",
			stats.Unreadable, stats.FirstError)
	}
}

func runSearch(ctx context.Context, g *globals, q string, opts searchOptions) error {
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	res, err := g.search(ctx, conf, index.Query{Text: q, Region: opts.region, Sector: opts.sector, Rating: opts.rating,
		Year: opts.year, AllVersions: opts.allVersions, Limit: opts.limit, Offset: (opts.page - 1) * opts.limit})
	if errors.Is(err, index.ErrQuery) {
		return usageError("search: %v", err)
	}
	if err != nil {
		return err
	}
	if opts.json {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res.JSON(func(sha string) string { return store.SnapshotPath(g.data, sha) }))
	}
	bold := false
	if f, ok := g.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bold = true
	}
	matches := fmt.Sprintf("%d statements match", res.Total)
	switch {
	case res.Total == 0:
		fmt.Fprintln(g.stdout, "No statements match.")
		return nil
	case res.Total == 1:
		matches = "1 statement matches"
	}
	if len(res.Hits) == 0 {
		last := (res.Total + uint64(opts.limit) - 1) / uint64(opts.limit)
		fmt.Fprintf(g.stdout, "%s; page %d is past the last (%d).\n", matches, opts.page, last)
		return nil
	}
	first := (opts.page-1)*opts.limit + 1
	fmt.Fprintf(g.stdout, "%s; %d–%d:\n\n", matches, first, first+len(res.Hits)-1)
	for i, h := range res.Hits {
		year := "year unknown"
		if h.Year != 0 {
			year = fmt.Sprintf("FY %d", h.Year)
		}
		fmt.Fprintf(g.stdout, "%d. %s (%s) — %s, %s, score %d", first+i, h.Name, h.CompanyNumber, year, h.Rating, h.Score)
		if !h.Latest {
			fmt.Fprint(g.stdout, " [earlier version]")
		}
		fmt.Fprintf(g.stdout, "\n   %s\n   snapshot %s\n", h.URL, store.SnapshotPath(g.data, h.SHA256))
		for _, fr := range h.Fragments {
			fmt.Fprintf(g.stdout, "   %s\n", oneline.Of(plainFragment(fr, bold)))
		}
		fmt.Fprintln(g.stdout)
	}
	for _, name := range []string{"rating", "region", "year", "missing"} {
		var parts []string
		for _, c := range res.Facets[name] {
			if c.Value != "" {
				parts = append(parts, fmt.Sprintf("%s %d", c.Value, c.Count))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(g.stdout, "%-8s %s\n", name+":", strings.Join(parts, ", "))
		}
	}
	if uint64(first+len(res.Hits)-1) < res.Total {
		fmt.Fprintf(g.stdout, "\nMore: --page %d\n", opts.page+1)
	}
	return nil
}

// search asks the s54 serve running on the data folder, else the index.
func (g *globals) search(ctx context.Context, conf *config, q index.Query) (*index.Result, error) {
	srv, err := g.server()
	if err != nil {
		return nil, err
	}
	if srv != nil {
		return srv.search(ctx, q)
	}
	x, err := g.openIndex(ctx, conf, nil, false)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	return x.Search(ctx, q)
}

var markTag = lazyre.New(`</?mark>`)

// plainFragment turns a highlighted HTML fragment into terminal text: the
// words matched in bold on a terminal, [between brackets] otherwise.
func plainFragment(fr string, bold bool) string {
	open, end := "[", "]"
	if bold {
		open, end = "\x1b[1m", "\x1b[0m"
	}
	fr = markTag().ReplaceAllStringFunc(fr, func(t string) string {
		if t == "<mark>" {
			return open
		}
		return end
	})
	return html.UnescapeString(fr)
}

func newIndexCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "index", Short: "Manage the search index"}
	cmd.AddCommand(&cobra.Command{
		Use:   "rebuild",
		Short: "Make the search index again from the register",
		Long: `Make the search index again from the register: every statement version,
its text read again from its snapshot. The old index serves searches until
the new one is complete; a failure leaves it as it was. While s54 serve
runs on the data folder, it makes its index again itself.`,
		Args: noArgs("index rebuild"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			conf, err := g.loadConfig()
			if err != nil {
				return err
			}
			srv, err := g.server()
			if err != nil {
				return err
			}
			if srv != nil {
				stats, err := srv.rebuild(ctx)
				if err != nil && ctx.Err() != nil {
					return fmt.Errorf("index rebuild: no longer followed here; s54 serve goes on with it")
				}
				if err != nil {
					return fmt.Errorf("index rebuild: %w", err)
				}
				fmt.Fprintf(g.stdout, "Indexed %d statement versions in %s (by the s54 serve running on it).\n", stats.Indexed, g.indexPath())
				if stats.Unreadable > 0 {
					fmt.Fprintf(g.stderr, "s54: %d versions could not be read again and are not searchable; the first: %s\n",
						stats.Unreadable, stats.FirstError)
				}
				return nil
			}
			st, err := g.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			stats, err := pipeline.Rebuild(ctx, st, pipeline.IntoFolder(g.indexPath()), pipeline.ExtractOptions(), conf.regions.Match)
			if err != nil {
				return fmt.Errorf("index rebuild: %w", err)
			}
			fmt.Fprintf(g.stdout, "Indexed %d statement versions in %s.\n", stats.Indexed, g.indexPath())
			g.warnUnreadable(stats)
			return nil
		},
	})
	return cmd
}
