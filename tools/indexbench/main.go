// Command indexbench measures the search index: it indexes n generated
// statements of about 1,500 words, then times a set of typical queries.
// With -web it then serves the index with the web server and loads it:
// concurrent staff searching (GET /search), then businesses checking a
// five-page draft PDF (POST /api/check).
//
//	go run ./tools/indexbench -n 10000
//	go run ./tools/indexbench -n 10000 -web
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/statement"
)

// queries are what partnership staff ask.
var queries = []index.Query{
	{Text: "agency labour"},
	{Text: `"agency workers"`},
	{Text: "vietnam"},
	{Text: "missing:training"},
	{Text: "hotels -vietnam"},
	{Text: "missing:training region:hampshire-iow"},
	{Text: `"supplier code of conduct" met:due_diligence`},
	{Text: "audit year:2025 rating:good"},
	{Text: "forced labour recruitment fees"},
	{Text: "cotton bangladesh", AllVersions: true},
	{Text: "whistleblowing hotline", Region: "humber"},
	{Text: "kpi effectiveness", Limit: 20, Offset: 20},
}

var regions = []string{"hampshire-iow", "leicestershire", "west-mercia", "humber", "", "", "", ""}
var ratings = []statement.Rating{statement.BelowMinimum, statement.Minimum, statement.Good, statement.Good, statement.Strong}

// realText, when the corpus is there, makes statement texts of about
// 1,500 words from the sentences of real statements: each starts from one
// real statement, in order, and takes sentences of others at random until
// it is long enough. Real statements give the index real vocabulary and
// real selectivity (a phrase such as "agency workers" is in a fifth of
// them); the generated ones repeat a few dozen templates, so every query
// matches nearly every statement.
type realText struct {
	statements [][]string // sentences
	all        []string
}

func loadCorpus(dir string) *realText {
	files, _ := filepath.Glob(filepath.Join(dir, "statements", "*.txt"))
	if len(files) == 0 {
		return nil
	}
	rt := &realText{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var sents []string
		for _, s := range sentenceEnd.Split(string(data), -1) {
			if s = strings.Join(strings.Fields(s), " "); len(s) > 20 {
				sents = append(sents, s+".")
			}
		}
		if len(sents) > 5 {
			rt.statements = append(rt.statements, sents)
			rt.all = append(rt.all, sents...)
		}
	}
	return rt
}

var sentenceEnd = regexp.MustCompile(`[.!?]\s+`)

func (rt *realText) text(i int, pick func(int) int) string {
	base := rt.statements[i%len(rt.statements)]
	var b strings.Builder
	words := 0
	for _, s := range base {
		if words >= 1500 {
			break
		}
		b.WriteString(s + " ")
		words += len(strings.Fields(s))
	}
	for words < 1500 {
		s := rt.all[pick(len(rt.all))]
		b.WriteString(s + " ")
		words += len(strings.Fields(s))
	}
	return b.String()
}

var corpus *realText

func doc(i int) index.Doc {
	h := uint64(i)*0x9e3779b97f4a7c15 + 0x632be59bd9b4e5 // decorrelates the fields
	pick := func(n int) int { h = h*6364136223846793005 + 1442695040888963407; return int(h>>33) % n }
	year := 2021 + i%5
	st := fakeweb.GenerateStatement(i/5+1, year) // each organisation has five years
	if corpus != nil {
		st.Text = corpus.text(i, pick)
	}
	d := index.Doc{StatementID: int64(i + 1), CompanyNumber: st.Number, Name: st.Name, Sector: st.Sector,
		Region: regions[pick(len(regions))], URL: fmt.Sprintf("https://example.test/%d/msa.pdf", i),
		SHA256: fmt.Sprintf("%064x", i), Year: year, PeriodEnd: time.Date(year, 3, 31, 0, 0, 0, 0, time.UTC),
		Rating: ratings[pick(len(ratings))], Score: 20 + pick(80), Latest: year == 2025, Text: st.Text,
		Criteria: map[statement.CriterionID]statement.Status{}}
	for _, c := range statement.AllCriteria {
		d.Criteria[c] = []statement.Status{statement.Met, statement.Met, statement.Partial, statement.Missing}[pick(4)]
	}
	return d
}

func main() {
	n := flag.Int("n", 10000, "statements to index")
	dir := flag.String("dir", "", "where to build the index (default: a temporary folder, removed after)")
	runs := flag.Int("runs", 20, "times each query is run")
	verbose := flag.Bool("v", false, "time each query")
	corpusDir := flag.String("corpus", "../shared/corpus", "real statements to draw sentences from (generated text without)")
	webMode := flag.Bool("web", false, "also serve the index with the web server and time searches and self-checks under load")
	clients := flag.Int("clients", 50, "with -web: staff searching at once")
	searches := flag.Int("searches", 2000, "with -web: search requests timed, after a warm-up")
	checkers := flag.Int("checkers", 4, "with -web: drafts checked at once (also the server's limit)")
	checks := flag.Int("checks", 200, "with -web: self-checks at most")
	checkFor := flag.Duration("check-for", 10*time.Second, "with -web: how long to run self-checks at most")
	flag.Parse()
	if *clients < 1 || *searches < 1 || *checkers < 1 || *checks < 1 {
		fail(fmt.Errorf("-clients, -searches, -checkers and -checks must be 1 or more"))
	}
	corpus = loadCorpus(*corpusDir)
	source := "generated text (no corpus)"
	if corpus != nil {
		source = fmt.Sprintf("sentences of %d real statements", len(corpus.statements))
	}
	path := *dir
	if path == "" {
		tmp, err := os.MkdirTemp("", "indexbench")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, index.Dir)
	}
	start := time.Now()
	words := 0
	built, err := index.Rebuild(context.Background(), path, func(yield func(index.Doc) error) error {
		for i := range *n {
			d := doc(i)
			if i < 100 {
				words += len(d.Text) // bytes, for the average below
			}
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fail(err)
	}
	took := time.Since(start)
	size := dirSize(path)
	x, err := index.Open(path)
	if err != nil {
		fail(err)
	}
	defer x.Close()
	ctx := context.Background()
	var lat []time.Duration
	per := make([][]time.Duration, len(queries))
	for _, q := range queries {
		if _, err := x.Search(ctx, q); err != nil { // warm the caches
			fail(err)
		}
	}
	for range *runs {
		for k, q := range queries {
			t := time.Now()
			if _, err := x.Search(ctx, q); err != nil {
				fail(err)
			}
			lat = append(lat, time.Since(t))
			per[k] = append(per[k], time.Since(t))
		}
	}
	slices.Sort(lat)
	if *verbose {
		for k, q := range queries {
			slices.Sort(per[k])
			res, _ := x.Search(ctx, q)
			fmt.Printf("  %-50q median %6.2f ms, %d hits\n", q.Text, ms(per[k][len(per[k])/2]), res.Total)
		}
	}
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
	fmt.Printf("index %7d statements (%d bytes of text each on average, %s): %6.1f s, %5.0f statements/s, %6.0f MB on disk\n",
		built, words/min(100, max(1, *n)), source, took.Seconds(), float64(built)/took.Seconds(), float64(size)/(1<<20))
	fmt.Printf("queries at %7d: p50 %6.2f ms, p95 %6.2f ms, max %6.2f ms (%d queries × %d runs)\n",
		built, ms(p(0.50)), ms(p(0.95)), ms(lat[len(lat)-1]), len(queries), *runs)
	if *webMode {
		runWeb(ctx, x, built, webBench{clients: *clients, searches: *searches, checkers: *checkers,
			checks: *checks, checkFor: *checkFor})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func dirSize(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "indexbench:", err)
	os.Exit(1)
}
