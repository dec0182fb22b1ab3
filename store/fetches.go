package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/s54dev/s54/statement"
)

// Fetch is the outcome of looking for one organisation's statement.
type Fetch struct {
	RunID   int64 // 0 outside a crawl run
	OrgID   int64
	Outcome statement.RegisterStatus
	URL     string
	// HTTPStatus, Error and Tried say what happened and what was tried.
	HTTPStatus   int
	Error        string
	Tried        []string
	HomepageLink *bool
	// LinkNeedsScript: the homepage's link exists only once its scripts
	// have run.
	LinkNeedsScript bool
	DocumentSHA256  string
	ETag            string
	LastModified    string
}

// RecordFetch records a fetch outcome.
func (s *Store) RecordFetch(ctx context.Context, f Fetch) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.recordFetch(ctx, tx, f)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: record fetch: %w", err)
	}
	return id, nil
}

// RecordCrawl records what a crawl found for one organisation, the fetch
// and the statements it found with their assessments, whole or not at
// all: a crawl killed part way leaves either all of it or none.
func (s *Store) RecordCrawl(ctx context.Context, f Fetch, found []Assessed, rules string) ([]Recorded, error) {
	var recs []Recorded
	err := s.tx(ctx, func(tx *sql.Tx) error {
		recs = recs[:0]
		for _, fa := range found {
			rec, err := s.recordAssessment(ctx, tx, fa.Version, fa.Assessment, rules)
			if err != nil {
				return err
			}
			recs = append(recs, rec)
		}
		_, err := s.recordFetch(ctx, tx, f)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: record crawl: %w", err)
	}
	return recs, nil
}

func (s *Store) recordFetch(ctx context.Context, tx *sql.Tx, f Fetch) (int64, error) {
	var doc any
	if f.DocumentSHA256 != "" {
		doc = f.DocumentSHA256
	}
	var run any
	if f.RunID != 0 {
		run = f.RunID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO fetches (run_id, org_id, fetched_at, outcome, url, http_status, error,
		tried, homepage_link, link_needs_script, document_sha256, etag, last_modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		run, f.OrgID, s.stamp(), string(f.Outcome), f.URL, f.HTTPStatus, f.Error, strings.Join(f.Tried, "\n"),
		nullBool(f.HomepageLink), f.LinkNeedsScript, doc, f.ETag, f.LastModified)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
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
	// LinkNeedsScript: the homepage's link was there only once its
	// scripts ran.
	LinkNeedsScript bool
	SHA256          string
}

func (s *Store) fetchRecords(ctx context.Context, where string, args ...any) ([]FetchRecord, error) {
	return queryRows(ctx, s.db, "fetches", scanFetch, `SELECT f.id, coalesce(f.run_id, 0), f.org_id, o.company_number,
		o.name, f.fetched_at, f.outcome, f.url, f.http_status, f.error, f.tried, f.homepage_link, f.link_needs_script, coalesce(f.document_sha256, '')
		FROM fetches f JOIN orgs o ON o.id = f.org_id WHERE `+where, args...)
}

func scanFetch(scan func(...any) error) (FetchRecord, error) {
	var f FetchRecord
	var at, outcome, tried string
	var hl sql.NullBool
	if err := scan(&f.ID, &f.RunID, &f.OrgID, &f.CompanyNumber, &f.Name, &at, &outcome, &f.URL,
		&f.HTTPStatus, &f.Error, &tried, &hl, &f.LinkNeedsScript, &f.SHA256); err != nil {
		return f, err
	}
	f.FetchedAt, f.Outcome = parseStamp(at), statement.RegisterStatus(outcome)
	if tried != "" {
		f.Tried = strings.Split(tried, "\n")
	}
	if hl.Valid {
		f.HomepageLink = &hl.Bool
	}
	return f, nil
}

// OrgFetches returns an organisation's fetches, newest first.
func (s *Store) OrgFetches(ctx context.Context, orgID int64, limit int) ([]FetchRecord, error) {
	return s.fetchRecords(ctx, `f.org_id = ? ORDER BY f.id DESC LIMIT ?`, orgID, limit)
}
