package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/s54dev/s54/statement"
)

// VersionRecord is a statement version with its organisation and its
// latest assessment: what the search index holds of it.
type VersionRecord struct {
	StatementID int64
	OrgID       int64
	Org         statement.Org
	URL         string
	SHA256      string
	ContentType string
	Year        int
	PeriodEnd   statement.Date
	// Latest: the organisation's current statement, as the register
	// shows it.
	Latest     bool
	Assessment statement.Assessment
	CheckedAt  time.Time
}

// latestSQL ranks each organisation's versions as the register does.
const latestSQL = `row_number() OVER (PARTITION BY org_id ORDER BY period_end DESC, first_seen DESC, id DESC) = 1`

// Versions calls fn for every statement version (of one organisation when
// orgID is not 0), by organisation and version.
func (s *Store) Versions(ctx context.Context, orgID int64, fn func(VersionRecord) error) error {
	cond, args := "1", []any{}
	if orgID != 0 {
		cond, args = "s.org_id = ?", []any{orgID}
	}
	rows, err := s.db.QueryContext(ctx, `WITH ls AS (SELECT id, `+latestSQL+` AS latest FROM statements),
	la AS (SELECT statement_id, max(id) AS id FROM assessments GROUP BY statement_id)
	SELECT s.id, s.org_id, o.company_number, o.name, o.postcode, o.sector, o.website,
		s.url, s.document_sha256, d.content_type, s.year, s.period_end, ls.latest,
		coalesce(a.json, ''), coalesce(a.checked_at, '')
	FROM statements s JOIN orgs o ON o.id = s.org_id JOIN ls ON ls.id = s.id
	JOIN documents d ON d.sha256 = s.document_sha256
	LEFT JOIN la ON la.statement_id = s.id LEFT JOIN assessments a ON a.id = la.id
	WHERE `+cond+` ORDER BY s.org_id, s.id`, args...)
	if err != nil {
		return fmt.Errorf("store: versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v VersionRecord
		var periodEnd, body, checked string
		if err := rows.Scan(&v.StatementID, &v.OrgID, &v.Org.CompanyNumber, &v.Org.Name, &v.Org.Postcode, &v.Org.Sector,
			&v.Org.Website, &v.URL, &v.SHA256, &v.ContentType, &v.Year, &periodEnd, &v.Latest, &body, &checked); err != nil {
			return fmt.Errorf("store: versions: %w", err)
		}
		v.PeriodEnd, _ = statement.ParseDate(periodEnd)
		if body != "" {
			if err := json.Unmarshal([]byte(body), &v.Assessment); err != nil {
				return fmt.Errorf("store: versions: assessment of statement %d: %w", v.StatementID, err)
			}
		}
		if checked != "" {
			v.CheckedAt = parseStamp(checked)
		}
		// in WAL mode a reader does not hold up writers: fn may take its
		// time (reading documents) while a crawl records
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: versions: %w", err)
	}
	return nil
}
