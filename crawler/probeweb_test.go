package crawler_test

import (
	"os"
	"testing"
)

// TestProbeWeb crawls the probe web, crawler/testdata/probeweb: variants
// of the patterns real company sites follow (link words, hubs, sitemaps,
// consent pages, locale choosers, odd downloads, statements indexes),
// written to find where discovery fits the sample web and not the real
// one. Each site that failed once stays as a regression test; the sample
// web keeps the demo's story.
func TestProbeWeb(t *testing.T) {
	t.Parallel()
	web, c := startWeb(t, os.DirFS("testdata/probeweb"))
	checkWeb(t, web, c, probeFailing)
}

// probeFailing are the probe sites the crawler still gets wrong, and why:
// none at present.
var probeFailing = map[string]string{}
