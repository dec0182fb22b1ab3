package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

func newUsersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage staff accounts of the web interface",
		Long: `Manage staff accounts of the web interface. An account may be limited to
regions (--region, as many as needed; see s54 regions): it then sees,
searches and downloads the organisations in them only, on every page and
in the API. Without --region an account sees every organisation.`,
	}
	var addRegions []string
	add := &cobra.Command{
		Use:   "add NAME [--region R]…",
		Short: "Add a staff account; the password is read from the terminal, or from standard input",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkRegions("users add", addRegions); err != nil {
				return err
			}
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			pw, err := g.readPassword()
			if err != nil {
				return err
			}
			hash, err := web.HashPassword(pw)
			if err != nil {
				return usageError("users add: %v", err)
			}
			if err := st.AddUser(cmd.Context(), args[0], hash, addRegions...); err != nil {
				if errors.Is(err, store.ErrExists) {
					return fmt.Errorf("users add: %q exists already (s54 users password NAME changes a password)", args[0])
				}
				return err
			}
			fmt.Fprintf(g.stdout, "Added %s%s.\n", args[0], seesWhat(addRegions))
			return nil
		},
	}
	add.Flags().StringArrayVar(&addRegions, "region", nil, "limit the account to this region (repeat for several)")
	var setRegions []string
	var all bool
	regions := &cobra.Command{
		Use:   "regions NAME (--region R… | --all)",
		Short: "Change the regions a staff account sees (at once, in its open sessions too)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(setRegions) > 0) {
				return usageError("users regions: give --region (as many as needed) or --all")
			}
			if err := g.checkRegions("users regions", setRegions); err != nil {
				return err
			}
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.SetUserRegions(cmd.Context(), args[0], setRegions); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("users regions: no account %q", args[0])
				}
				return err
			}
			fmt.Fprintf(g.stdout, "%s now sees %s.\n", args[0], strings.TrimPrefix(seesWhat(setRegions), ", who sees "))
			return nil
		},
	}
	regions.Flags().StringArrayVar(&setRegions, "region", nil, "a region the account sees (repeat for several)")
	regions.Flags().BoolVar(&all, "all", false, "the account sees every organisation")
	password := &cobra.Command{
		Use:   "password NAME",
		Short: "Change a staff member's password (ending their sessions and API tokens)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			pw, err := g.readPassword()
			if err != nil {
				return err
			}
			hash, err := web.HashPassword(pw)
			if err != nil {
				return usageError("users password: %v", err)
			}
			if err := st.SetPassword(cmd.Context(), args[0], hash); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Changed the password of %s.\n", args[0])
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List staff accounts and the regions they see",
		Args:  noArgs("users list"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runUsersList(cmd.Context(), g)
		},
	}
	token := &cobra.Command{
		Use:   "token NAME [LABEL]",
		Short: "Make an API token for a staff member (shown once)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			u, err := st.UserByName(cmd.Context(), args[0])
			if err != nil {
				return fmt.Errorf("users token: %s: %w", args[0], err)
			}
			tok, hash := web.NewToken()
			label := ""
			if len(args) > 1 {
				label = args[1]
			}
			if err := st.AddAPIToken(cmd.Context(), u.ID, hash, label); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, tok)
			return nil
		},
	}
	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a staff account, its sessions and its API tokens",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.RemoveUser(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Removed %s, with their sessions and API tokens.\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(add, regions, password, list, token, remove)
	return cmd
}

// checkRegions refuses region ids the configuration does not have (or
// the same one twice).
func (g *globals) checkRegions(cmd string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	conf, err := g.loadConfig()
	if err != nil {
		return err
	}
	for i, id := range ids {
		if _, ok := conf.regions.Get(id); !ok {
			return usageError("%s: unknown region %q (known: %s)", cmd, id, strings.Join(conf.regions.IDs(), ", "))
		}
		if slices.Contains(ids[:i], id) {
			return usageError("%s: region %q given twice", cmd, id)
		}
	}
	return nil
}

// seesWhat says what an account of these regions sees.
func seesWhat(regions []string) string {
	if len(regions) == 0 {
		return ", who sees every organisation"
	}
	return ", who sees " + strings.Join(regions, ", ") + " only"
}

func runUsersList(ctx context.Context, g *globals) error {
	st, err := g.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		sees := "every organisation"
		if len(u.Regions) > 0 {
			sees = strings.Join(u.Regions, ", ")
		}
		fmt.Fprintf(g.stdout, "%s\tadded %s\tsees %s\n", u.Name, u.CreatedAt.Format("2006-01-02"), sees)
	}
	return nil
}

// readPassword reads a password without echo on a terminal, else the
// first line of standard input.
func (g *globals) readPassword() (string, error) {
	if f, ok := g.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(g.stderr, "Password: ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.stderr)
		return string(pw), err
	}
	line, err := bufio.NewReader(g.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
