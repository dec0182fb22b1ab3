package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// orgFindings reads an organisation's findings for its page and the API:
// nil when it has none.
func (s *Server) orgFindings(ctx context.Context, orgID int64) (*statement.OrgFindings, error) {
	f, ok, err := s.cfg.Store.Findings(ctx, orgID)
	if err != nil || !ok {
		return nil, err
	}
	return &f, nil
}

// changesData is the page comparing an organisation's current statement
// with the one before it.
type changesData struct {
	Org            store.OrgRecord
	Cur, Prev      versionView
	Unchanged      *statement.UnchangedFinding
	Chunks         []findings.DiffChunk
	Added, Removed int
	Missing        string
}

// changesPage is GET /orgs/{number}/changes: the current statement beside
// the one before it, word by word, with what was added and removed marked
// (names and years are not masked here: a reader sees what changed).
func (s *Server) changesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, ok := s.orgOrError(w, r, false)
	if !ok {
		return
	}
	cur := slices.IndexFunc(d.Statements, func(v versionView) bool { return v.Latest })
	if cur < 0 && len(d.Statements) > 0 {
		cur = 0
	}
	prev := -1
	if cur >= 0 {
		// the newest statement of an earlier year than the current one
		prev = slices.IndexFunc(d.Statements, func(v versionView) bool {
			return v.StatementID != d.Statements[cur].StatementID && v.PeriodEnd.Time().Before(d.Statements[cur].PeriodEnd.Time())
		})
	}
	c := changesData{Org: d.Org, Unchanged: nil}
	if f := d.Findings; f != nil {
		c.Unchanged = f.Unchanged
	}
	if prev < 0 {
		c.Missing = "There is no statement of an earlier year to compare the current one with."
		s.render(w, r, http.StatusOK, "changes", d.Org.Name+": changes", c)
		return
	}
	c.Cur, c.Prev = d.Statements[cur], d.Statements[prev]
	curText, err1 := s.versionText(ctx, c.Cur.VersionRecord)
	prevText, err2 := s.versionText(ctx, c.Prev.VersionRecord)
	if err := errors.Join(err1, err2); err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	if curText == "" || prevText == "" {
		c.Missing = "The text of one of the two statements is not at hand yet: it is kept when s54 findings (or a crawl) reads the statements."
		s.render(w, r, http.StatusOK, "changes", d.Org.Name+": changes", c)
		return
	}
	if len(curText) > maxDiffText || len(prevText) > maxDiffText {
		c.Missing = "The two statements are too long to compare word by word here: compare their snapshots."
		s.render(w, r, http.StatusOK, "changes", d.Org.Name+": changes", c)
		return
	}
	c.Chunks = findings.Diff(prevText, curText)
	for _, ch := range c.Chunks {
		n := len(strings.Fields(ch.Text))
		switch ch.Op {
		case "+":
			c.Added += n
		case "-":
			c.Removed += n
		}
	}
	s.render(w, r, http.StatusOK, "changes", d.Org.Name+": changes", c)
}

// maxDiffText bounds each text the changes page compares: a statement is
// tens of kilobytes; a document of megabytes would hold the diff and the
// page in memory for nothing a reader could follow.
const maxDiffText = 1 << 20

// versionText is the text of a statement version: the one kept with the
// findings, else the index's copy; "" when neither has it.
func (s *Server) versionText(ctx context.Context, v store.VersionRecord) (string, error) {
	if text, ok, err := s.cfg.Store.Text(ctx, v.SHA256); err != nil || ok {
		return text, err
	}
	if s.cfg.Index == nil {
		return "", nil
	}
	doc, ok, err := s.cfg.Index.Doc(ctx, v.StatementID)
	if err != nil || !ok {
		return "", err
	}
	return doc.Text, nil
}

// findingsData is the staff page of findings: the registry claims the
// statements do not bear out, the families of statements that share a
// template's text, and the statements re-dated without change, for the
// account's regions.
type findingsData struct {
	Registry, Redated []statement.OrgFindings
	Families          []family
}

// family is a group of statements sharing their text: its members the
// account sees, and how many others there are elsewhere.
type family struct {
	Members []statement.SimilarStatement
	Others  int
}

func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	all, err := s.cfg.Store.AllFindings(ctx)
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	clusters, err := s.cfg.Store.TemplateClusters(ctx)
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	a := accountIn(ctx)
	var d findingsData
	seen := map[string]statement.OrgFindings{} // of the organisations the account sees, by company number
	for _, f := range all {
		if !a.allows(f.Region) {
			continue
		}
		seen[f.CompanyNumber] = f
		if slices.ContainsFunc(f.Registry, func(r statement.RegistryFinding) bool { return !r.Quiet }) {
			d.Registry = append(d.Registry, f)
		}
		if f.Unchanged != nil && f.Unchanged.Redated {
			d.Redated = append(d.Redated, f)
		}
	}
	byName := func(a, b statement.OrgFindings) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	}
	slices.SortFunc(d.Registry, byName)
	slices.SortFunc(d.Redated, byName)
	for _, c := range clusters {
		var fam family
		for _, m := range c {
			if f, ok := seen[m.CompanyNumber]; ok || !a.limited() {
				if f.Template != nil {
					// the clusters keep only who; the share is each one's own
					m.Shared = max(m.Shared, f.Template.Shared)
				}
				fam.Members = append(fam.Members, m)
			} else {
				fam.Others++
			}
		}
		if len(fam.Members) > 0 {
			d.Families = append(d.Families, fam)
		}
	}
	s.render(w, r, http.StatusOK, "findings", "Findings", d)
}
