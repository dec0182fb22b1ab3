package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

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

// searchData is the search page.
type searchData struct {
	Query       index.Query
	Q           string
	Result      *index.Result
	Error       string
	NoIndex     bool
	Regions     []string
	Ratings     []statement.Rating
	Page, Pages int
	PrevURL     string
	NextURL     string
	FacetURL    func(field, value string) string
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	q, page := s.queryOf(r)
	d := searchData{Query: q, Q: r.URL.Query().Get("q"), Regions: s.cfg.Regions.IDs(), Page: page,
		Ratings: []statement.Rating{statement.Strong, statement.Good, statement.Minimum, statement.BelowMinimum}}
	d.FacetURL = func(field, value string) string {
		v := r.URL.Query()
		v.Set("q", strings.TrimSpace(d.Q+" "+field+":"+value))
		v.Del("page")
		return "/search?" + v.Encode()
	}
	status := http.StatusOK
	switch {
	case s.cfg.Index == nil:
		d.NoIndex = true
	case d.Q != "" || q.Region != "" || q.Rating != "" || q.Year != 0 || q.Sector != "":
		res, err := s.search(r.Context(), q)
		if errors.Is(err, index.ErrQuery) {
			d.Error, status = err.Error(), http.StatusBadRequest
		} else if err != nil {
			s.error(w, r, http.StatusInternalServerError, "The search failed: "+err.Error())
			return
		} else {
			d.Result = res
			d.Pages = int((res.Total + uint64(q.Limit) - 1) / uint64(q.Limit))
			v := r.URL.Query()
			if page > 1 {
				v.Set("page", strconv.Itoa(page-1))
				d.PrevURL = "/search?" + v.Encode()
			}
			if page < d.Pages {
				v.Set("page", strconv.Itoa(page+1))
				d.NextURL = "/search?" + v.Encode()
			}
		}
	}
	s.render(w, r, status, "search", "Search statements", d)
}

// queryOf reads a search from the URL.
func (s *Server) queryOf(r *http.Request) (index.Query, int) {
	v := r.URL.Query()
	q := index.Query{Text: v.Get("q"), Region: v.Get("region"), Sector: v.Get("sector"), Rating: v.Get("rating"),
		AllVersions: v.Get("all") == "1", Limit: 10}
	q.Year, _ = strconv.Atoi(v.Get("year"))
	if n, err := strconv.Atoi(v.Get("limit")); err == nil && n > 0 && n <= 100 {
		q.Limit = n
	}
	page, _ := strconv.Atoi(v.Get("page"))
	page = max(1, min(page, 1000))
	q.Offset = (page - 1) * q.Limit
	return q, page
}

// registerData is the register page.
type registerData struct {
	Entries                 []statement.RegisterEntry
	Total                   int
	Region, Rating, Status  string
	Sort                    string
	Regions                 []string
	Statuses                []statement.RegisterStatus
	Ratings                 []statement.Rating
	SortURL                 func(key string) string
	DownloadCSV, DownloadXL string
}

// register reads the register the URL asks for: filtered and sorted.
func (s *Server) register(r *http.Request) ([]statement.RegisterEntry, registerData, error) {
	v := r.URL.Query()
	d := registerData{Region: v.Get("region"), Rating: v.Get("rating"), Status: v.Get("status"), Sort: v.Get("sort"),
		Regions: s.cfg.Regions.IDs(), Statuses: statement.RegisterStatuses,
		Ratings: []statement.Rating{statement.Strong, statement.Good, statement.Minimum, statement.BelowMinimum}}
	var f store.OrgFilter
	if d.Region != "" {
		reg, ok := s.cfg.Regions.Get(d.Region)
		if !ok {
			return nil, d, fmt.Errorf("no region %q", d.Region)
		}
		f.Region = reg
	}
	all, err := s.cfg.Store.Register(r.Context(), f)
	if err != nil {
		return nil, d, err
	}
	var out []statement.RegisterEntry
	for _, e := range all {
		e.Region = s.cfg.Regions.Match(e.Postcode)
		if d.Status != "" && string(e.Status) != d.Status {
			continue
		}
		if d.Rating != "" && (e.Rating == nil || string(*e.Rating) != d.Rating) {
			continue
		}
		out = append(out, e)
	}
	key, desc := strings.CutPrefix(d.Sort, "-")
	less := map[string]func(a, b statement.RegisterEntry) int{
		"name": func(a, b statement.RegisterEntry) int {
			return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		},
		"status": func(a, b statement.RegisterEntry) int { return cmp.Compare(a.Status, b.Status) },
		"rating": func(a, b statement.RegisterEntry) int { return cmp.Compare(rank(a.Rating), rank(b.Rating)) },
		"score":  func(a, b statement.RegisterEntry) int { return cmp.Compare(score(a.Score), score(b.Score)) },
		"period": func(a, b statement.RegisterEntry) int { return cmp.Compare(a.PeriodEnd.String(), b.PeriodEnd.String()) },
		"region": func(a, b statement.RegisterEntry) int { return cmp.Compare(a.Region, b.Region) },
	}[key]
	if less != nil {
		slices.SortStableFunc(out, func(a, b statement.RegisterEntry) int {
			if desc {
				return less(b, a)
			}
			return less(a, b)
		})
	}
	d.Entries, d.Total = out, len(all)
	d.SortURL = func(k string) string {
		q := r.URL.Query()
		if d.Sort == k {
			k = "-" + k
		}
		q.Set("sort", k)
		return "/register?" + q.Encode()
	}
	q := r.URL.Query()
	q.Del("sort")
	d.DownloadCSV, d.DownloadXL = "/register.csv?"+q.Encode(), "/register.xlsx?"+q.Encode()
	return out, d, nil
}

func rank(r *statement.Rating) int {
	if r == nil {
		return -1
	}
	return r.Rank()
}

func score(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	_, d, err := s.register(r)
	if err != nil {
		s.error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "register", "Register", d)
}

func (s *Server) registerCSV(w http.ResponseWriter, r *http.Request) {
	entries, _, err := s.register(r)
	if err != nil {
		s.error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="register.csv"`)
	export.RegisterCSV(w, entries)
}

func (s *Server) registerXLSX(w http.ResponseWriter, r *http.Request) {
	entries, d, err := s.register(r)
	if err != nil {
		s.error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	name := "Register"
	if d.Region != "" {
		name = d.Region
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="register.xlsx"`)
	export.RegisterXLSX(w, []export.Sheet{{Name: name, Entries: entries}})
}

// orgData is an organisation's page.
type orgData struct {
	Org        store.OrgRecord
	Region     string
	Entry      *statement.RegisterEntry
	Statements []versionView
	Fetches    []store.FetchRecord
}

// versionView is one statement version on the organisation page.
type versionView struct {
	store.VersionRecord
	Anchor   string
	Criteria []criterionView
	// Text is the statement's text with the evidence marked; empty when
	// the text is not at hand (no index, and the snapshot unreadable).
	Text template.HTML
}

type criterionView struct {
	statement.Finding
	// Link is the anchor of the first passage of evidence in the text.
	Link string
}

func (s *Server) orgPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.org(r.Context(), r.PathValue("number"), true)
	if errors.Is(err, store.ErrNotFound) {
		s.error(w, r, http.StatusNotFound, "No organisation has that company number in the register.")
		return
	}
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "org", d.Org.Name, d)
}

// org gathers an organisation's history, newest statement first.
func (s *Server) org(ctx context.Context, number string, withText bool) (*orgData, error) {
	o, err := s.cfg.Store.OrgByNumber(ctx, strings.ToUpper(strings.TrimSpace(number)))
	if err != nil {
		return nil, err
	}
	d := &orgData{Org: o, Region: s.cfg.Regions.Match(o.Postcode)}
	reg, err := s.cfg.Store.Register(ctx, store.OrgFilter{CompanyNumbers: []string{o.CompanyNumber}})
	if err != nil {
		return nil, err
	}
	for i := range reg {
		if reg[i].OrgID == o.ID {
			d.Entry = &reg[i]
		}
	}
	err = s.cfg.Store.Versions(ctx, o.ID, func(v store.VersionRecord) error {
		vv := versionView{VersionRecord: v, Anchor: fmt.Sprintf("v%d", v.StatementID)}
		marks := map[statement.CriterionID]int{}
		if withText {
			vv.Text, marks = s.markedText(ctx, v)
		}
		for _, f := range v.Assessment.Criteria {
			cv := criterionView{Finding: f}
			if n, ok := marks[f.ID]; ok && n > 0 {
				cv.Link = fmt.Sprintf("#%s-%s-0", vv.Anchor, f.ID)
			}
			vv.Criteria = append(vv.Criteria, cv)
		}
		d.Statements = append(d.Statements, vv)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(d.Statements, func(a, b versionView) int {
		if c := cmp.Compare(b.PeriodEnd.String(), a.PeriodEnd.String()); c != 0 {
			return c
		}
		return cmp.Compare(b.StatementID, a.StatementID)
	})
	d.Fetches, err = s.cfg.Store.OrgFetches(ctx, o.ID, 20)
	return d, err
}

// markedText is a version's text with each passage of evidence in a
// <mark> whose id the criteria table links to, and how many passages each
// criterion has. The text is the index's copy (what the checker read).
func (s *Server) markedText(ctx context.Context, v store.VersionRecord) (template.HTML, map[statement.CriterionID]int) {
	if s.cfg.Index == nil {
		return "", nil
	}
	doc, ok, err := s.cfg.Index.Doc(ctx, v.StatementID)
	if err != nil || !ok {
		return "", nil
	}
	return markEvidence(doc.Text, fmt.Sprintf("v%d", v.StatementID), v.Assessment.Criteria)
}

type span struct {
	start, end int
	id         string
	crit       statement.CriterionID
}

// markEvidence escapes text and marks the evidence spans (byte offsets);
// overlapping spans keep the first.
func markEvidence(text, anchor string, findings []statement.Finding) (template.HTML, map[statement.CriterionID]int) {
	var spans []span
	counts := map[statement.CriterionID]int{}
	for _, f := range findings {
		for _, e := range f.Evidence {
			if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > len(text) {
				continue
			}
			spans = append(spans, span{start: e.Offset, end: e.Offset + e.Length, crit: f.ID})
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var b strings.Builder
	pos := 0
	for _, sp := range spans {
		if sp.start < pos {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[pos:sp.start]))
		id := fmt.Sprintf("%s-%s-%d", anchor, sp.crit, counts[sp.crit])
		counts[sp.crit]++
		fmt.Fprintf(&b, `<mark id="%s" class="ev" title="%s">`, id, template.HTMLEscapeString(labelOf(sp.crit)))
		b.WriteString(template.HTMLEscapeString(text[sp.start:sp.end]))
		b.WriteString("</mark>")
		pos = sp.end
	}
	b.WriteString(template.HTMLEscapeString(text[pos:]))
	return template.HTML(b.String()), counts
}

var shaRe = lazyre.New(`^[0-9a-f]{64}$`)

// snapshot serves a kept document as it was fetched, as a download: it
// is someone else's content, so it is never shown as a page of this site.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	if !shaRe().MatchString(sha) {
		s.error(w, r, http.StatusNotFound, "No such document.")
		return
	}
	info, err := s.cfg.Store.Document(r.Context(), sha)
	if err != nil {
		s.error(w, r, http.StatusNotFound, "No such document.")
		return
	}
	f, err := os.Open(s.cfg.Store.DocumentPath(sha))
	if err != nil {
		s.error(w, r, http.StatusNotFound, "The document is recorded but its file is missing.")
		return
	}
	defer f.Close()
	ext := ".bin"
	switch {
	case strings.Contains(info.ContentType, "pdf"):
		ext = ".pdf"
	case strings.Contains(info.ContentType, "html"):
		ext = ".html"
	case strings.Contains(info.ContentType, "word"):
		ext = ".docx"
	case strings.Contains(info.ContentType, "text"):
		ext = ".txt"
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s%s"`, sha[:12], ext))
	w.Header().Set("Content-Security-Policy", "sandbox")
	io.Copy(w, f)
}

// runsData is the crawl runs page.
type runsData struct {
	Runs     []store.RunSummary
	Failures []store.FetchRecord
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	runs, err := s.cfg.Store.Runs(r.Context(), 20)
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	d := runsData{Runs: runs}
	if len(runs) > 0 {
		if d.Failures, err = s.cfg.Store.RunFailures(r.Context(), runs[0].ID); err != nil {
			s.error(w, r, http.StatusInternalServerError, err.Error())
			return
		}
	}
	s.render(w, r, http.StatusOK, "runs", "Crawl runs", d)
}
