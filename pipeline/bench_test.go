package pipeline_test

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/s54dev/s54/internal/fakeweb"
	"github.com/s54dev/s54/statement"
)

// BenchmarkCrawl1000 crawls a generated loopback web of 1,000 sites end
// to end (crawl, extract, check, register) with no politeness delay, and
// reports pages (HTTP requests, robots.txt included) per second and the
// process's peak resident memory. Targets: ≥ 200 pages/s on 2 cores,
// < 300 MB.
func BenchmarkCrawl1000(b *testing.B) {
	web := fakeweb.Generate(1000)
	ctx := context.Background()
	pages, sites := 0, 0
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p, orgs := setup(b, web)
		p.Concurrency = 16
		before := len(web.Requests())
		b.StartTimer()
		sum, err := p.Crawl(ctx, orgs, "all")
		if err != nil {
			b.Fatal(err)
		}
		pages += len(web.Requests()) - before
		sites += sum.Done
		if sum.Outcomes[statement.Found] < 800 {
			b.Fatalf("only %d of %d sites found: %+v", sum.Outcomes[statement.Found], sum.Done, sum.Outcomes)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(pages)/sec, "pages/s")
	b.ReportMetric(float64(sites)/sec, "sites/s")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// peakRSSMB is the process's peak resident set (VmHWM), in MB.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
