package statement

import "testing"

func TestExplain(t *testing.T) {
	for _, c := range []struct {
		status       RegisterStatus
		detail, want string
	}{
		{CrawlError, "extract: http://corrupt-pdf.test/msa.pdf: corrupt document: not a PDF file: missing %%EOF (fallbacks: root version: missing root dict…)", "the statement link gives a damaged PDF"},
		{Unreachable, "the server answered HTTP 503 Service Unavailable", "the website had an error of its own (HTTP 503)"},
		{CrawlError, "the statement link failed: the server answered HTTP 404 Not Found", "the statement page is not there any more (HTTP 404)"},
		{Unreachable, "the name does not resolve: gone.example", "the website's address does not exist (its name does not resolve)"},
		{Unreachable, "timed out", "the website did not answer in time"},
		{RobotsBlocked, "the statement link is disallowed by robots.txt", "the website's robots.txt asks crawlers not to read the statement"},
		{CrawlError, "document too large: over the 8 MB limit", "the statement document is too large to read (over 8 MB)"},
		{NoStatement, "http://x.test/code is not a statement: it is a supplier code of conduct", "the link leads to a document that is not a statement: it is a supplier code of conduct"},
		{NoStatement, "", "no statement found on the website"},
		{CrawlError, "extract: scan.pdf: no text layer: run again with --ocr", "the statement is a scan without text, which OCR could not read"},
		{CrawlError, "something odd happened", "something odd happened"},
	} {
		if got := Explain(c.status, c.detail); got != c.want {
			t.Errorf("Explain(%s, %q) = %q, want %q", c.status, c.detail, got, c.want)
		}
	}
}
