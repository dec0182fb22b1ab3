package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

type extractOptions struct {
	ocr          bool
	allowPrivate bool
	timeout      time.Duration
}

func newExtractCmd(g *globals) *cobra.Command {
	var opts extractOptions
	cmd := &cobra.Command{
		Use:   "extract [flags] FILE|URL|-",
		Short: "Print the text the checker reads from a document",
		Long: `Print the text s54 extracts from a statement (PDF, DOCX, HTML, TXT,
Markdown), exactly as the checker reads it: useful to see why a criterion
was missed. Byte offsets in check's evidence point into this text.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("extract: give exactly one FILE, URL or - for standard input")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.ocr && !cmd.Flags().Changed("timeout") {
				opts.timeout = ocrTimeout // tesseract takes seconds per page
			}
			return runExtract(cmd.Context(), g, opts, args[0])
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.ocr, "ocr", false, "read scanned PDFs with tesseract OCR when it is installed (slow; the time limit becomes 10m unless --timeout is given)")
	f.BoolVar(&opts.allowPrivate, "allow-private", false, "allow URLs on private and loopback addresses")
	f.DurationVar(&opts.timeout, "timeout", 30*time.Second, "time limit")
	return cmd
}

func runExtract(ctx context.Context, g *globals, opts extractOptions, in string) error {
	eopts := extract.DefaultOptions()
	eopts.OCR = opts.ocr
	eopts.Timeout = opts.timeout
	eopts.InProcess = g.inProcess() // this process reads one document and exits
	var text statement.Text
	var err error
	switch {
	case in == "-":
		text, err = extract.Reader(ctx, g.stdin, "stdin", "", eopts)
	case isURL(in):
		text, err = fetchAndExtract(ctx, in, eopts, checkOptions{allowPrivate: opts.allowPrivate, timeout: opts.timeout})
	default:
		text, err = extract.File(ctx, in, eopts)
	}
	if err != nil {
		return err
	}
	for _, n := range text.Notes {
		fmt.Fprintln(g.stderr, "note:", n)
	}
	_, err = fmt.Fprintln(g.stdout, text.Body)
	return err
}
