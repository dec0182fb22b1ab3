package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// orgData is an organisation's page.
type orgData struct {
	Org store.OrgRecord
	// Region is the organisation's region's id, RegionName its name.
	Region, RegionName string
	Entry              *statement.RegisterEntry
	Statements         []versionView
	Fetches            []store.FetchRecord
	// the staff's work on it: its follow-up (newest first), the changes
	// made to it, the follow-up states to choose from, whether it can be
	// checked now, and what was wrong with a form sent
	FollowUps []statement.FollowUpNote
	Audit     []statement.AuditEntry
	States    []option
	CanCheck  bool
	Problem   string
	// CheckWaiting: a check now was asked for and waits for the crawl
	// going on to end.
	CheckWaiting bool
	// Findings are the organisation's findings (registry claims, template
	// text, re-dated), nil when it has none.
	Findings *statement.OrgFindings
}

// orgAuditShown bounds the changes listed on an organisation's page.
const orgAuditShown = 50

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
	if d, ok := s.orgOrError(w, r, true); ok {
		d.CheckWaiting = r.URL.Query().Get("check") == "waiting"
		s.render(w, r, http.StatusOK, "org", d.Org.Name, d)
	}
}

// orgOrError gathers the organisation a page's URL names, or answers
// with the error page (404 for one not in the register or the account's
// regions) and reports false.
func (s *Server) orgOrError(w http.ResponseWriter, r *http.Request, withText bool) (*orgData, bool) {
	d, err := s.org(r.Context(), r.PathValue("number"), withText)
	if errors.Is(err, store.ErrNotFound) {
		s.error(w, r, http.StatusNotFound, "No organisation has that company number in the register.")
		return nil, false
	}
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return nil, false
	}
	return d, true
}

// org gathers an organisation's history, newest statement first.
func (s *Server) org(ctx context.Context, number string, withText bool) (*orgData, error) {
	o, err := s.cfg.Store.OrgByNumber(ctx, strings.ToUpper(strings.TrimSpace(number)))
	if err != nil {
		return nil, err
	}
	if !accountIn(ctx).sees(o.Postcode) {
		// outside the account's regions: as if it were not there
		return nil, fmt.Errorf("web: organisation %s: %w", number, store.ErrNotFound)
	}
	d := &orgData{Org: o, Region: s.cfg.Regions.Match(o.Postcode)}
	d.RegionName = s.regionName(d.Region)
	reg, err := s.cfg.Store.Register(ctx, store.OrgFilter{CompanyNumbers: []string{o.CompanyNumber}})
	if err != nil {
		return nil, err
	}
	for i := range reg {
		if reg[i].OrgID == o.ID {
			d.Entry = &reg[i]
			d.Entry.Region, d.Entry.RegionName = d.Region, d.RegionName
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
	if d.Findings, err = s.orgFindings(ctx, o.ID); err != nil {
		return nil, err
	}
	if d.Fetches, err = s.cfg.Store.OrgFetches(ctx, o.ID, 20); err != nil {
		return nil, err
	}
	if d.FollowUps, err = s.cfg.Store.FollowUps(ctx, o.ID); err != nil {
		return nil, err
	}
	if d.Audit, err = s.cfg.Store.Audit(ctx, store.AuditFilter{OrgID: o.ID, Limit: orgAuditShown}); err != nil {
		return nil, err
	}
	for _, f := range statement.FollowUps {
		d.States = append(d.States, option{Value: string(f), Label: followUpLabel(f)})
	}
	d.CanCheck = s.cfg.CheckOrg != nil
	return d, nil
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
