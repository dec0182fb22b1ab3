package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/s54dev/s54/report"
)

// reportEntry is a monthly report in the data folder's reports/: the
// whole register's (reports/YYYY-MM) or a region's (reports/YYYY-MM/ID).
type reportEntry struct {
	Month, Label       string
	Region, RegionName string
	Made               time.Time
	URL                string
}

// reportsDir is where s54 report and the scheduler write the reports.
func (s *Server) reportsDir() string { return filepath.Join(s.cfg.Store.Dir(), "reports") }

// reports are the reports the account may read, newest first: an account
// limited to regions reads its regions' reports, not the whole register's.
func (s *Server) reports(a account) []reportEntry {
	months, _ := os.ReadDir(s.reportsDir())
	var out []reportEntry
	add := func(month time.Time, dir, region string) {
		fi, err := os.Stat(filepath.Join(dir, "report.html"))
		if err != nil {
			return
		}
		e := reportEntry{Month: month.Format("2006-01"), Label: month.Format("January 2006"), Region: region,
			RegionName: s.regionName(region), Made: fi.ModTime(), URL: "/reports/" + month.Format("2006-01")}
		if region != "" {
			e.URL += "?region=" + region
		}
		out = append(out, e)
	}
	for _, m := range months {
		month, err := time.Parse("2006-01", m.Name())
		if !m.IsDir() || err != nil {
			continue
		}
		dir := filepath.Join(s.reportsDir(), m.Name())
		if !a.limited() {
			add(month, dir, "")
		}
		for _, id := range s.cfg.Regions.IDs() {
			if a.allows(id) {
				add(month, filepath.Join(dir, id), id)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y reportEntry) int { return strings.Compare(y.Month, x.Month) })
	return out
}

// reportsData is the reports page.
type reportsData struct {
	Reports []reportEntry
	// ThisMonth is the month staff can make the report of now; CanMake
	// is false when the server has no way to make one.
	ThisMonth string
	CanMake   bool
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	d := reportsData{Reports: s.reports(accountIn(r.Context())), ThisMonth: time.Now().In(report.London).Format("January 2006"),
		CanMake: s.cfg.MakeReport != nil}
	s.render(w, r, http.StatusOK, "reports", "Monthly reports", d)
}

// makeReport makes this month's report now: the whole register's, or for
// an account limited to regions, each of its regions'.
func (s *Server) makeReport(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.staffChange(w, r); !ok {
		return
	}
	if s.cfg.MakeReport == nil {
		s.error(w, r, http.StatusNotImplemented, "This server cannot make reports (s54 report makes them).")
		return
	}
	a := accountIn(r.Context())
	month := time.Now().In(report.London)
	regions := []string{""}
	if a.limited() {
		regions = nil
		for _, reg := range a.regions {
			regions = append(regions, reg.ID)
		}
	}
	for _, id := range regions {
		if err := s.cfg.MakeReport(r.Context(), month, id); err != nil {
			s.error(w, r, http.StatusInternalServerError, "The report could not be made: "+err.Error())
			return
		}
	}
	to := "/reports/" + month.Format("2006-01")
	if len(regions) == 1 && regions[0] != "" {
		to += "?region=" + regions[0]
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// reportDir is the folder of the report a request names, when the
// account may read it.
func (s *Server) reportDir(w http.ResponseWriter, r *http.Request) (string, time.Time, bool) {
	month, err := time.Parse("2006-01", r.PathValue("month"))
	if err != nil {
		s.error(w, r, http.StatusNotFound, "A report is named by its month: /reports/2025-11.")
		return "", month, false
	}
	a := accountIn(r.Context())
	dir := filepath.Join(s.reportsDir(), month.Format("2006-01"))
	switch id := r.URL.Query().Get("region"); {
	case id == "" && a.limited():
		s.error(w, r, http.StatusForbidden, fmt.Sprintf("The whole register's report is %s; yours are by region (%s): see the reports page.", errNotYours, a.names()))
		return "", month, false
	case id != "":
		if _, ok := s.cfg.Regions.Get(id); !ok {
			s.error(w, r, http.StatusNotFound, fmt.Sprintf("No region %q.", id))
			return "", month, false
		}
		if !a.allows(id) {
			s.error(w, r, http.StatusForbidden, fmt.Sprintf("%s: %s (%s).", s.regionName(id), errNotYours, a.names()))
			return "", month, false
		}
		dir = filepath.Join(dir, id)
	}
	return dir, month, true
}

// reportBar is put at the top of a report shown in s54: the way back and
// the downloads. The report's own styles apply to it.
var reportBar = template.Must(template.New("bar").Parse(`<nav aria-label="Report" style="border-bottom: 1px solid #b1b4b6; padding-bottom: .5rem">
<a href="/">s54</a> · <a href="/reports">All reports</a> · Download: <a href="{{.Base}}/register.csv{{.Query}}">the register (CSV)</a> · <a href="{{.Base}}/register.xlsx{{.Query}}">the register and the lists (Excel)</a> · <a href="{{.Base}}/report.html{{.Query}}">this report (HTML)</a>
</nav>
`))

// reportPage shows a monthly report as it was written, with a bar of
// downloads. Its charts are inline SVG and its styles inline: the page
// allows inline styles, and nothing else.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	dir, month, ok := s.reportDir(w, r)
	if !ok {
		return
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		s.error(w, r, http.StatusNotFound, fmt.Sprintf("There is no report for %s yet.", month.Format("January 2006")))
		return
	}
	var bar bytes.Buffer
	q := ""
	if id := r.URL.Query().Get("region"); id != "" {
		q = "?region=" + id
	}
	if err := reportBar.Execute(&bar, struct{ Base, Query string }{"/reports/" + month.Format("2006-01"), q}); err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	if i := bytes.Index(page, []byte("<body>")); i >= 0 {
		at := i + len("<body>")
		page = slices.Concat(page[:at], []byte("\n"), bar.Bytes(), page[at:])
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

// reportFile is one of a report's files, as a download.
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request) {
	dir, month, ok := s.reportDir(w, r)
	if !ok {
		return
	}
	name := r.PathValue("file")
	if !slices.Contains(report.Files, name) {
		s.error(w, r, http.StatusNotFound, "A report has report.html, register.csv and register.xlsx.")
		return
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		s.error(w, r, http.StatusNotFound, fmt.Sprintf("There is no report for %s yet.", month.Format("January 2006")))
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	download := fmt.Sprintf("s54-%s-%s", month.Format("2006-01"), name)
	if id := r.URL.Query().Get("region"); id != "" {
		download = fmt.Sprintf("s54-%s-%s-%s", month.Format("2006-01"), id, name)
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", download))
	http.ServeContent(w, r, name, fi.ModTime(), f)
}
