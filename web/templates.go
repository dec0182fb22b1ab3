package web

import (
	"cmp"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
)

// page is what every template gets.
type page struct {
	Title string
	User  string
	// Regions names the regions the user's account is limited to.
	Regions string
	CSRF    string
	Data    any
	// Refresh reloads the page after so many seconds, when not 0.
	Refresh int
}

func (s *Server) parseTemplates() error {
	funcs := template.FuncMap{
		"label":        labelOf,
		"join":         strings.Join,
		"date":         func(t time.Time) string { return t.Format("2 Jan 2006") },
		"pct":          func(a, b int) int { return a * 100 / max(b, 1) },
		"add":          func(a, b int) int { return a + b },
		"fragment":     fragmentHTML,
		"homepageLink": homepageLink,
		"deref":        func(b *bool) bool { return b != nil && *b },
		"when":         func(t time.Time) string { return t.In(report.London).Format("2 Jan 2006 15:04") },
		"duration":     humanDuration,
		"sampleHost":   sampleHost,
		// what went wrong on a visit, in a sentence a coordinator reads
		"explain":      statement.Explain,
		"pct100":       func(x float64) int { return int(x*100 + 0.5) },
		"findingLabel": findingLabel,
		// the name of a region, by id (the id when the configuration has
		// no such region)
		"regionName": func(id string) string { return cmp.Or(s.cfg.Regions.Name(id), id) },
		"changeList": changeList,
		"followUp":   followUpLabel,
	}
	s.pages = map[string]*template.Template{}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(assets, "templates/layout.html", n)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", base, err)
		}
		s.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return nil
}

// render writes a page; an error in a template is logged, and the user
// gets a plain error page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, Data: data}
	if d, ok := data.(interface{ Refresh() int }); ok {
		p.Refresh = d.Refresh()
	}
	if ss, ok := s.session(r); ok {
		p.User, p.CSRF = ss.User.Name, ss.CSRF
		a, _ := s.accountOf(ss.User)
		p.Regions = a.names()
	}
	t := s.pages[name]
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout.html", p); err != nil {
		s.cfg.Log.Error("template", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprint(w, b.String())
}

func (s *Server) error(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	s.render(w, r, status, "error", http.StatusText(status), msg)
}

// changeView is one kind of change on the home page: the first few of
// them, and how many more.
type changeView struct {
	Title          string
	Changes, Shown []report.Change
	More           int
}

// changesShown bounds the changes of a kind listed on the home page.
const changesShown = 10

func changeList(title string, c []report.Change) changeView {
	v := changeView{Title: title, Changes: c, Shown: c[:min(len(c), changesShown)]}
	v.More = len(c) - len(v.Shown)
	return v
}

// followUpLabel is a follow-up state as people read it.
func followUpLabel(f statement.FollowUp) string {
	switch f {
	case statement.FollowUpNone, "":
		return "none"
	case statement.Contacted:
		return "contacted, awaiting a reply"
	}
	return labelOf(f)
}

// labelOf is the human label of a criterion id, status or rating.
func labelOf(v any) string {
	switch x := v.(type) {
	case *statement.Rating:
		if x == nil {
			return ""
		}
		v = *x
	case *string:
		if x == nil {
			return ""
		}
		v = *x
	}
	s := fmt.Sprint(v)
	if c := statement.CriterionID(s); c.Label() != s && c.Label() != "" {
		return c.Label()
	}
	return strings.ReplaceAll(s, "_", " ")
}

// homepageLink says what is known of the homepage-link duty: "linked",
// "not linked", "not checked" (the homepage could not be read), or "—"
// when there is no statement to link. A *bool must never reach a
// template's "if": a pointer to false is true there.
func homepageLink(link *bool, statementFound bool) string {
	switch {
	case !statementFound:
		return "—"
	case link == nil:
		return "not checked"
	case *link:
		return "linked"
	}
	return "not linked"
}

var markTags = lazyre.New(`</?mark>`)

// fragmentHTML makes a search fragment (text with <mark> around the words
// matched) safe to show: the text between the marks is unescaped (Bleve
// escapes it already) and escaped again, once, and only the marks are kept
// as tags.
func fragmentHTML(fr string) template.HTML {
	var b strings.Builder
	pos := 0
	for _, m := range markTags().FindAllStringIndex(fr, -1) {
		b.WriteString(template.HTMLEscapeString(html.UnescapeString(fr[pos:m[0]])))
		b.WriteString(fr[m[0]:m[1]])
		pos = m[1]
	}
	b.WriteString(template.HTMLEscapeString(html.UnescapeString(fr[pos:])))
	return template.HTML(b.String())
}

// humanDuration says a duration as people do: "40 s", "12 min", "3 h 5 min".
func humanDuration(d time.Duration) string {
	switch d = d.Round(time.Second); {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
}

// sampleHost reports whether a URL is on a sample site of the demo's
// fake web (.test, a name reserved never to resolve): a browser cannot
// open it, and the page says so instead of linking to it.
func sampleHost(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && strings.HasSuffix(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), ".test")
}
