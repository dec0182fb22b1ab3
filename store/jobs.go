package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/s54dev/s54/statement"
)

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

// LastSettledJob is when the last run of a job that completed, or that
// someone stopped on purpose, started; zero when none did. A run that
// failed or was interrupted is not settled: it is made again.
func (s *Store) LastSettledJob(ctx context.Context, job string) (time.Time, error) {
	var started sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT max(started_at) FROM job_runs WHERE job = ? AND outcome IN (?, ?)`,
		job, string(statement.RunCompleted), string(statement.RunStopped)).Scan(&started); err != nil {
		return time.Time{}, fmt.Errorf("store: job runs: %w", err)
	}
	if !started.Valid {
		return time.Time{}, nil
	}
	return parseStamp(started.String), nil
}

// Jobs returns a job's latest runs, newest first.
func (s *Store) Jobs(ctx context.Context, job string, limit int) ([]JobRun, error) {
	return queryRows(ctx, s.db, "job runs", func(scan func(...any) error) (JobRun, error) {
		var r JobRun
		var started, finished, state string
		err := scan(&r.ID, &r.Job, &started, &finished, &state, &r.Detail)
		r.StartedAt, r.FinishedAt, r.State = parseStamp(started), stampPtr(finished), statement.RunState(state)
		if r.State == "" {
			r.State = statement.RunRunning
		}
		return r, err
	}, `SELECT id, job, started_at, coalesce(finished_at, ''), outcome, detail FROM job_runs
		WHERE job = ? ORDER BY id DESC LIMIT ?`, job, limit)
}
