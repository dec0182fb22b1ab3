package checker

import (
	"strconv"
	"strings"
	"time"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

var (
	reRangeJoin = lazyre.New(`(?i)^[\s,]*(?:to|until|till|through|and|[-–—])[\s,]*(?:the\s+)?$`)
	reEndCue    = lazyre.New(`(?i)(?:end(?:ed|ing|s)?|to|until|up to|close[sd]?|ended on|ending on)\s*(?:on\s*)?(?:the\s*)?$`)
	// FY2021/22, 2021/22, 2021-2022, 2021 – 22
	reYearSpan = lazyre.New(`(?i)(?:^|[^0-9])(?:fy\s?)?(20\d\d|19\d\d)\s?[/–—-]\s?(\d{4}|\d{2})\b`)
	reFYShort  = lazyre.New(`(?i)\bfy\s?'?(\d{2}|\d{4})\b`)
)

// passesCheck applies a pattern's named check to span i.
func (d *doc) passesCheck(name string, i int) bool {
	switch name {
	case "year_span":
		s := d.text(i)
		return hasYearSpan(s) || reFYShort().MatchString(s)
	case "period":
		p, _ := d.period(i)
		return p != nil
	case "names_policy":
		return d.namesPolicy(i)
	}
	return true
}

// period is parsePeriod of span i, computed once.
func (d *doc) period(i int) (*statement.FinancialPeriod, bool) {
	if d.periods[i] == 0 {
		p, exact := parsePeriod(d.text(i))
		d.periodVals[i], d.periodExct[i] = p, exact
		d.periods[i] = 1
	}
	return d.periodVals[i], d.periodExct[i]
}

// hasYearSpan reports whether s holds two consecutive years written as a
// span: "2021/22", "2021-2022", "2021 – 22". It is a scanner rather than
// a regular expression because it runs on every sentence with a year.
func hasYearSpan(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if !isYear(s, i) || i > 0 && isDigit(s[i-1]) {
			continue
		}
		y1 := int(s[i]-'0')*1000 + int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
		j := i + 4
		if j < len(s) && s[j] == ' ' {
			j++
		}
		switch {
		case j < len(s) && (s[j] == '/' || s[j] == '-'):
			j++
		case strings.HasPrefix(s[j:], "–") || strings.HasPrefix(s[j:], "—"):
			j += len("–")
		default:
			continue
		}
		if j < len(s) && s[j] == ' ' {
			j++
		}
		n := 0
		for j+n < len(s) && isDigit(s[j+n]) {
			n++
		}
		if n != 2 && n != 4 {
			continue
		}
		if spanEnd(y1, s[j:j+n]) == y1+1 {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isYear(s string, i int) bool {
	return (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') && isDigit(s[i+2]) && isDigit(s[i+3])
}

// periodCovered reads the period from the evidence of the period criterion.
func periodCovered(d *doc, fd *statement.Finding) *statement.FinancialPeriod {
	if fd.Status != statement.Met && fd.Status != statement.Partial {
		return nil
	}
	var fallback *statement.FinancialPeriod
	for _, ev := range fd.Evidence {
		p, exact := d.period(d.spanAt(ev.Offset))
		if p == nil {
			continue
		}
		if exact {
			return p
		}
		if fallback == nil {
			fallback = p
		}
	}
	return fallback
}

// parsePeriod finds the period a sentence names. exact is true when both
// ends come from dates in the text rather than from a year label.
func parsePeriod(s string) (p *statement.FinancialPeriod, exact bool) {
	dates := findDates(s)
	// "1 April 2021 to 31 March 2022", "April 2021 – March 2022"
	for i := 0; i+1 < len(dates); i++ {
		a, b := dates[i], dates[i+1]
		if !b.yearKnow || !reRangeJoin().MatchString(s[a.end:b.start]) {
			continue
		}
		end := b.date
		if !b.dayKnown {
			end = endOfMonth(end)
		}
		start := a.date
		if !a.yearKnow {
			start.Year = end.Year
			if start.Month > end.Month || start.Month == end.Month && start.Day > end.Day {
				start.Year--
			}
		}
		if start.Time().After(end.Time()) || end.Time().Sub(start.Time()) > 2*366*24*time.Hour {
			continue
		}
		return &statement.FinancialPeriod{Start: start, End: end}, true
	}
	// "year ending 31 March 2022", "year ended March 2022"
	for _, h := range dates {
		if !h.yearKnow {
			continue
		}
		before := s[max(0, h.start-40):h.start]
		if !reEndCue().MatchString(before) {
			continue
		}
		end := h.date
		if !h.dayKnown {
			end = endOfMonth(end)
		}
		return &statement.FinancialPeriod{Start: periodStart(s[:h.start], end), End: end}, true
	}
	// "2021/22": the end is in the second year; the month is unknown, so
	// only the years are given (start of the first, end of the second).
	for _, m := range reYearSpan().FindAllStringSubmatch(s, -1) {
		y1 := fullYear(m[1])
		y2 := spanEnd(y1, m[2])
		if y2 == y1+1 {
			return &statement.FinancialPeriod{
				Start: statement.Date{Year: y1, Month: time.January, Day: 1},
				End:   statement.Date{Year: y2, Month: time.December, Day: 31}, Approximate: true,
			}, false
		}
	}
	if m := reFYShort().FindStringSubmatch(s); m != nil {
		y := fullYear(m[1])
		return &statement.FinancialPeriod{
			Start: statement.Date{Year: y - 1, Month: time.January, Day: 1},
			End:   statement.Date{Year: y, Month: time.December, Day: 31}, Approximate: true,
		}, false
	}
	// "this statement covers 2018", "during 2018": a calendar year
	prev := ""
	for _, w := range strings.Fields(s) {
		w = strings.Trim(w, ".,;:()")
		after := prev
		prev = strings.ToLower(w)
		if after == "act" || after == "regulations" {
			continue // "Modern Slavery Act 2015" names a law, not a period
		}
		if len(w) == 4 && (strings.HasPrefix(w, "20") || strings.HasPrefix(w, "19")) {
			y := fullYear(w)
			if y >= 1990 {
				return &statement.FinancialPeriod{
					Start: statement.Date{Year: y, Month: time.January, Day: 1},
					End:   statement.Date{Year: y, Month: time.December, Day: 31}, Approximate: true,
				}, false
			}
		}
	}
	return nil, false
}

// reLength finds a stated length before the end date: "52 weeks", "the
// 53-week period", "six months".
var reLength = lazyre.New(`(?i)\b(\d{1,2}|six|nine|twelve|fifteen|eighteen|fifty[- ]two|fifty[- ]three)[- ](weeks?|months?)\b`)

var numberWords = map[string]int{"six": 6, "nine": 9, "twelve": 12, "fifteen": 15, "eighteen": 18,
	"fifty-two": 52, "fifty two": 52, "fifty-three": 53, "fifty three": 53}

// periodStart is the first day of a period ending on end, of the length the
// text before the date states ("the 52 weeks ended", "six months to"), or
// of a year.
func periodStart(before string, end statement.Date) statement.Date {
	m := reLength().FindAllStringSubmatch(before, -1)
	if len(m) == 0 {
		return yearBefore(end)
	}
	last := m[len(m)-1]
	n, err := strconv.Atoi(last[1])
	if err != nil {
		n = numberWords[strings.ToLower(last[1])]
	}
	t := end.Time()
	switch {
	case strings.HasPrefix(strings.ToLower(last[2]), "week") && n >= 4 && n <= 60:
		return statement.DateOf(t.AddDate(0, 0, 1-7*n))
	case strings.HasPrefix(strings.ToLower(last[2]), "month") && n >= 1 && n <= 24:
		return statement.DateOf(addMonths(t.AddDate(0, 0, 1), -n))
	}
	return yearBefore(end)
}

// spanEnd reads the second year of "2021/22" or "2021/2022".
func spanEnd(y1 int, s string) int {
	if len(s) == 4 {
		return fullYear(s)
	}
	y2 := y1/100*100 + fullYear(s)%100
	if y2 < y1 {
		y2 += 100
	}
	return y2
}
