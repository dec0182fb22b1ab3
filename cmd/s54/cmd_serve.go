package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"gopkg.in/yaml.v3"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// webConfig is the web: section of s54.yaml.
type webConfig struct {
	// SecureCookies: the server is reached over HTTPS (a proxy in front
	// terminates TLS), so cookies are marked Secure.
	SecureCookies bool `yaml:"secure_cookies"`
	// TrustedProxies are the reverse proxies in front (CIDRs, or single
	// addresses) whose X-Forwarded-For is believed: the login limits and
	// the upload budgets count the client's address, not the proxy's.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// BehindProxy was the old setting, believing any loopback or private
	// peer; it is read only to be refused with a pointer to the new one.
	BehindProxy yaml.Node `yaml:"behind_proxy"`
}

// validate refuses what the server would misread.
func (c webConfig) validate() error {
	if !c.BehindProxy.IsZero() {
		return errors.New("web.behind_proxy is gone: list your proxies' addresses in web.trusted_proxies instead (e.g. trusted_proxies: [127.0.0.1/32])")
	}
	_, err := c.trustedProxies()
	return err
}

// trustedProxies parses trusted_proxies; a single address is its own /32
// (or /128).
func (c webConfig) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range c.TrustedProxies {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			a, aerr := netip.ParseAddr(strings.TrimSpace(s))
			if aerr != nil {
				return nil, fmt.Errorf("web.trusted_proxies: %q is not an address or a CIDR such as 10.0.0.0/8", s)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

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
	st, regions, _, err := g.openWithRegion(ctx, "")
	if err != nil {
		return err
	}
	defer st.Close()
	x, err := g.openIndex(true)
	if err != nil {
		return err
	}
	defer x.Close()
	chk, err := g.checker()
	if err != nil {
		return err
	}
	proxies, err := conf.Web.trustedProxies()
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	log := slog.New(slog.NewTextHandler(g.stderr, nil))
	srv, err := web.New(web.Config{Store: st, Checker: chk, Index: x, Regions: regions, Extract: extract.DefaultOptions(),
		SecureCookies: conf.Web.SecureCookies, TrustedProxies: proxies, Log: log})
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
		sc, err := newScheduler(st, conf.Schedule, clockwork.NewRealClock(), log, g.scheduledWork(st, x, regions, conf, log))
		if err != nil {
			return err
		}
		if err := sc.Start(ctx); err != nil {
			return err
		}
		defer sc.Stop()
		next := sc.Next(1)
		fmt.Fprintf(g.stdout, "next crawl and report: %s\n", next[0].Format("Mon 2 Jan 2006 15:04 MST"))
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

func newUsersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "users", Short: "Manage staff accounts of the web interface"}
	add := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a staff account; the password is read from the terminal, or from standard input",
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
				return usageError("users add: %v", err)
			}
			if err := st.AddUser(cmd.Context(), args[0], hash); err != nil {
				if errors.Is(err, store.ErrExists) {
					return fmt.Errorf("users add: %q exists already (s54 users password NAME changes a password)", args[0])
				}
				return err
			}
			fmt.Fprintf(g.stdout, "Added %s.\n", args[0])
			return nil
		},
	}
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
		Short: "List staff accounts",
		Args:  noArgs("users list"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			users, err := st.Users(cmd.Context())
			if err != nil {
				return err
			}
			for _, u := range users {
				fmt.Fprintf(g.stdout, "%s\tadded %s\n", u.Name, u.CreatedAt.Format("2006-01-02"))
			}
			return nil
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
	cmd.AddCommand(add, password, list, token, remove)
	return cmd
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
