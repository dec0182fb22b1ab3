package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

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
earlier assessment and is listed.`,
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
	// the index is the server's while it runs: a recheck assesses and
	// indexes in one pass, so it waits for the server to stop
	if srv, err := g.server(); err != nil {
		return err
	} else if srv != nil {
		return errors.New("recheck: s54 serve runs on this data folder and holds its search index: stop it, run s54 recheck, then start it again")
	}
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := pipeline.Recheck(ctx, st, ck, pipeline.IntoFolder(g.indexPath()), pipeline.ExtractOptions(), conf.regions.Match, opts.all, time.Now())
	if err != nil {
		return fmt.Errorf("recheck: %w", err)
	}
	fmt.Fprintf(g.stdout, "Assessed %d statement versions again with the rules %s: %d changed rating; %d were assessed with them already.\n",
		rs.Reassessed, ck.RulesID(), rs.RatingChanged, rs.Current)
	fmt.Fprintf(g.stdout, "Indexed %d statement versions in %s.\n", rs.Indexed, g.indexPath())
	if n := len(rs.NotStatements); n > 0 {
		fmt.Fprintf(g.stdout, "%d versions are not statements by these rules; their earlier assessment is kept:\n", n)
		for _, s := range rs.NotStatements {
			fmt.Fprintf(g.stdout, "  %s\n", s)
		}
	}
	if _, err := pipeline.RefreshFindings(ctx, st, pipeline.ExtractOptions(), conf.regions.Match); err != nil {
		return fmt.Errorf("recheck: findings: %w", err)
	}
	if rs.Unreadable > 0 {
		fmt.Fprintf(g.stderr, "s54: %d versions could not be read again: the first: %v\n", rs.Unreadable, rs.FirstError)
	}
	return nil
}
