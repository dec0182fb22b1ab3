package checker

import (
	"strconv"
	"strings"
	"time"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

// dateHit is a date found in a sentence. dayKnown is false for "March
// 2022"; yearKnown is false for "1 April" (the year comes from a partner
// date in a range).
type dateHit struct {
	date               statement.Date
	start, end         int
	dayKnown, yearKnow bool
}

const monthRe = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

var (
	// 31 March 2022, 31st of March, 2022, 31-Mar-22, 20’h June 2022 (OCR)
	reDayMonthYear = lazyre.New(`\b(\d{1,2})(?:st|nd|rd|th|’h|'h)?\s*(?:of\s+)?[\s-]?` + monthRe + `(?:,?[\s-]*(\d{4}|\d{2}\b))?`)
	// March 31, 2022
	reMonthDayYear = lazyre.New(`\b` + monthRe + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})`)
	// March 2022
	reMonthYear = lazyre.New(`\b` + monthRe + `,?\s*(\d{4})\b`)
	// 31/03/2022, 31.03.22, 2022-03-31
	reNumeric = lazyre.New(`\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b`)
	reISO     = lazyre.New(`\b(\d{4})-(\d{2})-(\d{2})\b`)
)

var monthNum = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

func parseMonth(s string) time.Month { return monthNum[strings.ToLower(s)[:3]] }

func fullYear(s string) int {
	y, _ := strconv.Atoi(s)
	if len(s) == 2 {
		y += 2000
	}
	return y
}

func validDate(y int, m time.Month, d int) bool {
	if y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// findDates returns the dates in s in order of appearance, without
// overlaps; earlier, more specific patterns win.
func findDates(s string) []dateHit {
	// The patterns are lower-case; lower-casing ASCII keeps byte offsets.
	s = asciiLower(s)
	hasMonth := containsMonth(s)
	var hits []dateHit
	taken := func(a, b int) bool {
		for _, h := range hits {
			if a < h.end && b > h.start {
				return true
			}
		}
		return false
	}
	add := func(h dateHit) {
		if !taken(h.start, h.end) {
			hits = append(hits, h)
		}
	}
	for _, m := range reISO().FindAllStringSubmatchIndex(s, -1) {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		if validDate(y, time.Month(mo), d) {
			add(dateHit{statement.Date{Year: y, Month: time.Month(mo), Day: d}, m[0], m[1], true, true})
		}
	}
	if !hasMonth {
		goto numeric
	}
	for _, m := range reMonthDayYear().FindAllStringSubmatchIndex(s, -1) {
		mo := parseMonth(s[m[2]:m[3]])
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		y := fullYear(s[m[6]:m[7]])
		if validDate(y, mo, d) {
			add(dateHit{statement.Date{Year: y, Month: mo, Day: d}, m[0], m[1], true, true})
		}
	}
	for _, m := range reDayMonthYear().FindAllStringSubmatchIndex(s, -1) {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		mo := parseMonth(s[m[4]:m[5]])
		if m[6] < 0 {
			if d >= 1 && d <= 31 {
				add(dateHit{statement.Date{Month: mo, Day: d}, m[0], m[5], true, false})
			}
			continue
		}
		y := fullYear(s[m[6]:m[7]])
		if validDate(y, mo, d) {
			add(dateHit{statement.Date{Year: y, Month: mo, Day: d}, m[0], m[1], true, true})
		}
	}
	for _, m := range reMonthYear().FindAllStringSubmatchIndex(s, -1) {
		mo := parseMonth(s[m[2]:m[3]])
		y := fullYear(s[m[4]:m[5]])
		if validDate(y, mo, 1) {
			add(dateHit{statement.Date{Year: y, Month: mo, Day: 1}, m[0], m[1], false, true})
		}
	}
numeric:
	for _, m := range reNumeric().FindAllStringSubmatchIndex(s, -1) {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		y := fullYear(s[m[6]:m[7]])
		if validDate(y, time.Month(mo), d) {
			add(dateHit{statement.Date{Year: y, Month: time.Month(mo), Day: d}, m[0], m[1], true, true})
		}
	}
	// order by position
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].start < hits[j-1].start; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	return hits
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

var monthStems = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func containsMonth(s string) bool {
	for _, m := range monthStems {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// endOfMonth turns a month-only date into the last day of that month, as a
// period that "ended March 2022" ended on 31 March.
func endOfMonth(d statement.Date) statement.Date {
	return statement.Date{Year: d.Year, Month: d.Month, Day: daysIn(d.Year, d.Month)}
}

// yearBefore returns the first day of the year that ends on end: the day
// after end, twelve months back (29 February 2024 gives 1 March 2023).
func yearBefore(end statement.Date) statement.Date {
	return statement.DateOf(addMonths(end.Time().AddDate(0, 0, 1), -12))
}
