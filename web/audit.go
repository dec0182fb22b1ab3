package web

import (
	"io"
	"net/http"
	"time"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/internal/csvcell"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// auditShown bounds the changes the audit page lists; the CSV has all.
const auditShown = 500

// auditData is the audit log's page.
type auditData struct {
	Entries []statement.AuditEntry
	More    bool
}

// auditOf reads the audit log as the account may see it: the changes to
// the organisations in its regions.
func (s *Server) auditOf(r *http.Request, limit int) ([]statement.AuditEntry, error) {
	return s.cfg.Store.Audit(r.Context(), store.AuditFilter{Within: accountIn(r.Context()).regions, Limit: limit})
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	entries, err := s.auditOf(r, auditShown+1)
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	d := auditData{Entries: entries[:min(len(entries), auditShown)], More: len(entries) > auditShown}
	s.render(w, r, http.StatusOK, "audit", "Changes made", d)
}

// auditCSV is the whole audit log as CSV, for a spreadsheet.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request) {
	entries, err := s.auditOf(r, 0)
	if err != nil {
		s.error(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	// a byte order mark, as the register's downloads: Excel reads UTF-8
	io.WriteString(w, export.BOM)
	cw := csvcell.NewWriter(w)
	cw.Write([]string{"at", "by", "company_number", "name", "field", "before", "after"})
	for _, e := range entries {
		cw.Write([]string{e.At.UTC().Format(time.RFC3339), e.By, e.CompanyNumber, e.Name, e.Field, e.Before, e.After})
	}
	cw.Flush()
}

// apiAudit is GET /api/audit: the audit log, newest first (the last
// 500; ?all=1 for every change).
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	limit := auditShown
	if r.URL.Query().Get("all") != "" {
		limit = 0
	}
	entries, err := s.auditOf(r, limit)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	if entries == nil {
		entries = []statement.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, entries)
}
