package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
)

// Run is a crawl run.
type Run struct {
	ID        int64
	StartedAt time.Time
	Selection string
	State     statement.RunState
	// Total is the organisations the run has to visit (those with a
	// website or a statement URL); 0 for runs recorded before it was.
	Total int
	// StartedBy and StoppedBy name who started the run ("schedule", a
	// staff member, "s54 crawl (user)") and who stopped it, when someone
	// did; "" when not known.
	StartedBy, StoppedBy string
	// AllowPrivate: the run may reach private and loopback addresses, and
	// so may the run that resumes it.
	AllowPrivate bool
}

// StartRun records the start of a crawl run for a selection of
// organisations (a description such as "region hampshire-iow"), and
// returns its id; fetches of the run refer to it.
func (s *Store) StartRun(ctx context.Context, selection string) (int64, error) {
	return s.BeginRun(ctx, NewRun{Selection: selection})
}

// UnfinishedRun returns the latest crawl run that did not complete
// (interrupted, or killed while running), if it is the latest run.
func (s *Store) UnfinishedRun(ctx context.Context) (Run, bool, error) {
	var r Run
	var started, state string
	err := s.db.QueryRowContext(ctx, `SELECT id, started_at, selection, status, total, started_by, stopped_by, allow_private
		FROM crawl_runs ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &started, &r.Selection, &state, &r.Total, &r.StartedBy, &r.StoppedBy,
		&r.AllowPrivate)
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
	ids, err := queryRows(ctx, s.db, "crawl run", func(scan func(...any) error) (int64, error) {
		var id int64
		return id, scan(&id)
	}, `SELECT DISTINCT org_id FROM fetches WHERE run_id = ?`, runID)
	if err != nil {
		return nil, err
	}
	done := make(map[int64]bool, len(ids))
	for _, id := range ids {
		done[id] = true
	}
	return done, nil
}

// FinishRun records how a crawl run ended, with a summary.
func (s *Store) FinishRun(ctx context.Context, id int64, state statement.RunState, detail string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE crawl_runs SET finished_at = ?, status = ?, detail = ? WHERE id = ?`,
		s.stamp(), string(state), detail, id); err != nil {
		return fmt.Errorf("store: finish crawl run: %w", err)
	}
	return nil
}

// RunSummary is a crawl run with its outcomes counted.
type RunSummary struct {
	Run
	FinishedAt *time.Time
	Detail     string
	Outcomes   map[statement.RegisterStatus]int
}

// Runs returns the latest crawl runs, newest first, with their outcomes
// counted: of every organisation, or of those in the regions given (a
// staff account's).
func (s *Store) Runs(ctx context.Context, limit int, within ...*region.Region) ([]RunSummary, error) {
	out, err := queryRows(ctx, s.db, "runs", func(scan func(...any) error) (RunSummary, error) {
		var r RunSummary
		var started, finished, state string
		err := scan(&r.ID, &started, &finished, &state, &r.Selection, &r.Detail, &r.Total, &r.StartedBy, &r.StoppedBy)
		r.StartedAt, r.FinishedAt, r.State = parseStamp(started), stampPtr(finished), statement.RunState(state)
		return r, err
	}, `SELECT id, started_at, coalesce(finished_at, ''), status, selection, detail, total, started_by, stopped_by
		FROM crawl_runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	c, err := RegisterFilter{Within: within}.where(false)
	if err != nil {
		return nil, err
	}
	type count struct {
		outcome statement.RegisterStatus
		n       int
	}
	for i := range out {
		counts, err := queryRows(ctx, s.db, "runs", func(scan func(...any) error) (count, error) {
			var c count
			var o string
			err := scan(&o, &c.n)
			c.outcome = statement.RegisterStatus(o)
			return c, err
		}, `SELECT f.outcome, count(*) FROM fetches f JOIN orgs o ON o.id = f.org_id WHERE f.run_id = ? AND `+c.sql()+
			` GROUP BY f.outcome`, append([]any{out[i].ID}, c.args...)...)
		if err != nil {
			return nil, err
		}
		out[i].Outcomes = map[statement.RegisterStatus]int{}
		for _, c := range counts {
			out[i].Outcomes[c.outcome] = c.n
		}
	}
	return out, nil
}

// RunFailures returns a run's fetches that found no statement, by name:
// of every organisation, or of those in the regions given.
func (s *Store) RunFailures(ctx context.Context, runID int64, within ...*region.Region) ([]FetchRecord, error) {
	c, err := RegisterFilter{Within: within}.where(false)
	if err != nil {
		return nil, err
	}
	return s.fetchRecords(ctx, `f.run_id = ? AND f.outcome <> ? AND `+c.sql()+` ORDER BY o.name COLLATE NOCASE`,
		append([]any{runID, string(statement.Found)}, c.args...)...)
}
