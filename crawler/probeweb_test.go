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

// probeFailing are the probe sites the crawler still gets wrong, and why.
var probeFailing = map[string]string{
	"policy-only-home.test": "a homepage link to a modern slavery policy page is tried before the hubs, and the checker takes the policy for a statement",
	"undated-current.test":  "on a statements page, the undated current statement is taken as history and the 2023 one as the latest",
	"img-src.test":          "an image link without alt text whose file name names the statement is not a candidate",
	"suppliers-hub.test":    `"Suppliers" is not a hub`,
}
