package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/s54dev/s54/statement"
)

// RunSummary is a crawl run with its outcomes counted.
type RunSummary struct {
	Run
	FinishedAt *time.Time
	Detail     string
	Outcomes   map[statement.RegisterStatus]int
}

// Runs returns the latest crawl runs, newest first.
func (s *Store) Runs(ctx context.Context, limit int) ([]RunSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.started_at, coalesce(r.finished_at, ''), r.status, r.selection, r.detail
		FROM crawl_runs r ORDER BY r.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	var out []RunSummary
	for rows.Next() {
		var r RunSummary
		var started, finished, state string
		if err := rows.Scan(&r.ID, &started, &finished, &state, &r.Selection, &r.Detail); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: runs: %w", err)
		}
		r.StartedAt, r.FinishedAt, r.State = parseStamp(started), stampPtr(finished), statement.RunState(state)
		r.Outcomes = map[statement.RegisterStatus]int{}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	for i := range out {
		rows, err := s.db.QueryContext(ctx, `SELECT outcome, count(*) FROM fetches WHERE run_id = ? GROUP BY outcome`, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("store: runs: %w", err)
		}
		for rows.Next() {
			var o string
			var n int
			if err := rows.Scan(&o, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: runs: %w", err)
			}
			out[i].Outcomes[statement.RegisterStatus(o)] = n
		}
		rows.Close()
	}
	return out, nil
}

// FetchRecord is one recorded fetch, with its organisation.
type FetchRecord struct {
	ID            int64
	RunID         int64
	OrgID         int64
	CompanyNumber string
	Name          string
	FetchedAt     time.Time
	Outcome       statement.RegisterStatus
	URL           string
	HTTPStatus    int
	Error         string
	Tried         []string
	HomepageLink  *bool
	SHA256        string
}

const fetchColumns = `f.id, coalesce(f.run_id, 0), f.org_id, o.company_number, o.name, f.fetched_at, f.outcome, f.url,
	f.http_status, f.error, f.tried, f.homepage_link, coalesce(f.document_sha256, '')`

func (s *Store) fetchRecords(ctx context.Context, where string, args ...any) ([]FetchRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+fetchColumns+` FROM fetches f JOIN orgs o ON o.id = f.org_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: fetches: %w", err)
	}
	defer rows.Close()
	var out []FetchRecord
	for rows.Next() {
		var f FetchRecord
		var at, outcome, tried string
		var hl sql.NullBool
		if err := rows.Scan(&f.ID, &f.RunID, &f.OrgID, &f.CompanyNumber, &f.Name, &at, &outcome, &f.URL,
			&f.HTTPStatus, &f.Error, &tried, &hl, &f.SHA256); err != nil {
			return nil, fmt.Errorf("store: fetches: %w", err)
		}
		f.FetchedAt, f.Outcome = parseStamp(at), statement.RegisterStatus(outcome)
		if tried != "" {
			f.Tried = strings.Split(tried, "\n")
		}
		if hl.Valid {
			f.HomepageLink = &hl.Bool
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// RunFailures returns a run's fetches that found no statement, by name.
func (s *Store) RunFailures(ctx context.Context, runID int64) ([]FetchRecord, error) {
	return s.fetchRecords(ctx, `f.run_id = ? AND f.outcome <> ? ORDER BY o.name COLLATE NOCASE`, runID, string(statement.Found))
}

// OrgFetches returns an organisation's fetches, newest first.
func (s *Store) OrgFetches(ctx context.Context, orgID int64, limit int) ([]FetchRecord, error) {
	return s.fetchRecords(ctx, `f.org_id = ? ORDER BY f.id DESC LIMIT ?`, orgID, limit)
}

// OrgByNumber returns the organisation with a company number, or
// ErrNotFound.
func (s *Store) OrgByNumber(ctx context.Context, number string) (OrgRecord, error) {
	orgs, err := s.Orgs(ctx, OrgFilter{CompanyNumbers: []string{number}})
	if err != nil {
		return OrgRecord{}, err
	}
	if len(orgs) == 0 {
		return OrgRecord{}, fmt.Errorf("store: organisation %s: %w", number, ErrNotFound)
	}
	return orgs[0], nil
}

// DocumentInfo is what the register holds of a kept document.
type DocumentInfo struct {
	SHA256, ContentType string
	Size                int64
	FirstSeen           time.Time
}

// Document returns a kept document's record, or ErrNotFound.
func (s *Store) Document(ctx context.Context, sha string) (DocumentInfo, error) {
	d := DocumentInfo{SHA256: sha}
	var first string
	err := s.db.QueryRowContext(ctx, `SELECT content_type, size, first_seen FROM documents WHERE sha256 = ?`, sha).
		Scan(&d.ContentType, &d.Size, &first)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("store: document: %w", err)
	}
	d.FirstSeen = parseStamp(first)
	return d, nil
}
