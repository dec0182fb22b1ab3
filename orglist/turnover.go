package orglist

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

var (
	// an amount: "£36m", "36 million", "£1.2bn", "45,000,000", "£500k"
	reAmount = lazyre.New(`(?i)£?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(bn|billion|b|m|mn|million|k|thousand)?\b`)
	reUnder  = lazyre.New(`(?i)^(under|below|less than|up to|<)`)
	reOver   = lazyre.New(`(?i)^(over|above|more than|at least|from|>=?|\+)|\+$|(or more|and over|and above)$`)
)

// ParseTurnover reads a turnover as lists write it: a figure in pounds
// ("45000000", "£45,000,000", "£45m", "1.2bn") or a band ("£36m-£60m",
// "£36 million to £60 million", "Over £500 million", "Under £36 million").
func ParseTurnover(s string) (statement.Turnover, error) {
	t := statement.Turnover{Text: strings.TrimSpace(s)}
	clean := strings.TrimSpace(strings.NewReplacer("–", "-", "—", "-", "GBP", "£").Replace(s))
	amounts := reAmount().FindAllStringSubmatch(clean, -1)
	if len(amounts) == 0 || len(amounts) > 2 {
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
