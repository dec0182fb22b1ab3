package orglist

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

// amount is a figure in pounds: "£36m", "36 million", "£1.2bn",
// "45,000,000", "£500k".
const amountExpr = `£?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(bn|billion|b|m|mn|million|k|thousand)?\b`

var (
	reAmount = lazyre.New(`(?i)` + amountExpr)
	// reShape is the whole of a turnover: a figure or a band, with words
	// before or after that say which way it is open, and nothing else. A
	// postcode ("LE1 1AA") or an id ("1A2B") has figures in it but is not
	// a turnover: reading its digits would make it £1 or £2bn.
	reShape = lazyre.New(`(?i)^(?:(?:under|below|less than|up to|over|above|more than|at least|from|between)\s*|(?:[<>]=?|\+)\s*)?` +
		amountExpr + `(?:\s*(?:-|to|and)\s*` + amountExpr + `)?\s*(?:\+|or more|and over|and above)?$`)
	reUnder = lazyre.New(`(?i)^(under|below|less than|up to|<)`)
	reOver  = lazyre.New(`(?i)^(over|above|more than|at least|from|>=?|\+)|\+$|(or more|and over|and above)$`)
)

// ParseTurnover reads a turnover as lists write it: a figure in pounds
// ("45000000", "£45,000,000", "£45m", "1.2bn") or a band ("£36m-£60m",
// "£36 million to £60 million", "Over £500 million", "Under £36 million").
// Anything else, a postcode or an id in the wrong column say, is an error
// and an unknown turnover.
func ParseTurnover(s string) (statement.Turnover, error) {
	t := statement.Turnover{Text: strings.TrimSpace(s)}
	clean := strings.TrimSpace(strings.NewReplacer("–", "-", "—", "-", "GBP", "£").Replace(s))
	amounts := reAmount().FindAllStringSubmatch(clean, -1)
	if !reShape().MatchString(clean) || len(amounts) == 0 || len(amounts) > 2 {
		return statement.Turnover{Text: t.Text}, fmt.Errorf("turnover %q not understood", trim(s, 60))
	}
	var vals []int64
	for _, m := range amounts {
		v, err := amount(m[1], m[2])
		if err != nil {
			return statement.Turnover{Text: t.Text}, fmt.Errorf("turnover %q not understood", trim(s, 60))
		}
		vals = append(vals, v)
	}
	// "£36m-£60m": a unit written only on the second figure applies to
	// both ("36-60m")
	if len(vals) == 2 && amounts[0][2] == "" && amounts[1][2] != "" {
		vals[0], _ = amount(amounts[0][1], amounts[1][2])
	}
	switch {
	case len(vals) == 2:
		t.Min, t.Max = min(vals[0], vals[1]), max(vals[0], vals[1])
	case reUnder().MatchString(clean):
		t.Max = vals[0]
	case reOver().MatchString(clean):
		t.Min = vals[0]
	default:
		t.Min, t.Max = vals[0], vals[0]
	}
	return t, nil
}

func amount(num, unit string) (int64, error) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
	if err != nil {
		return 0, err
	}
	switch strings.ToLower(unit) {
	case "bn", "billion", "b":
		f *= 1e9
	case "m", "mn", "million":
		f *= 1e6
	case "k", "thousand":
		f *= 1e3
	}
	if f <= 0 || f > 1e13 {
		return 0, fmt.Errorf("out of range")
	}
	return int64(f + 0.5), nil
}
