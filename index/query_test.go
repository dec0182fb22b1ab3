package index

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCompanyFilter(t *testing.T) {
	t.Parallel()
	x := namesIndex(t)
	for q, want := range map[string][]int64{
		`company:"Northgate Apparel"`:        {14},
		`company:"northgate apparel ltd"`:    {14},
		`company:"Cafe Row"`:                 {11},
		`company:Nestle`:                     {13},
		`company:Apparel`:                    {14, 15},
		`company:02000004`:                   {14},
		`company:2000004`:                    {14},
		`company:sc15`:                       {15},
		`company_number:SC000015`:            {15},
		`company:"Northgate Apparel" cotton`: nil,
		`company:"Nobody Ltd"`:               nil,
	} {
		if got := ids(find(t, x, Query{Text: q})); !sameSet(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	for q, says := range map[string]string{
		`company:123456789`:        "is not a company number",
		`company:00000000`:         "is not a company number",
		`company:"!!"`:             `company: takes a company number (company:01234567, company:SC123456) or an organisation's name (company:"Northgate Apparel")`,
		`company:the`:              "takes a company number",
		`company_number:Northgate`: "company_number: takes a company number",
		`company:`:                 "needs a value",
	} {
		_, err := x.Search(context.Background(), Query{Text: q})
		if !errors.Is(err, ErrQuery) || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: %v, want a query error that says %q", q, err, says)
		}
	}
}

func TestUnknownFilterValues(t *testing.T) {
	t.Parallel()
	x := namesIndex(t)
	regions := `unknown region "nowhere" (known: hampshire-iow, leicestershire, west-mercia, humber)`
	ratings := `unknown rating "gold" (known: below_minimum, minimum, good, strong)`
	for _, c := range []struct {
		q    Query
		says string
	}{
		{Query{Text: "region:nowhere"}, regions},
		{Query{Text: "cotton", Region: "nowhere"}, regions},
		{Query{Text: "rating:gold"}, ratings},
		{Query{Rating: "Gold"}, ratings},
		{Query{Text: "missing:everything"}, `unknown criterion "everything" (known: approval, signature,`},
	} {
		_, err := x.Search(context.Background(), c.q)
		if !errors.Is(err, ErrQuery) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%+v: %v, want a query error that says %q", c.q, err, c.says)
		}
	}
	// known values, in any case
	if got := ids(find(t, x, Query{Text: "region:HUMBER rating:Good", Region: "humber"})); !sameSet(got, []int64{11, 12}) {
		t.Errorf("known values: %v", got)
	}
}
