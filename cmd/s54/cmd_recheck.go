package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/pipeline"
)

type recheckOptions struct {
	all bool
}

func newRecheckCmd(g *globals) *cobra.Command {
	var opts recheckOptions
	cmd := &cobra.Command{
		Use:   "recheck",
		Short: "Assess every stored statement again with the current rules",
		Long: `Assess every statement version in the register again, read from its
snapshot, with the current rules (those in use: the built-in rules, or
--rules DIR), and make the search index again with the new verdicts, so that
the register, search and the next reports are on one scale after the rules
change. Earlier assessments are kept; the monthly report marks the month the
rules changed. Versions already assessed with these rules are left, unless
--all. A version the current rules do not read as a statement keeps its
earlier assessment and is listed. While s54 serve runs on the data folder,
it does the recheck itself, between crawls, when it reads with the same
rules.`,
		Args: noArgs("recheck"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRecheck(cmd, g, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.all, "all", false, "assess again also the versions assessed with these rules already")
	return cmd
}

func runRecheck(cmd *cobra.Command, g *globals, opts recheckOptions) error {
	ctx := cmd.Context()
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	ck, err := g.checker()
	if err != nil {
		return err
	}
	// the index is the server's while it runs: it assesses and indexes
	// in the crawls' turn
	srv, err := g.server()
	if err != nil {
		return err
	}
	var out recheckJSON
	where := g.indexPath()
	if srv != nil {
		out, err = srv.recheck(ctx, localRecheck{Rules: ck.RulesID(), All: opts.all})
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("recheck: no longer followed here; s54 serve goes on with it and logs \"recheck done\" when it is")
		}
		if err != nil {
			return fmt.Errorf("recheck: %w", err)
		}
		where += " (by the s54 serve running on it)"
	} else {
		if out, err = recheckHere(ctx, g, conf, ck, opts.all); err != nil {
			return err
		}
	}
	fmt.Fprintf(g.stdout, "Assessed %d statement versions again with the rules %s: %d changed rating; %d were assessed with them already.\n",
		out.Reassessed, out.Rules, out.RatingChanged, out.Current)
	fmt.Fprintf(g.stdout, "Indexed %d statement versions in %s.\n", out.Indexed, where)
	if n := len(out.NotStatements); n > 0 {
		fmt.Fprintf(g.stdout, "%d versions are not statements by these rules; their earlier assessment is kept:\n", n)
		for _, s := range out.NotStatements {
			fmt.Fprintf(g.stdout, "  %s\n", s)
		}
	}
	if out.Unreadable > 0 {
		fmt.Fprintf(g.stderr, "s54: %d versions could not be read again: the first: %s\n", out.Unreadable, out.FirstError)
	}
	return nil
}

// recheckHere is s54 recheck when no server runs on the data folder: in
// this process, on the store and the index folder.
func recheckHere(ctx context.Context, g *globals, conf *config, ck *checker.Checker, all bool) (recheckJSON, error) {
	st, err := g.openStore(ctx)
	if err != nil {
		return recheckJSON{}, err
	}
	defer st.Close()
	rs, err := pipeline.Recheck(ctx, st, ck, pipeline.IntoFolder(g.indexPath()), pipeline.ExtractOptions(), conf.regions.Match, all, time.Now())
	if err != nil {
		return recheckJSON{}, fmt.Errorf("recheck: %w", err)
	}
	if _, err := pipeline.RefreshFindings(ctx, st, pipeline.ExtractOptions(), conf.regions.Match); err != nil {
		return recheckJSON{}, fmt.Errorf("recheck: findings: %w", err)
	}
	return recheckResult(ck, rs), nil
}

// recheckResult is what a recheck with ck's rules says it did.
func recheckResult(ck *checker.Checker, rs pipeline.RecheckStats) recheckJSON {
	return recheckJSON{Rules: ck.RulesID(), Reassessed: rs.Reassessed, RatingChanged: rs.RatingChanged, Current: rs.Current,
		NotStatements: rs.NotStatements, rebuildJSON: rebuildResult(rs.RebuildStats)}
}
