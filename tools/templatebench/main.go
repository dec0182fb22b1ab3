// Command templatebench measures the template finder (findings.Templates)
// on n statements: the time to read and index them, the memory it holds,
// and the time to ask about one. Texts are made of sentences of the real
// statements in ../shared/corpus when it is there (else of the project's
// own fixtures), so that shingles are as varied as in reality; one in
// five belongs to a family made from one text with the names changed.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/statement"
)

func main() {
	n := flag.Int("n", 100000, "statements")
	corpus := flag.String("corpus", "../shared/corpus", "folder with statements/ to take sentences from")
	flag.Parse()
	sentences := loadSentences(*corpus)
	if len(sentences) < 100 {
		fmt.Fprintln(os.Stderr, "templatebench: too few sentences")
		os.Exit(1)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	texts := make([]string, 40) // template families' texts
	for i := range texts {
		texts[i] = pick(rng, sentences, 60)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	x := findings.NewTemplates()
	start := time.Now()
	var wg sync.WaitGroup
	work := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range work {
				r := rand.New(rand.NewPCG(uint64(i), 3))
				name := companyName(i)
				text := ""
				if i%5 == 0 {
					text = strings.ReplaceAll(texts[i%len(texts)], "Company", name)
				} else {
					text = pick(r, sentences, 50+r.IntN(40))
				}
				x.Add(findings.TemplateDoc{Key: int64(i), OrgID: int64(i), CompanyNumber: fmt.Sprintf("%08d", i), Name: name, Text: text})
			}
		})
	}
	for i := range *n {
		work <- i
	}
	close(work)
	wg.Wait()
	x.Build()
	build := time.Since(start)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	start = time.Now()
	flagged, queries := 0, 2000
	var wrong int
	for i := range queries {
		k := (i * 7919) % *n
		f, _ := x.Find(int64(k))
		if f.Shared >= statement.TemplateShare {
			flagged++
			if k%5 != 0 {
				wrong++
			}
		}
	}
	per := time.Since(start) / time.Duration(queries)
	start = time.Now()
	clusters := x.Clusters()
	fmt.Printf("templates %d statements (%d sentences to draw from): read and indexed in %.1f s, %d MB held; a query %.2f ms; "+
		"%d of %d queried flagged (%d not of a family); %d clusters found in %.1f s\n",
		*n, len(sentences), build.Seconds(), (after.HeapInuse-before.HeapInuse)>>20, float64(per.Microseconds())/1000,
		flagged, queries, wrong, len(clusters), time.Since(start).Seconds())
}

// companyName is a distinct name for each i ("Brackmoor 12 Ltd"): the
// finder takes organisations whose names begin alike for one group.
func companyName(i int) string {
	a := []string{"Brack", "Cal", "Dun", "Fen", "Gar", "Hol", "Kes", "Lan", "Mar", "Nor", "Pel", "Quen", "Ros", "Stan", "Tre", "Wel"}
	b := []string{"moor", "ford", "ley", "wick", "ton", "by", "stead", "dale", "worth", "combe", "field", "gate", "hurst", "mere", "wood", "croft"}
	c := []string{"", "en", "ar", "is", "ov", "ul", "am", "et"}
	w := a[i%16] + b[i/16%16] + c[i/256%8]
	return fmt.Sprintf("%s%d Trading Ltd", w, i/2048)
}

func pick(r *rand.Rand, sentences []string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(sentences[r.IntN(len(sentences))])
		b.WriteString(" ")
	}
	return b.String()
}

func loadSentences(corpus string) []string {
	files, _ := filepath.Glob(filepath.Join(corpus, "statements", "*.txt"))
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join("testdata", "statements", "*"))
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range strings.Split(strings.Join(strings.Fields(string(b)), " "), ". ") {
			if len(strings.Fields(s)) >= 6 {
				out = append(out, s+".")
			}
		}
	}
	return out
}
