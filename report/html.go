package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

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
	}).Parse(pageTemplate))
})

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

// fromZero starts the value axis at zero (a bar that starts elsewhere
// misleads) and labels it with whole numbers.
func fromZero(max float64) charts.OptionFunc {
	opt := charts.YAxisOption{Min: charts.Ptr(0.0), ValueFormatter: func(v float64) string { return fmt.Sprintf("%.0f", v) }}
	if max > 0 {
		opt.Max = charts.Ptr(max)
	}
	return charts.YAxisOptionFunc(opt)
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
		charts.TitleTextOptionFunc("Statements by rating"), charts.XAxisLabelsOptionFunc(labels),
		fromZero(0), charts.DimensionsOptionFunc(560, 300)))
}

func (r *Report) trendChart() (template.HTML, error) {
	var found, minimum, good []float64
	var labels []string
	for _, p := range r.Trend {
		found = append(found, float64(p.Found))
		minimum = append(minimum, float64(p.MeetsMinimum))
		good = append(good, float64(p.GoodOrStrong))
		labels = append(labels, p.Month)
	}
	return svg(charts.LineRender([][]float64{found, minimum, good}, charts.SVGOutputOptionFunc(),
		charts.TitleTextOptionFunc("The last twelve months"), charts.XAxisLabelsOptionFunc(labels),
		charts.LegendLabelsOptionFunc([]string{"statement found", "meets the legal minimum", "good or strong"}),
		fromZero(0), charts.DimensionsOptionFunc(720, 320)))
}

func (r *Report) areasChart() (template.HTML, error) {
	var values []float64
	var labels []string
	for _, a := range statement.Areas {
		values = append(values, float64(r.Coverage.Percent(a)))
		labels = append(labels, strings.ReplaceAll(a.Label(), " ", "\n"))
	}
	return svg(charts.BarRender([][]float64{values}, charts.SVGOutputOptionFunc(),
		charts.TitleTextOptionFunc("Statements covering each area (%)"), charts.XAxisLabelsOptionFunc(labels),
		fromZero(100), charts.DimensionsOptionFunc(720, 320)))
}
