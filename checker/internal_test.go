package checker

import (
	"reflect"
	"strings"
	"testing"

	"github.com/s54dev/s54/statement"
)

func TestTokenize(t *testing.T) {
	cases := map[string][]string{
		"Modern Slavery Act 2015":       {"modern", "slavery", "act", "2015"},
		"the company's e-learning":      {"the", "companys", "e", "learning"},
		"Nick FieldChief Executive":     {"nick", "field", "chief", "executive"},
		"year2021/22 and December2021.": {"year", "2021", "22", "and", "december", "2021"},
		"ﬁnancial year, Mondelēz":       {"financial", "year", "mondelez"},
		"McGowan’s plc":                 {"mc", "gowans", "plc"},
		"":                              nil,
	}
	for in, want := range cases {
		var got []string
		for _, tok := range tokenize(in, 0, nil) {
			got = append(got, tok.word)
			if tok.start < 0 || tok.end > len(in) || tok.start >= tok.end {
				t.Errorf("%q: bad offsets %d-%d", in, tok.start, tok.end)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("tokenize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSegment(t *testing.T) {
	body := "Our policies\nOur Anti-Slavery Policy applies to all staff. It requires managers to\nreport concerns. See s. 54 of the Act.\n\n• Item one\n• Item two\n\nMr. J. Smith signed it."
	var got []string
	for _, s := range segment(body) {
		text := strings.Join(strings.Fields(body[s.start:s.end]), " ")
		if s.heading {
			text = "# " + text
		}
		if s.bullet {
			text = "- " + text
		}
		got = append(got, text)
	}
	want := []string{
		"# Our policies",
		"Our Anti-Slavery Policy applies to all staff.",
		"It requires managers to report concerns.",
		"See s. 54 of the Act.",
		"- • Item one",
		"- • Item two",
		"Mr. J. Smith signed it.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("segment:\n got %q\nwant %q", got, want)
	}
}

func TestCollapsedText(t *testing.T) {
	// text extracted with its line breaks turned into runs of spaces
	body := strings.Repeat("We trade fairly with every supplier. ", 20) + "   Training   All buyers completed modern slavery training. • Audits • Visits"
	spans := segment(body)
	var headings, bullets int
	for _, s := range spans {
		if s.heading {
			headings++
		}
		if s.bullet {
			bullets++
		}
	}
	if headings != 1 || bullets != 2 {
		t.Errorf("collapsed text: %d headings, %d bullets; want 1 and 2", headings, bullets)
	}
}

// TestCollapsedTitle: in collapsed text a short heading after a title
// that lost its full stop stands apart, so the sentence under it is read
// without the title's words ("Modern Slavery Statement").
func TestCollapsedTitle(t *testing.T) {
	body := "Financial year 2023/24 (1 April 2023 to 31 March 2024) Northgate Bakeries Limited Modern Slavery Statement  Background  " +
		"Northgate Bakeries Limited is a family bakery in Leeds.  " + strings.Repeat("We trade fairly with every supplier. ", 20)
	var heading, sentence bool
	for _, s := range segment(body) {
		switch body[s.start:s.end] {
		case "Background":
			heading = s.heading
		case "Northgate Bakeries Limited is a family bakery in Leeds.":
			sentence = true
		}
	}
	if !heading || !sentence {
		t.Errorf("collapsed title: heading %v, sentence apart %v", heading, sentence)
	}
}

func TestYearSpan(t *testing.T) {
	for s, want := range map[string]bool{
		"Statement 2021/22":    true,
		"FY2021-2022":          true,
		"for 2021 – 22":        true,
		"© 1998 - 2024":        false,
		"2019-09-25":           false,
		"12021/22":             false,
		"our 2020-2025 plan":   false,
		"year ending 2022/23.": true,
	} {
		if got := hasYearSpan(s); got != want {
			t.Errorf("hasYearSpan(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	d := func(s string) statement.Date {
		v, err := statement.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		in          string
		start, end  string
		approximate bool
	}{
		{"for the financial year ending 31 March 2024", "2023-04-01", "2024-03-31", false},
		{"during the year ended 31st December 2021", "2021-01-01", "2021-12-31", false},
		{"the period 1 August 2021 to 31 July 2022", "2021-08-01", "2022-07-31", false},
		{"Financial Year April 2022 to March 2023", "2022-04-01", "2023-03-31", false},
		{"for the fiscal year ending September 30, 2022", "2021-10-01", "2022-09-30", false},
		{"financial year 1st January – 31st December 2021", "2021-01-01", "2021-12-31", false},
		{"for the 52 weeks ended 1 February 2025", "2024-02-04", "2025-02-01", false},
		{"the 53-week period ended 2 January 2022", "2020-12-28", "2022-01-02", false},
		{"for the year ending 29 February 2024", "2023-03-01", "2024-02-29", false},
		{"the six months ended 30 September 2024", "2024-04-01", "2024-09-30", false},
		{"Modern Slavery Statement 2021/22", "2021-01-01", "2022-12-31", true},
		{"This statement covers 2023", "2023-01-01", "2023-12-31", true},
	}
	for _, tc := range cases {
		p, _ := parsePeriod(tc.in)
		if p == nil {
			t.Errorf("%q: no period", tc.in)
			continue
		}
		if p.Start != d(tc.start) || p.End != d(tc.end) || p.Approximate != tc.approximate {
			t.Errorf("%q: %s–%s approx=%v, want %s–%s approx=%v", tc.in, p.Start, p.End, p.Approximate, tc.start, tc.end, tc.approximate)
		}
	}
	if p, _ := parsePeriod("made under the Modern Slavery Act 2015"); p != nil {
		t.Errorf("the Act's year read as a period: %+v", p)
	}
}
