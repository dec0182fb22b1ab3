package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/s54dev/s54/statement"
)

// NewRun is a crawl run about to start.
type NewRun struct {
	// Selection names the organisations ("all", "region humber", …): a
	// run for the same selection resumes an unfinished one.
	Selection string
	// By names who started it.
	By string
	// OrgIDs are the organisations it was started for, kept with it.
	OrgIDs []int64
	// Total is how many of them it has to visit.
	Total int
	// AllowPrivate: its crawler may reach private addresses.
	AllowPrivate bool
}

// BeginRun records the start of a crawl run, with the organisations it
// is for, and returns its id; fetches of the run refer to it.
func (s *Store) BeginRun(ctx context.Context, r NewRun) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO crawl_runs (started_at, status, selection, total, started_by, allow_private)
			VALUES (?, ?, ?, ?, ?, ?)`, s.stamp(), string(statement.RunRunning), r.Selection, r.Total, r.By, r.AllowPrivate)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if len(r.OrgIDs) == 0 {
			return nil
		}
		ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO crawl_run_orgs (run_id, org_id) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, o := range r.OrgIDs {
			if _, err := ins.ExecContext(ctx, id, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: start crawl run: %w", err)
	}
	return id, nil
}

// SetRunTotal records how many organisations a resumed run has to visit,
// when the register changed since it started.
func (s *Store) SetRunTotal(ctx context.Context, id int64, total int) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE crawl_runs SET total = ? WHERE id = ?`, total, id); err != nil {
		return fmt.Errorf("store: crawl run: %w", err)
	}
	return nil
}

// StopRun records that a crawl run was stopped on request, by whom, with
// a summary. The next run for the same selection resumes it; nothing
// resumes it by itself.
func (s *Store) StopRun(ctx context.Context, id int64, by, detail string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE crawl_runs SET finished_at = ?, status = ?, stopped_by = ?, detail = ? WHERE id = ?`,
		s.stamp(), string(statement.RunStopped), by, detail, id); err != nil {
		return fmt.Errorf("store: stop crawl run: %w", err)
	}
	return nil
}

// RunOrgIDs are the organisations a crawl run was started for; none for a
// run recorded before they were kept.
func (s *Store) RunOrgIDs(ctx context.Context, runID int64) ([]int64, error) {
	return queryRows(ctx, s.db, "crawl run", func(scan func(...any) error) (int64, error) {
		var id int64
		return id, scan(&id)
	}, `SELECT org_id FROM crawl_run_orgs WHERE run_id = ? ORDER BY org_id`, runID)
}

// Run returns a crawl run with its outcomes counted, or ErrNotFound.
func (s *Store) Run(ctx context.Context, id int64) (RunSummary, error) {
	r := RunSummary{Outcomes: map[statement.RegisterStatus]int{}}
	var started, finished, state string
	err := s.db.QueryRowContext(ctx, `SELECT id, started_at, coalesce(finished_at, ''), status, selection, detail, total,
		started_by, stopped_by FROM crawl_runs WHERE id = ?`, id).Scan(&r.ID, &started, &finished, &state, &r.Selection,
		&r.Detail, &r.Total, &r.StartedBy, &r.StoppedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: crawl run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: crawl run: %w", err)
	}
	r.StartedAt, r.FinishedAt, r.State = parseStamp(started), stampPtr(finished), statement.RunState(state)
	type count struct {
		outcome statement.RegisterStatus
		n       int
	}
	counts, err := queryRows(ctx, s.db, "crawl run", func(scan func(...any) error) (count, error) {
		var c count
		var o string
		err := scan(&o, &c.n)
		c.outcome = statement.RegisterStatus(o)
		return c, err
	}, `SELECT outcome, count(*) FROM fetches WHERE run_id = ? GROUP BY outcome`, id)
	for _, c := range counts {
		r.Outcomes[c.outcome] = c.n
	}
	return r, err
}

// Done is the organisations whose outcome the run recorded.
func (r RunSummary) Done() int {
	n := 0
	for _, c := range r.Outcomes {
		n += c
	}
	return n
}

// InterruptCut records as interrupted the crawl runs and the runs of a job
// still marked running: cut by a crash or a kill, since whoever calls this
// holds the data folder alone (s54 serve at its start). It returns the
// crawl runs so marked, newest first.
func (s *Store) InterruptCut(ctx context.Context, job, detail string) ([]Run, error) {
	var cut []Run
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, started_at, selection, total, started_by, allow_private FROM crawl_runs
			WHERE status = ? ORDER BY id DESC`, string(statement.RunRunning))
		if err != nil {
			return err
		}
		for rows.Next() {
			var r Run
			var started string
			if err := rows.Scan(&r.ID, &started, &r.Selection, &r.Total, &r.StartedBy, &r.AllowPrivate); err != nil {
				rows.Close()
				return err
			}
			r.StartedAt, r.State = parseStamp(started), statement.RunInterrupted
			cut = append(cut, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE crawl_runs SET status = ?, finished_at = ?, detail = ? WHERE status = ?`,
			string(statement.RunInterrupted), now, detail, string(statement.RunRunning)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE job_runs SET outcome = ?, finished_at = ?, detail = ? WHERE job = ? AND outcome = ''`,
			string(statement.RunInterrupted), now, detail, job)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: runs cut short: %w", err)
	}
	return cut, nil
}

// firstServed is the folder event of the first start of s54 serve.
const firstServed = "first_served"

// MarkServed records, once, when the data folder was first served, and
// returns it, with first set when that is now. A folder served before
// this was recorded dates from the start of job's first run.
func (s *Store) MarkServed(ctx context.Context, job string) (at time.Time, first bool, err error) {
	res, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO folder_events (name, at)
		VALUES (?, coalesce((SELECT min(started_at) FROM job_runs WHERE job = ?), ?))`, firstServed, job, s.stamp())
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: first served: %w", err)
	}
	n, _ := res.RowsAffected()
	at, _, err = s.FirstServed(ctx)
	return at, n > 0, err
}

// FirstServed is when the data folder was first served; ok is false when
// it never was.
func (s *Store) FirstServed(ctx context.Context) (at time.Time, ok bool, err error) {
	var v string
	err = s.db.QueryRowContext(ctx, `SELECT at FROM folder_events WHERE name = ?`, firstServed).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: first served: %w", err)
	}
	return parseStamp(v), true, nil
}
