package fakeweb

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// AsOf is the day the sample web was written for: its statements cover
// years that ended before it, the latest within the last year. Tests that
// check its statuses crawl it with this as their clock.
var AsOf = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)

// YearsSince is how many whole years now is after AsOf: what ShiftYears
// takes to keep the sample web current (s54 demo on a later day).
func YearsSince(now time.Time) int {
	n := now.Year() - AsOf.Year()
	if now.YearDay() < AsOf.YearDay() {
		n--
	}
	return max(n, 0)
}

// ShiftYears makes every site say its years n later, as if it had been
// written n years after AsOf: a statement for the year ended 31 March
// 2025 is one for 31 March 2026. Only what people read moves: the text of
// pages and documents, not addresses, attributes or file names (the
// statement at /msa-2025.pdf stays there), and not the Act's 2015. Call
// it before the web is served.
func (w *Web) ShiftYears(n int) {
	for _, s := range w.Sites {
		s.shift = n
	}
}

// yearLike is a year ("2025") or a year label ("2024/25", "2024-25").
var yearLike = regexp.MustCompile(`\b20[0-9]{2}(?:[/-][0-9]{2})?\b`)

// shiftText moves the years of a text by n, leaving those that belong to
// an address or a file name (after '/', '-', '_', '=', '.', before '/',
// '_' or a file extension) and years before 2016 (the Act's 2015).
func shiftText(s string, n int) string {
	if n == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range yearLike.FindAllStringIndex(s, -1) {
		start, end := m[0], m[1]
		if start > 0 && strings.IndexByte("/-_=.#", s[start-1]) >= 0 {
			continue
		}
		if end < len(s) && (strings.IndexByte("/_", s[end]) >= 0 ||
			s[end] == '.' && end+1 < len(s) && isLetter(s[end+1])) {
			continue
		}
		year, _ := strconv.Atoi(s[start : start+4])
		if year < 2016 {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(strconv.Itoa(year + n))
		if end-start > 4 { // the label's second year, two digits
			next, _ := strconv.Atoi(s[start+5 : end])
			b.WriteByte(s[start+4])
			b.WriteString(strconv.Itoa((next+n)%100 + 100)[1:])
		}
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// shiftHTML moves the years of a page's text, not of its tags (their
// attributes hold addresses) nor of its scripts and styles.
func shiftHTML(page string, n int) string {
	if n == 0 {
		return page
	}
	var b strings.Builder
	for len(page) > 0 {
		lt := strings.IndexByte(page, '<')
		if lt < 0 {
			b.WriteString(shiftText(page, n))
			break
		}
		b.WriteString(shiftText(page[:lt], n))
		page = page[lt:]
		skipTo := ">"
		lower := strings.ToLower(page[:min(len(page), 8)])
		switch {
		case strings.HasPrefix(lower, "<script"):
			skipTo = "</script>"
		case strings.HasPrefix(lower, "<style"):
			skipTo = "</style>"
		case strings.HasPrefix(lower, "<!--"):
			skipTo = "-->"
		}
		end := strings.Index(strings.ToLower(page), skipTo)
		if end < 0 {
			b.WriteString(page)
			break
		}
		end += len(skipTo)
		b.WriteString(page[:end])
		page = page[end:]
	}
	return b.String()
}

// shiftBody moves the years of a file the site serves, by its content
// type: pages, text and JSON; anything else as it is.
func shiftBody(body []byte, ctype string, n int) []byte {
	switch {
	case n == 0:
		return body
	case strings.HasPrefix(ctype, "text/html"):
		return []byte(shiftHTML(string(body), n))
	case strings.HasPrefix(ctype, "text/plain"), strings.HasPrefix(ctype, "application/json"):
		return []byte(shiftText(string(body), n))
	}
	return body
}
