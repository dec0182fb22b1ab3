// Command pdfbench compares `s54 extract` with poppler's pdftotext on a
// folder of PDFs, process for process: time, word recall and precision of
// s54's text against pdftotext's, how many text PDFs opened, and the peak
// memory of s54 on the largest file; then `s54 check --json DIR` on a
// folder of them repeated, against pdftotext on each file. `make bench` runs it on the real
// statements in ../shared/corpus/pdf.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/s54dev/s54/internal/wordcmp"
)

// textLetters: a PDF whose pdftotext output has fewer letters than this
// has no text layer (a scan, or text drawn as images).
const textLetters = 200

type options struct {
	s54  string
	dir  string
	runs int
	// folder: PDFs in the folder line (0 leaves it out)
	folder int
	out    io.Writer
}

func main() {
	var o options
	flag.StringVar(&o.s54, "s54", "", "path to the built s54 binary")
	flag.StringVar(&o.dir, "dir", "../shared/corpus/pdf", "folder of PDFs")
	flag.IntVar(&o.runs, "runs", 3, "runs per file and tool; the fastest counts")
	flag.IntVar(&o.folder, "folder", 100, "also check a folder of this many PDFs (the files repeated) at once; 0: do not")
	flag.Parse()
	o.out = os.Stdout
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "pdfbench:", err)
		os.Exit(1)
	}
}

// measurement is one tool on one file, the fastest of its runs.
type measurement struct {
	text    string
	elapsed time.Duration
	maxRSS  int64 // bytes
	err     error
}

func run(o options) error {
	if o.s54 == "" {
		return errors.New("-s54 is required (the path to a built s54 binary)")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		fmt.Fprintln(o.out, "pdfbench: skipped: pdftotext is not installed (Debian package poppler-utils)")
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(o.dir, "*.pdf"))
	if len(files) == 0 {
		fmt.Fprintf(o.out, "pdfbench: skipped: no PDFs in %s\n", o.dir)
		return nil
	}
	sort.Strings(files)
	largest, largestSize := "", int64(-1)
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Size() > largestSize {
			largest, largestSize = f, fi.Size()
		}
	}

	tw := tabwriter.NewWriter(o.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tpages\ts54 ms\tpdftotext ms\tratio\trecall\tprecision\t")
	var s54Total, popplerTotal time.Duration
	var pages, textPDFs, opened, scans, common, refWords, gotWords int
	var failures []string
	var peak int64
	for _, f := range files {
		s := measure(o.runs, o.s54, "extract", f)
		p := measure(o.runs, "pdftotext", "-enc", "UTF-8", f, "-")
		name := filepath.Base(f)
		if f == largest {
			peak = s.maxRSS
		}
		if p.err != nil {
			fmt.Fprintf(tw, "%s\t\t\t\t\t\t(pdftotext failed: %v)\t\n", name, p.err)
			continue
		}
		s54Total += s.elapsed
		popplerTotal += p.elapsed
		if letterCount(p.text) < textLetters {
			verdict := "no text layer in either"
			if s.err == nil && letterCount(s.text) >= textLetters {
				verdict = "no text layer for pdftotext; s54 read text"
			} else if s.err != nil {
				verdict = "scan: " + firstLine(s.err.Error())
			}
			scans++
			fmt.Fprintf(tw, "%s\t\t%.1f\t%.1f\t%.2f\t\t\t%s\n", name, ms(s.elapsed), ms(p.elapsed), ratio(s.elapsed, p.elapsed), verdict)
			continue
		}
		textPDFs++
		if s.err != nil {
			failures = append(failures, name+": "+firstLine(s.err.Error()))
			fmt.Fprintf(tw, "%s\t\t%.1f\t%.1f\t%.2f\t\t\tFAILED\t\n", name, ms(s.elapsed), ms(p.elapsed), ratio(s.elapsed, p.elapsed))
			continue
		}
		opened++
		c, r, g := wordcmp.Overlap(p.text, s.text)
		common, refWords, gotWords = common+c, refWords+r, gotWords+g
		n := strings.Count(strings.TrimRight(s.text, "\f"), "\f") + 1
		pages += n
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.2f\t%.3f\t%.3f\t\n", name, n, ms(s.elapsed), ms(p.elapsed),
			ratio(s.elapsed, p.elapsed), frac(c, r), frac(c, g))
	}
	tw.Flush()

	fmt.Fprintln(o.out)
	fmt.Fprintf(o.out, "total time      s54 %.0f ms, pdftotext %.0f ms, ratio %.2fx (target 1.0x or less)\n",
		ms(s54Total), ms(popplerTotal), ratio(s54Total, popplerTotal))
	fmt.Fprintf(o.out, "words           recall %.4f, precision %.4f against pdftotext (target recall 0.99 or more)\n",
		frac(common, refWords), frac(common, gotWords))
	fmt.Fprintf(o.out, "opened          %d of %d text PDFs; %d without a text layer\n", opened, textPDFs, scans)
	if pages > 0 {
		fmt.Fprintf(o.out, "pages           %d read, s54 %.2f ms/page including process starts\n", pages, ms(s54Total)/float64(pages))
	}
	fmt.Fprintf(o.out, "peak RSS        %.1f MB for s54 on the largest PDF (%s, %.1f MB)\n",
		float64(peak)/(1<<20), filepath.Base(largest), float64(largestSize)/(1<<20))
	if o.folder > 0 {
		if err := folder(o, files, o.folder); err != nil {
			return err
		}
	}
	for _, f := range failures {
		fmt.Fprintln(o.out, "FAILED:", f)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d text PDFs did not open", len(failures))
	}
	return nil
}

// measure runs a command runs times and keeps the fastest run. Its peak
// RSS includes the processes it waited for (s54's child reader).
func measure(runs int, name string, args ...string) measurement {
	var best measurement
	for i := 0; i < max(runs, 1); i++ {
		cmd := exec.Command(name, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		err := cmd.Run()
		m := measurement{text: stdout.String(), elapsed: time.Since(start)}
		if err != nil {
			msg := strings.TrimSpace(stderr.String())
			if msg == "" {
				msg = err.Error()
			}
			m.err = errors.New(msg)
		}
		if cmd.ProcessState != nil {
			m.maxRSS = maxRSS(cmd.ProcessState)
		}
		if i == 0 || m.elapsed < best.elapsed {
			rss := max(best.maxRSS, m.maxRSS)
			best = m
			best.maxRSS = rss
		}
	}
	return best
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func frac(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
