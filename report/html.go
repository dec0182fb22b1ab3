package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/go-analyze/charts"

	"github.com/s54dev/s54/statement"
)

//go:embed report.html.tmpl
var pageTemplate string

// page is parsed on first use, not at every start of s54.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"label":   func(v any) string { return labelOf(fmt.Sprint(v)) },
		"area":    func(c statement.CriterionID) string { return c.Label() },
		"month":   func(r *Report) string { return r.Month.Format("January 2006") },
		"percent": func(c Coverage, id statement.CriterionID) int { return c.Percent(id) },
		"lines": func(l []Line, what string, r *Report) listView {
			return listView{Lines: l, What: what, Report: r}
		},
	}).Parse(pageTemplate))
})

// listView is a list to act on, as the "list" template shows it: its
// lines, the heading of their detail, and the report (for the links).
type listView struct {
	Lines  []Line
	What   string
	Report *Report
}

// view is what the template gets: the report and its charts.
type view struct {
	*Report
	Areas   []statement.CriterionID
	Ratings []statement.Rating
	Charts  map[string]template.HTML
}

// HTML writes the report as one self-contained, printable page: the charts
// are inline SVG, the styles inline, nothing is loaded from elsewhere.
func (r *Report) HTML(w io.Writer) error {
	v := view{Report: r, Areas: statement.Areas,
		Ratings: []statement.Rating{statement.Strong, statement.Good, statement.Minimum, statement.BelowMinimum},
		Charts:  map[string]template.HTML{}}
	var err error
	if v.Charts["ratings"], err = r.ratingsChart(v.Ratings); err != nil {
		return err
	}
	if v.Charts["trend"], err = r.trendChart(); err != nil {
		return err
	}
	if v.Charts["areas"], err = r.areasChart(); err != nil {
		return err
	}
	return page().Execute(w, v)
}

// valueAxis starts the value axis at zero (a bar that starts elsewhere
// misleads), ends it at a round number at or above top and labels it in
// round steps (0, 20, 40…, never 0, 11, 22…), with whole numbers.
func valueAxis(top float64) charts.OptionFunc {
	max, step := niceScale(top)
	return charts.YAxisOptionFunc(charts.YAxisOption{Min: charts.Ptr(0.0), Max: charts.Ptr(max),
		LabelCount: int(max/step) + 1, PreferNiceIntervals: charts.Ptr(false),
		ValueFormatter: func(v float64) string { return fmt.Sprintf("%.0f", v) }})
}

// niceScale is the top of an axis from zero that holds top, and its step:
// 1, 2 or 5 times a power of ten, with at most six steps.
func niceScale(top float64) (max, step float64) {
	if top < 1 {
		top = 1
	}
	for pow := 1.0; ; pow *= 10 {
		for _, m := range []float64{1, 2, 5} {
			step = m * pow
			if n := math.Ceil(top / step); n <= 6 {
				return n * step, step
			}
		}
	}
}

// categories labels every bar or point: the charts library otherwise
// leaves out labels it thinks will not fit ("minimum", "policies" were
// dropped).
func categories(labels []string) charts.OptionFunc {
	return charts.XAxisOptionFunc(charts.XAxisOption{Labels: labels, LabelCount: len(labels), Unit: 1})
}

// svg renders a chart and returns its SVG, which the charts library
// writes itself from numbers and our labels (escaped by it).
func svg(p *charts.Painter, err error) (template.HTML, error) {
	if err != nil {
		return "", fmt.Errorf("report: chart: %w", err)
	}
	b, err := p.Bytes()
	if err != nil {
		return "", fmt.Errorf("report: chart: %w", err)
	}
	// drop the XML declaration: the SVG goes inside the page
	if i := bytes.Index(b, []byte("<svg")); i > 0 {
		b = b[i:]
	}
	return template.HTML(b), nil
}

func (r *Report) ratingsChart(ratings []statement.Rating) (template.HTML, error) {
	var values []float64
	var labels []string
	for _, rt := range ratings {
		values = append(values, float64(r.Headline.Ratings[rt]))
		labels = append(labels, labelOf(string(rt)))
	}
	return svg(charts.BarRender([][]float64{values}, charts.SVGOutputOptionFunc(),
		charts.TitleTextOptionFunc("Statements by rating"), categories(labels),
		valueAxis(slices.Max(values)), charts.DimensionsOptionFunc(560, 300)))
}

func (r *Report) trendChart() (template.HTML, error) {
	var found, minimum, good []float64
	var labels []string
	top := 0.0
	for _, p := range r.Trend {
		found = append(found, float64(p.Found))
		minimum = append(minimum, float64(p.MeetsMinimum))
		good = append(good, float64(p.GoodOrStrong))
		top = max(top, float64(p.Found), float64(p.MeetsMinimum), float64(p.GoodOrStrong))
		labels = append(labels, monthLabel(p.Month))
	}
	return svg(charts.LineRender([][]float64{found, minimum, good}, charts.SVGOutputOptionFunc(),
		charts.TitleTextOptionFunc("The last twelve months"), categories(labels),
		// the legend below the chart, clear of the title
		charts.LegendOptionFunc(charts.LegendOption{SeriesNames: []string{"statement found", "meets the legal minimum", "good or strong"},
			Offset: charts.OffsetStr{Left: charts.PositionCenter, Top: charts.PositionBottom}}),
		valueAxis(top), charts.DimensionsOptionFunc(860, 340)))
}

// monthLabel is "2025-03" as a chart labels it, "Mar 25": twelve of
// "2025-03" side by side overlapped.
func monthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("Jan 06")
}

func (r *Report) areasChart() (template.HTML, error) {
	var values []float64
	var labels []string
	for _, a := range statement.Areas {
		values = append(values, float64(r.Coverage.Percent(a)))
		labels = append(labels, a.Label())
	}
	return svg(charts.BarRender([][]float64{values}, charts.SVGOutputOptionFunc(),
		charts.TitleTextOptionFunc("Statements covering each area (%)"), categories(labels),
		valueAxis(100), charts.DimensionsOptionFunc(720, 320)))
}
