package statement

import (
	"fmt"
	"regexp"
	"strings"
)

// Explain turns what went wrong when an organisation's statement was
// looked for (a register status and its technical detail, such as
// "extract: http://…/msa.pdf: corrupt document: not a PDF file: missing
// %%EOF (fallbacks: …)") into a sentence a coordinator understands ("the
// statement link gives a damaged PDF"). The detail stays on the
// organisation's page for whoever wants it. A detail it does not know is
// given back shortened.
func Explain(status RegisterStatus, detail string) string {
	d := strings.ToLower(detail)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(d, w) {
				return true
			}
		}
		return false
	}
	switch {
	case detail == "" && status == NoStatement:
		return "no statement found on the website"
	case detail == "" && status == RobotsBlocked:
		return "the website's robots.txt asks crawlers to keep out"
	case detail == "":
		return ""
	case has(" is not a statement:"):
		// the crawler's own sentence: "…url… is not a statement: it is a supplier code of conduct"
		_, why, _ := strings.Cut(detail, " is not a statement: ")
		return "the link leads to a document that is not a statement: " + why
	case has("no link to a modern slavery statement"):
		return "no link to a statement on the homepage or the pages it links to"
	case has("robots.txt"):
		return "the website's robots.txt asks crawlers not to read the statement"
	case has("encrypted", "password"):
		return "the statement is a password-protected document s54 cannot open"
	case has("no text layer", "scanned", "a scan"):
		return "the statement is a scan without text, which OCR could not read"
	case has("corrupt document", "not a pdf", "malformed", "%%eof", "damaged"):
		if has(".pdf", "pdf") {
			return "the statement link gives a damaged PDF"
		}
		return "the statement link gives a damaged document"
	case has("too large", "over the"):
		if m := sizeRE.FindString(detail); m != "" {
			return "the statement document is too large to read (over " + m + ")"
		}
		return "the statement document is too large to read"
	case has("unsupported", "not an html page", "unknown format"):
		return "the statement link gives a kind of file s54 cannot read"
	case has("no text", "empty"):
		return "the statement document has no text"
	case has("private or internal address"):
		return "the website points to a private network address, which s54 does not visit"
	case has("redirects"):
		return "the website sends visitors round in circles (too many redirects)"
	case has("does not resolve", "no such host"):
		return "the website's address does not exist (its name does not resolve)"
	case has("certificate", "x509", "tls:"):
		return "the website's security certificate is not valid"
	case has("connection refused", "cannot connect", "connection reset"):
		return "the website could not be reached"
	case has("timed out", "deadline exceeded", "took longer than"):
		return "the website did not answer in time"
	case has("request limit", "requests allowed"):
		return "no statement found within the pages s54 reads on one site"
	}
	if m := httpRE.FindStringSubmatch(detail); m != nil {
		var code int
		fmt.Sscan(m[1], &code)
		switch {
		case code == 404 || code == 410:
			return fmt.Sprintf("the statement page is not there any more (HTTP %d)", code)
		case code == 401 || code == 403:
			return fmt.Sprintf("the website refused to show the page to s54 (HTTP %d)", code)
		case code == 429:
			return "the website asked s54 to slow down (HTTP 429)"
		case code >= 500:
			return fmt.Sprintf("the website had an error of its own (HTTP %d)", code)
		}
		return fmt.Sprintf("the website answered HTTP %d", code)
	}
	short := strings.Join(strings.Fields(detail), " ")
	if len(short) > 120 {
		short = short[:strings.LastIndex(short[:120], " ")+1] + "…"
	}
	return short
}

var (
	httpRE = regexp.MustCompile(`\bHTTP (\d{3})\b`)
	sizeRE = regexp.MustCompile(`\d+ [KMG]B`)
)
