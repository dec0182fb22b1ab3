package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/s54dev/s54/statement"
)

// Version is a statement as found on an organisation's website.
type Version struct {
	OrgID          int64
	URL            string
	DocumentSHA256 string
	HomepageLink   *bool
	// ETag and LastModified validate the document for a conditional
	// re-fetch.
	ETag, LastModified string
}

// Recorded says what RecordAssessment did.
type Recorded struct {
	StatementID, AssessmentID int64
	// NewVersion is true when this document had not been seen for the
	// organisation before.
	NewVersion bool
}

// Assessed is a statement version with its assessment.
type Assessed struct {
	Version    Version
	Assessment statement.Assessment
}

// RecordAssessment records a statement version (a new one when the
// document is new for the organisation, else it marks the version seen
// again) and its assessment, in one transaction.
func (s *Store) RecordAssessment(ctx context.Context, v Version, a statement.Assessment, rules string) (Recorded, error) {
	var rec Recorded
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		rec, err = s.recordAssessment(ctx, tx, v, a, rules)
		return err
	})
	if err != nil {
		return Recorded{}, fmt.Errorf("store: record assessment: %w", err)
	}
	return rec, nil
}

func (s *Store) recordAssessment(ctx context.Context, tx *sql.Tx, v Version, a statement.Assessment, rules string) (Recorded, error) {
	var rec Recorded
	if !a.IsStatement {
		// a policy or a privacy notice is never recorded as a statement
		return rec, ErrNotStatement
	}
	body, err := json.Marshal(a)
	if err != nil {
		return rec, err
	}
	var start, end string
	year := 0
	if a.Period != nil {
		start, end, year = a.Period.Start.String(), a.Period.End.String(), a.Period.End.Year
	}
	now := s.stamp()
	err = tx.QueryRowContext(ctx, `SELECT id FROM statements WHERE org_id = ? AND document_sha256 = ?`,
		v.OrgID, v.DocumentSHA256).Scan(&rec.StatementID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.ExecContext(ctx, `INSERT INTO statements (org_id, url, document_sha256, year, period_start,
			period_end, homepage_link, first_seen, last_seen, etag, last_modified) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
			v.OrgID, v.URL, v.DocumentSHA256, year, start, end, nullBool(v.HomepageLink), now, now, v.ETag, v.LastModified)
		if err != nil {
			return rec, err
		}
		rec.StatementID, _ = res.LastInsertId()
		rec.NewVersion = true
	case err != nil:
		return rec, err
	default:
		if _, err := tx.ExecContext(ctx, `UPDATE statements SET last_seen = ?, url = ?, homepage_link = ?,
			year = ?, period_start = ?, period_end = ?, etag = ?, last_modified = ? WHERE id = ?`,
			now, v.URL, nullBool(v.HomepageLink), year, start, end, v.ETag, v.LastModified, rec.StatementID); err != nil {
			return rec, err
		}
	}
	rec.AssessmentID, err = insertAssessment(ctx, tx, rec.StatementID, now, a, body, rules)
	return rec, err
}

// insertAssessment records an assessment of a statement version, with
// its criteria.
func insertAssessment(ctx context.Context, tx *sql.Tx, statementID int64, at string, a statement.Assessment, body []byte, rules string) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO assessments (statement_id, checked_at, rules, score, rating, json)
		VALUES (?,?,?,?,?,?)`, statementID, at, rules, a.Score, string(a.Rating), string(body))
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	if len(a.Criteria) == 0 {
		return id, nil
	}
	// one statement for all the criteria: each statement prepared compiles
	// the triggers that keep org_latest
	args := make([]any, 0, 3*len(a.Criteria))
	for _, fd := range a.Criteria {
		args = append(args, id, string(fd.ID), string(fd.Status))
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO assessment_criteria (assessment_id, criterion, status) VALUES `+
		strings.TrimSuffix(strings.Repeat("(?,?,?),", len(a.Criteria)), ","), args...)
	return id, err
}

// KnownStatement is a statement document already recorded for an
// organisation, with what the server said of it.
type KnownStatement struct {
	URL, DocumentSHA256, ContentType, ETag, LastModified string
}

// KnownStatements returns the statements recorded for an organisation,
// the most recently seen first.
func (s *Store) KnownStatements(ctx context.Context, orgID int64) ([]KnownStatement, error) {
	return queryRows(ctx, s.db, "known statements", func(scan func(...any) error) (KnownStatement, error) {
		var k KnownStatement
		return k, scan(&k.URL, &k.DocumentSHA256, &k.ContentType, &k.ETag, &k.LastModified)
	}, `SELECT s.url, s.document_sha256, d.content_type, s.etag, s.last_modified
		FROM statements s JOIN documents d ON d.sha256 = s.document_sha256
		WHERE s.org_id = ? ORDER BY s.last_seen DESC, s.id DESC`, orgID)
}

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
	// HomepageLink is what the crawl that last found it said.
	HomepageLink *bool
	// Rules is the rule set of the latest assessment (checker.RulesID).
	Rules string
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
		coalesce(a.json, ''), coalesce(a.checked_at, ''), s.homepage_link, coalesce(a.rules, '')
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
		var homepage sql.NullBool
		if err := rows.Scan(&v.StatementID, &v.OrgID, &v.Org.CompanyNumber, &v.Org.Name, &v.Org.Postcode, &v.Org.Sector,
			&v.Org.Website, &v.URL, &v.SHA256, &v.ContentType, &v.Year, &periodEnd, &v.Latest, &body, &checked,
			&homepage, &v.Rules); err != nil {
			return fmt.Errorf("store: versions: %w", err)
		}
		if homepage.Valid {
			v.HomepageLink = &homepage.Bool
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

// Reassess records a new assessment of a statement version already in
// the register, made with other rules: the version, when it was seen and
// where, are unchanged; the period it covers is read again.
func (s *Store) Reassess(ctx context.Context, statementID int64, a statement.Assessment, rules string) error {
	if !a.IsStatement {
		return fmt.Errorf("store: reassess statement %d: %w", statementID, ErrNotStatement)
	}
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	var start, end string
	year := 0
	if a.Period != nil {
		start, end, year = a.Period.Start.String(), a.Period.End.String(), a.Period.End.Year
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE statements SET year = ?, period_start = ?, period_end = ? WHERE id = ?`,
			year, start, end, statementID); err != nil {
			return err
		}
		_, err := insertAssessment(ctx, tx, statementID, s.stamp(), a, body, rules)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: reassess statement %d: %w", statementID, err)
	}
	return nil
}

// RulesFirstUsed returns, for each rule set the register's assessments
// were made with, when it was first used: a report marks the month the
// rules changed.
func (s *Store) RulesFirstUsed(ctx context.Context) (map[string]time.Time, error) {
	type first struct{ rules, at string }
	rows, err := queryRows(ctx, s.db, "rules", func(scan func(...any) error) (first, error) {
		var f first
		return f, scan(&f.rules, &f.at)
	}, `SELECT rules, min(checked_at) FROM assessments GROUP BY rules`)
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(rows))
	for _, f := range rows {
		out[f.rules] = parseStamp(f.at)
	}
	return out, nil
}
