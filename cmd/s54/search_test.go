package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/s54dev/s54/index"
)

// olderIndex makes the data directory's index look made by an older s54:
// version 1 of the mapping in both its parts (the key is index's).
func olderIndex(t *testing.T, data string) {
	t.Helper()
	for _, part := range []string{"current", "history"} {
		b, err := bleve.Open(filepath.Join(data, index.Dir, part))
		if err != nil {
			t.Fatal(err)
		}
		err = b.SetInternal([]byte("s54_mapping_version"), []byte("1"))
		if cerr := b.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestSearchIndexMadeAgain: the commands that open the index make an
// older s54's again from the register, say so in a line, and carry on;
// and search's filters, accents and messages.
func TestSearchIndexMadeAgain(t *testing.T) {
	t.Parallel()
	web, hosts, orgs := serveFakeWeb(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(fastCrawl), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "--data", data, "orgs", "import", orgs); code != 0 {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	cafes := web.Site("landing-page.test") // Wexcombe Coffee Roasters Ltd: "café managers"
	other := web.Site("footer-link.test")
	for _, n := range []string{cafes.CompanyNumber, other.CompanyNumber} {
		if code, stdout, stderr := runOn(t, hosts, "--data", data, "crawl", "--allow-private", "--org", n); code != 0 {
			t.Fatalf("crawl: exit %d\n%s\n%s", code, stdout, stderr)
		}
	}
	const again = "s54: the search index was made by an older s54; making it again (2 statements)…\n"

	olderIndex(t, data)
	code, stdout, stderr := run(t, "", "--data", data, "search", "cafe managers")
	if code != 0 || stderr != again || !strings.Contains(stdout, "1 statement matches; 1–1:") ||
		!strings.Contains(stdout, cafes.Name) || !strings.Contains(stdout, "[café] [managers]") {
		t.Errorf("search on an older index: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "", "--data", data, "search", "cafe managers"); code != 0 || stderr != "" {
		t.Errorf("search once made again: exit %d, stderr %q", code, stderr)
	}
	// the crawl too
	olderIndex(t, data)
	code, stdout, stderr = runOn(t, hosts, "--data", data, "crawl", "--allow-private", "--org", other.CompanyNumber)
	if code != 0 || !strings.HasPrefix(stderr, again) || !strings.Contains(stdout, "organisations crawled") {
		t.Errorf("crawl on an older index: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	for _, c := range []struct {
		args []string
		code int
		out  string // in stdout, or stderr when the exit code is not 0
	}{
		{[]string{"--region", "nowhere", "coffee"}, exitUsage,
			`s54: search: unknown region "nowhere" (known: hampshire-iow, leicestershire, west-mercia, humber)` + "\n"},
		{[]string{"coffee region:nowhere"}, exitUsage, `unknown region "nowhere" (known: hampshire-iow,`},
		{[]string{"rating:gold"}, exitUsage, `unknown rating "gold" (known: below_minimum, minimum, good, strong)`},
		{[]string{`company:"Northgate Apparel"`}, 0, "No statements match."},
		{[]string{`company:"Wexcombe Coffee"`}, 0, "1 statement matches"},
		{[]string{"company:" + strings.TrimLeft(cafes.CompanyNumber, "0")}, 0, "1 statement matches"},
		{[]string{"company:123456789"}, exitUsage, "company:123456789 is not a company number"},
		{[]string{"slavery", "--page", "9"}, 0, "2 statements match; page 9 is past the last (1)."},
	} {
		code, stdout, stderr := run(t, "", append([]string{"--data", data, "search"}, c.args...)...)
		got := stdout
		if c.code != 0 {
			got = stderr
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("search %q: exit %d, want %d and %q\nstdout:\n%s\nstderr:\n%s", c.args, code, c.code, c.out, stdout, stderr)
		}
	}
}
