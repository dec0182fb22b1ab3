package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/s54dev/s54/internal/atomicfile"
	"github.com/s54dev/s54/statement"
)

// SnapshotDir is where fetched documents are kept, by SHA-256.
const SnapshotDir = "snapshots"

// SaveDocument keeps the bytes of a fetched document on disk under their
// SHA-256 and records them. A document already kept is neither written
// again nor changed: snapshots are never overwritten or deleted.
func (s *Store) SaveDocument(ctx context.Context, data []byte, contentType string) (string, error) {
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	path := s.DocumentPath(sha)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return "", fmt.Errorf("store: keep document: %w", err)
		}
	} else if err != nil {
		return "", fmt.Errorf("store: keep document: %w", err)
	}
	rel, _ := filepath.Rel(s.dir, path)
	_, err := s.db.ExecContext(ctx, `INSERT INTO documents (sha256, size, content_type, path, first_seen)
		VALUES (?,?,?,?,?) ON CONFLICT (sha256) DO NOTHING`, sha, len(data), contentType, filepath.ToSlash(rel), s.stamp())
	if err != nil {
		return "", fmt.Errorf("store: record document: %w", err)
	}
	return sha, nil
}

// DocumentPath is where the document with this SHA-256 is kept.
func (s *Store) DocumentPath(sha string) string { return SnapshotPath(s.dir, sha) }

// SnapshotPath is where the document with this SHA-256 is kept in the data
// directory dir, for those who have not opened the register.
func SnapshotPath(dir, sha string) string {
	if len(sha) < 2 {
		return filepath.Join(dir, SnapshotDir, "_", sha)
	}
	return filepath.Join(dir, SnapshotDir, sha[:2], sha)
}

// Fetch is the outcome of looking for one organisation's statement.
type Fetch struct {
	RunID   int64 // 0 outside a crawl run
	OrgID   int64
	Outcome statement.RegisterStatus
	URL     string
	// HTTPStatus, Error and Tried say what happened and what was tried.
	HTTPStatus     int
	Error          string
	Tried          []string
	HomepageLink   *bool
	DocumentSHA256 string
	ETag           string
	LastModified   string
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
		tried, homepage_link, document_sha256, etag, last_modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		run, f.OrgID, s.stamp(), string(f.Outcome), f.URL, f.HTTPStatus, f.Error, strings.Join(f.Tried, "\n"),
		nullBool(f.HomepageLink), doc, f.ETag, f.LastModified)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

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
	res, err := tx.ExecContext(ctx, `INSERT INTO assessments (statement_id, checked_at, rules, score, rating, json)
		VALUES (?,?,?,?,?,?)`, rec.StatementID, now, rules, a.Score, string(a.Rating), string(body))
	if err != nil {
		return rec, err
	}
	rec.AssessmentID, _ = res.LastInsertId()
	for _, fd := range a.Criteria {
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_criteria (assessment_id, criterion, status) VALUES (?,?,?)`,
			rec.AssessmentID, string(fd.ID), string(fd.Status)); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// KnownStatement is a statement document already recorded for an
// organisation, with what the server said of it.
type KnownStatement struct {
	URL, DocumentSHA256, ContentType, ETag, LastModified string
}

// KnownStatements returns the statements recorded for an organisation,
// the most recently seen first.
func (s *Store) KnownStatements(ctx context.Context, orgID int64) ([]KnownStatement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.url, s.document_sha256, d.content_type, s.etag, s.last_modified
		FROM statements s JOIN documents d ON d.sha256 = s.document_sha256
		WHERE s.org_id = ? ORDER BY s.last_seen DESC, s.id DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: known statements: %w", err)
	}
	defer rows.Close()
	var out []KnownStatement
	for rows.Next() {
		var k KnownStatement
		if err := rows.Scan(&k.URL, &k.DocumentSHA256, &k.ContentType, &k.ETag, &k.LastModified); err != nil {
			return nil, fmt.Errorf("store: known statements: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// ReadDocument returns the bytes of a kept document.
func (s *Store) ReadDocument(sha string) ([]byte, error) {
	data, err := os.ReadFile(s.DocumentPath(sha))
	if err != nil {
		return nil, fmt.Errorf("store: read document: %w", err)
	}
	return data, nil
}

// StartJob records the start of a job run ("crawl", "report", "import")
// and returns its id.
func (s *Store) StartJob(ctx context.Context, job string) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO job_runs (job, started_at) VALUES (?, ?)`, job, s.stamp())
	if err != nil {
		return 0, fmt.Errorf("store: start job: %w", err)
	}
	return res.LastInsertId()
}

// FinishJob records how a job run ended: completed, failed or
// interrupted.
func (s *Store) FinishJob(ctx context.Context, id int64, state statement.RunState, detail string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE job_runs SET finished_at = ?, outcome = ?, detail = ? WHERE id = ?`,
		s.stamp(), string(state), detail, id); err != nil {
		return fmt.Errorf("store: finish job: %w", err)
	}
	return nil
}

// Run is a crawl run.
type Run struct {
	ID        int64
	StartedAt time.Time
	Selection string
	State     statement.RunState
}

// StartRun records the start of a crawl run for a selection of
// organisations (a description such as "region hampshire-iow"), and
// returns its id; fetches of the run refer to it.
func (s *Store) StartRun(ctx context.Context, selection string) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO crawl_runs (started_at, status, selection) VALUES (?, ?, ?)`,
		s.stamp(), string(statement.RunRunning), selection)
	if err != nil {
		return 0, fmt.Errorf("store: start crawl run: %w", err)
	}
	return res.LastInsertId()
}

// UnfinishedRun returns the latest crawl run that did not complete
// (interrupted, or killed while running), if it is the latest run.
func (s *Store) UnfinishedRun(ctx context.Context) (Run, bool, error) {
	var r Run
	var started, state string
	err := s.db.QueryRowContext(ctx, `SELECT id, started_at, selection, status FROM crawl_runs
		ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &started, &r.Selection, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("store: crawl runs: %w", err)
	}
	r.StartedAt, r.State = parseStamp(started), statement.RunState(state)
	return r, r.State.Unfinished(), nil
}

// RunDone returns the organisations whose outcome a run has recorded.
func (s *Store) RunDone(ctx context.Context, runID int64) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT org_id FROM fetches WHERE run_id = ?`, runID)
	if err != nil {
		return nil, fmt.Errorf("store: crawl run: %w", err)
	}
	defer rows.Close()
	done := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: crawl run: %w", err)
		}
		done[id] = true
	}
	return done, rows.Err()
}

// FinishRun records how a crawl run ended, with a summary.
func (s *Store) FinishRun(ctx context.Context, id int64, state statement.RunState, detail string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE crawl_runs SET finished_at = ?, status = ?, detail = ? WHERE id = ?`,
		s.stamp(), string(state), detail, id); err != nil {
		return fmt.Errorf("store: finish crawl run: %w", err)
	}
	return nil
}

// JobRun is a recorded run of a job.
type JobRun struct {
	ID         int64
	Job        string
	StartedAt  time.Time
	FinishedAt *time.Time
	// State is running until the run finishes.
	State  statement.RunState
	Detail string
}

// LastCompletedJob is when the last run of a job that completed started,
// zero when none did.
func (s *Store) LastCompletedJob(ctx context.Context, job string) (time.Time, error) {
	var started sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT max(started_at) FROM job_runs WHERE job = ? AND outcome = ?`, job, string(statement.RunCompleted)).Scan(&started); err != nil {
		return time.Time{}, fmt.Errorf("store: job runs: %w", err)
	}
	if !started.Valid {
		return time.Time{}, nil
	}
	return parseStamp(started.String), nil
}

// Jobs returns a job's latest runs, newest first.
func (s *Store) Jobs(ctx context.Context, job string, limit int) ([]JobRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, job, started_at, coalesce(finished_at, ''), outcome, detail FROM job_runs
		WHERE job = ? ORDER BY id DESC LIMIT ?`, job, limit)
	if err != nil {
		return nil, fmt.Errorf("store: job runs: %w", err)
	}
	defer rows.Close()
	var out []JobRun
	for rows.Next() {
		var r JobRun
		var started, finished, state string
		if err := rows.Scan(&r.ID, &r.Job, &started, &finished, &state, &r.Detail); err != nil {
			return nil, fmt.Errorf("store: job runs: %w", err)
		}
		r.StartedAt, r.FinishedAt, r.State = parseStamp(started), stampPtr(finished), statement.RunState(state)
		if r.State == "" {
			r.State = statement.RunRunning
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
