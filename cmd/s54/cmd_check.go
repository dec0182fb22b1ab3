package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/statement"
)

type checkOptions struct {
	json         bool
	ocr          bool
	allowPrivate bool
	timeout      time.Duration
	maxMB        int64
}

func newCheckCmd(g *globals) *cobra.Command {
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "check [flags] FILE|DIR|URL|- ...",
		Short: "Check statements or drafts against section 54",
		Long: `Check one or more statements or drafts (PDF, DOCX, HTML, TXT, Markdown):
a file, every statement file in a folder, a URL (fetched with the crawler's
limits), or - for standard input. For each: the rating, each criterion met
or missing with the sentences that prove it, and advice on what to add.
Drafts are read in memory and never stored.` + "\n" + helpExit,
		Example: `  s54 check draft.docx
  s54 check --json statements/
  s54 check https://www.example.com/modern-slavery-statement`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("check: give at least one FILE, DIR, URL or - for standard input")
			}
			if opts.ocr && !cmd.Flags().Changed("timeout") {
				opts.timeout = ocrTimeout // tesseract takes seconds per page
			}
			return runCheck(cmd.Context(), g, opts, args)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.json, "json", false, "print one JSON object per input, one per line")
	f.BoolVar(&opts.ocr, "ocr", false, "read scanned PDFs with tesseract OCR when it is installed (slow; the time limit becomes 10m unless --timeout is given)")
	f.BoolVar(&opts.allowPrivate, "allow-private", false, "allow URLs on private and loopback addresses")
	f.DurationVar(&opts.timeout, "timeout", 30*time.Second, "time limit per input")
	f.Int64Var(&opts.maxMB, "max-mb", 50, "largest input accepted, in MB")
	return cmd
}

// checkResult is the outcome for one input.
type checkResult struct {
	source string
	a      *statement.Assessment
	err    error
	// place says where evidence at a byte offset of the text is, for a
	// reader of the document: "page 3", "line 12", "paragraph 4"
	place func(offset int) string
}

func runCheck(ctx context.Context, g *globals, opts checkOptions, args []string) error {
	if opts.timeout <= 0 || opts.maxMB <= 0 {
		return usageError("check: --timeout and --max-mb must be positive")
	}
	ck, err := g.checker()
	if err != nil {
		return err
	}
	inputs, err := expandInputs(args)
	if err != nil {
		return err
	}
	eopts := extract.Options{MaxBytes: opts.maxMB << 20, Timeout: opts.timeout, OCR: opts.ocr}
	// One input: this process reads one document and exits, so it can be
	// the PDF parser's own process. Several: PDFs go to the worker pool,
	// so that a hang on one cannot hold up the others, and inputs are read
	// as many at once as there are processors, their results printed in
	// order.
	eopts.InProcess = len(inputs) == 1 && g.inProcess()
	if f, ok := g.stderr.(*os.File); ok && opts.ocr && len(inputs) == 1 && term.IsTerminal(int(f.Fd())) {
		// OCR takes seconds a page: say how far it is
		eopts.Progress = func(done, total int) {
			fmt.Fprintf(g.stderr, "\rreading the scan by OCR: page %d of %d", done, total)
			if done == total {
				fmt.Fprint(g.stderr, "\r\033[K")
			}
		}
	}
	results := make([]chan checkResult, len(inputs))
	for i := range results {
		results[i] = make(chan checkResult, 1)
	}
	go func() {
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for i, in := range inputs {
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				results[i] <- checkOne(ctx, g, ck, in, eopts, opts)
			}()
		}
	}()
	code := exitOK
	for i := range inputs {
		r := <-results[i]
		if err := ctx.Err(); err != nil {
			return &exitError{code: exitUnreadable, err: fmt.Errorf("check: interrupted")}
		}
		if err := printResult(g, opts, r, i > 0); err != nil {
			return err
		}
		code = worse(code, resultCode(r))
	}
	if code == exitOK {
		return nil
	}
	return &exitError{code: code}
}

// worse orders exit codes by severity: usage, unreadable, below minimum.
func worse(a, b int) int {
	rank := map[int]int{exitOK: 0, exitBelowMinimum: 1, exitUnreadable: 2, exitUsage: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func resultCode(r checkResult) int {
	switch {
	case r.err != nil:
		return exitUnreadable
	case !r.a.IsStatement, r.a.Rating == statement.BelowMinimum:
		return exitBelowMinimum
	}
	return exitOK
}

// statementExts are the files a folder is searched for.
var statementExts = []string{".pdf", ".docx", ".html", ".htm", ".txt", ".md", ".markdown"}

// expandInputs turns folders into the statement files they hold; files,
// URLs and "-" pass through.
func expandInputs(args []string) ([]string, error) {
	var out []string
	stdin := 0
	for _, a := range args {
		if a == "-" {
			stdin++
			if stdin > 1 {
				return nil, usageError("check: standard input (-) can be read only once")
			}
			out = append(out, a)
			continue
		}
		if isURL(a) {
			out = append(out, a)
			continue
		}
		fi, err := os.Stat(a)
		if err != nil || !fi.IsDir() {
			out = append(out, a) // a missing file is reported as unreadable
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && slices.Contains(statementExts, strings.ToLower(filepath.Ext(p))) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("check: %w", err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("check: %s holds no statement files (%s)", a, strings.Join(statementExts, " "))
		}
		out = append(out, found...)
	}
	return out, nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func checkOne(ctx context.Context, g *globals, ck *checker.Checker, in string, eopts extract.Options, opts checkOptions) checkResult {
	r := checkResult{source: in}
	ctx, cancel := context.WithTimeout(ctx, eopts.Timeout+5*time.Second)
	defer cancel()
	var text statement.Text
	switch {
	case in == "-":
		r.source = "stdin"
		text, r.err = extract.Reader(ctx, g.stdin, "stdin", "", eopts)
	case isURL(in):
		text, r.err = fetchAndExtract(ctx, in, eopts, opts)
	default:
		text, r.err = extract.File(ctx, in, eopts)
	}
	if r.err != nil {
		return r
	}
	a := ck.Check(text)
	r.a = &a
	var original []byte
	if in != "-" && !isURL(in) && (text.Format == statement.FormatText || text.Format == statement.FormatMarkdown) {
		original, _ = os.ReadFile(in)
	}
	r.place = evidencePlace(text, original)
	return r
}

func fetchAndExtract(ctx context.Context, rawURL string, eopts extract.Options, opts checkOptions) (statement.Text, error) {
	fo := crawler.DefaultFetchOptions()
	fo.AllowPrivate = opts.allowPrivate
	fo.MaxBytes = eopts.MaxBytes
	fo.Timeout = opts.timeout
	client := crawler.NewClient(fo)
	defer client.CloseIdleConnections()
	doc, err := crawler.Fetch(ctx, client, rawURL, fo)
	if err != nil {
		return statement.Text{}, err
	}
	return extract.Bytes(ctx, doc.Body, doc.URL, doc.ContentType, eopts)
}

func printResult(g *globals, opts checkOptions, r checkResult, notFirst bool) error {
	if opts.json {
		enc := json.NewEncoder(g.stdout)
		if r.err != nil {
			fmt.Fprintln(g.stderr, "s54:", oneline.Of(r.err.Error()))
			return enc.Encode(map[string]string{"source": r.source, "error": oneline.Of(r.err.Error())})
		}
		return enc.Encode(r.a)
	}
	if r.err != nil {
		fmt.Fprintln(g.stderr, "s54:", oneline.Of(r.err.Error()))
		return nil
	}
	if notFirst {
		fmt.Fprintln(g.stdout)
	}
	return writeAssessment(g.stdout, r.a, g.verbose, time.Now(), r.place)
}
