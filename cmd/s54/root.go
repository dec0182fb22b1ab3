package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/rules"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes, documented in `s54 --help`.
const (
	exitOK           = 0 // done; for check: every statement meets the legal minimum
	exitUnreadable   = 1 // an input could not be read, or the command failed
	exitUsage        = 2 // wrong flags or arguments
	exitBelowMinimum = 3 // check: a statement misses the legal minimum
)

// exitError carries an exit code with the error (or with none, when the
// output already said everything).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// globals are the flags every command shares.
type globals struct {
	data     string
	config   string
	rulesDir string
	verbose  bool
	// hosts maps host:port to a loopback address for s54 crawl: the tests
	// serve named sites from loopback (see siteAccess).
	hosts map[string]string
	// mailTLS, when set, is the TLS the reports' email trusts: the tests'
	// SMTP server has a certificate of its own. Never from the config.
	mailTLS *tls.Config
	// oneShot: the process exits when this command returns (the s54
	// binary, not a test calling Main repeatedly).
	oneShot bool
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

// checker returns a checker for the embedded rules or --rules DIR.
func (g *globals) checker() (*checker.Checker, error) {
	set, err := g.rules()
	if err != nil {
		return nil, err
	}
	return checker.New(set)
}

func (g *globals) rules() (*rules.Set, error) {
	if g.rulesDir == "" {
		return rules.Default()
	}
	return rules.LoadDir(g.rulesDir)
}

const helpExit = `
Exit codes:
  0  success; for check, every statement meets the legal minimum
  1  an input could not be read, or the command failed
  2  usage: wrong flags or arguments
  3  check: a statement is below the legal minimum (board approval and a
     director's signature; when crawled, a link on the homepage)
With several inputs, check exits with the worst: 2, then 1, then 3.
`

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "s54",
		Short: "Check UK Modern Slavery Act 2015 section 54 statements",
		Long: `s54 checks slavery and human trafficking statements against section 54
of the Modern Slavery Act 2015 and the statutory guidance: board approval,
a director's signature, the financial year covered and the six areas of
s.54(5), each with the evidence found and advice on what is missing.` + "\n" + helpExit,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetIn(g.stdin)
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&g.data, "data", envOr("S54_DATA", "./s54-data"), "data directory ($S54_DATA when set)")
	pf.StringVar(&g.config, "config", "", "config file (default s54.yaml in the data directory)")
	pf.StringVar(&g.rulesDir, "rules", "", "load the rule set from this directory instead of the built-in one")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "say more")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	root.AddCommand(newCheckCmd(g), newExtractCmd(g), newRulesCmd(g), newOrgsCmd(g), newRegisterCmd(g), newRegionsCmd(g), newCrawlCmd(g), newSearchCmd(g), newIndexCmd(g), newRecheckCmd(g), newFindingsCmd(g), newServeCmd(g), newUsersCmd(g), newReportCmd(g), newScheduleCmd(g), newDemoCmd(g))
	return root
}

// inProcess reports whether this run may parse a document in its own
// process (see extract.Options.InProcess): only when the process exits
// after this command. It then takes the PDF child's soft memory limit and
// a lazier collector, which a short life can afford.
func (g *globals) inProcess() bool {
	if !g.oneShot {
		return false
	}
	debug.SetMemoryLimit(oneShotMemoryLimit)
	debug.SetGCPercent(400)
	return true
}

// ocrTimeout replaces the default time limit when --ocr is given and
// --timeout is not: OCR takes 7–12 s per page.
const ocrTimeout = 10 * time.Minute

// oneShotMemoryLimit matches the PDF child's soft heap limit.
const oneShotMemoryLimit = 1 << 30

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// Main runs s54 with args and returns the exit code. Errors are printed as
// one line on stderr, never with a stack trace. oneShot says the process
// exits afterwards, so a single document may be parsed in it.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, oneShot bool) int {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr, oneShot: oneShot}
	return g.main(ctx, args)
}

// main runs the command of args with g's streams and settings.
func (g *globals) main(ctx context.Context, args []string) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	stderr := g.stderr
	root := newRoot(g)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitUnreadable
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	} else if isCobraUsage(err) {
		code = exitUsage
	}
	fmt.Fprintln(stderr, "s54:", oneline.Of(err.Error()))
	if code == exitUsage {
		fmt.Fprintln(stderr, "run 's54 --help' for usage")
	}
	return code
}

// isCobraUsage recognises cobra's own argument errors, which it returns as
// plain errors.
func isCobraUsage(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "unknown command") || strings.HasPrefix(m, "unknown flag") ||
		strings.Contains(m, "arg(s)") || strings.HasPrefix(m, "invalid argument")
}
