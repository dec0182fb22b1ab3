// Package store is the register: organisations, crawl runs and what each
// fetch found, the documents fetched (their bytes kept on disk by SHA-256,
// never overwritten or deleted), statement versions by organisation and
// financial year, their assessments, and job runs. It is one SQLite file
// (modernc.org/sqlite: pure Go, no cgo) in the data directory, in WAL mode,
// with its schema migrated on open; every change of more than one row is
// one transaction, so a process killed at any point leaves either all of a
// change or none of it.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"
)

// Store is an open register.
type Store struct {
	db  *sql.DB
	dir string
	// now is the clock; tests replace it.
	now func() time.Time
}

// DBFile is the register's file name in the data directory.
const DBFile = "register.db"

// Open opens (creating if need be) the register in dir and brings its
// schema up to date.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(268435456)&_pragma=temp_store(2)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, dir: dir, now: func() time.Time { return time.Now().UTC() }}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the register.
func (s *Store) Close() error { return s.db.Close() }

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// SetClock replaces the clock, for tests and for regenerating a past report.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// migrations are applied in order; PRAGMA user_version records how many
// have been. Never edit one that has shipped: add another.
var migrations = []string{
	// 1: the register
	`CREATE TABLE orgs (
		id             INTEGER PRIMARY KEY,
		org_key        TEXT NOT NULL UNIQUE,
		company_number TEXT NOT NULL DEFAULT '',
		name           TEXT NOT NULL,
		website        TEXT NOT NULL DEFAULT '',
		postcode       TEXT NOT NULL DEFAULT '',
		pc_area        TEXT NOT NULL DEFAULT '',
		pc_district    TEXT NOT NULL DEFAULT '',
		pc_sector      TEXT NOT NULL DEFAULT '',
		sector         TEXT NOT NULL DEFAULT '',
		sic            TEXT NOT NULL DEFAULT '',
		turnover_min   INTEGER NOT NULL DEFAULT 0,
		turnover_max   INTEGER NOT NULL DEFAULT 0,
		turnover_text  TEXT NOT NULL DEFAULT '',
		statement_url  TEXT NOT NULL DEFAULT '',
		source         TEXT NOT NULL DEFAULT '',
		created_at     TEXT NOT NULL,
		updated_at     TEXT NOT NULL
	);
	CREATE INDEX orgs_area ON orgs(pc_area);
	CREATE INDEX orgs_district ON orgs(pc_district);
	CREATE INDEX orgs_sector ON orgs(pc_sector);
	CREATE INDEX orgs_number ON orgs(company_number);

	CREATE TABLE imports (
		id          INTEGER PRIMARY KEY,
		file        TEXT NOT NULL,
		format      TEXT NOT NULL,
		imported_at TEXT NOT NULL,
		rows        INTEGER NOT NULL,
		added       INTEGER NOT NULL,
		updated     INTEGER NOT NULL,
		unchanged   INTEGER NOT NULL,
		skipped     INTEGER NOT NULL
	);

	CREATE TABLE crawl_runs (
		id          INTEGER PRIMARY KEY,
		started_at  TEXT NOT NULL,
		finished_at TEXT,
		status      TEXT NOT NULL,
		detail      TEXT NOT NULL DEFAULT ''
	);

	CREATE TABLE documents (
		sha256       TEXT PRIMARY KEY,
		size         INTEGER NOT NULL,
		content_type TEXT NOT NULL DEFAULT '',
		path         TEXT NOT NULL,
		first_seen   TEXT NOT NULL
	);

	CREATE TABLE fetches (
		id              INTEGER PRIMARY KEY,
		run_id          INTEGER REFERENCES crawl_runs(id),
		org_id          INTEGER NOT NULL REFERENCES orgs(id),
		fetched_at      TEXT NOT NULL,
		outcome         TEXT NOT NULL,
		url             TEXT NOT NULL DEFAULT '',
		http_status     INTEGER NOT NULL DEFAULT 0,
		error           TEXT NOT NULL DEFAULT '',
		tried           TEXT NOT NULL DEFAULT '',
		homepage_link   INTEGER,
		document_sha256 TEXT REFERENCES documents(sha256),
		etag            TEXT NOT NULL DEFAULT '',
		last_modified   TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX fetches_org ON fetches(org_id, id);

	CREATE TABLE statements (
		id              INTEGER PRIMARY KEY,
		org_id          INTEGER NOT NULL REFERENCES orgs(id),
		url             TEXT NOT NULL,
		document_sha256 TEXT NOT NULL REFERENCES documents(sha256),
		year            INTEGER NOT NULL DEFAULT 0,
		period_start    TEXT NOT NULL DEFAULT '',
		period_end      TEXT NOT NULL DEFAULT '',
		homepage_link   INTEGER,
		first_seen      TEXT NOT NULL,
		last_seen       TEXT NOT NULL,
		UNIQUE (org_id, document_sha256)
	);
	CREATE INDEX statements_org ON statements(org_id, period_end, first_seen);

	CREATE TABLE assessments (
		id           INTEGER PRIMARY KEY,
		statement_id INTEGER NOT NULL REFERENCES statements(id),
		checked_at   TEXT NOT NULL,
		rules        TEXT NOT NULL DEFAULT '',
		score        INTEGER NOT NULL,
		rating       TEXT NOT NULL,
		json         TEXT NOT NULL
	);
	CREATE INDEX assessments_statement ON assessments(statement_id, id);

	CREATE TABLE assessment_criteria (
		assessment_id INTEGER NOT NULL REFERENCES assessments(id),
		criterion     TEXT NOT NULL,
		status        TEXT NOT NULL,
		PRIMARY KEY (assessment_id, criterion)
	) WITHOUT ROWID;

	CREATE TABLE job_runs (
		id          INTEGER PRIMARY KEY,
		job         TEXT NOT NULL,
		started_at  TEXT NOT NULL,
		finished_at TEXT,
		outcome     TEXT NOT NULL DEFAULT '',
		detail      TEXT NOT NULL DEFAULT ''
	);`,
	// 2: validators of statement documents for conditional re-fetches, and
	// the selection a crawl run was started for, so an interrupted run is
	// resumed only by a run for the same organisations
	`ALTER TABLE statements ADD COLUMN etag TEXT NOT NULL DEFAULT '';
	ALTER TABLE statements ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';
	ALTER TABLE crawl_runs ADD COLUMN selection TEXT NOT NULL DEFAULT '';
	CREATE INDEX fetches_run ON fetches(run_id, org_id);`,
	// 3: staff accounts for the web, their sessions and API tokens (hashes
	// only: a copy of the register gives no way in)
	`CREATE TABLE users (
		id            INTEGER PRIMARY KEY,
		name          TEXT NOT NULL UNIQUE,
		password_hash TEXT NOT NULL,
		created_at    TEXT NOT NULL
	);
	CREATE TABLE sessions (
		token_hash TEXT PRIMARY KEY,
		user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		csrf       TEXT NOT NULL,
		created_at TEXT NOT NULL,
		expires_at TEXT NOT NULL
	);
	CREATE TABLE api_tokens (
		token_hash TEXT PRIMARY KEY,
		user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		label      TEXT NOT NULL DEFAULT '',
		created_at TEXT NOT NULL
	);`,
	// 4: the addresses each staff member has logged in from: failed
	// logins from elsewhere do not lock them out from these
	`CREATE TABLE login_addresses (
		user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		address  TEXT NOT NULL,
		first_at TEXT NOT NULL,
		last_at  TEXT NOT NULL,
		PRIMARY KEY (user_id, address)
	) WITHOUT ROWID;`,
	// 5: what organisations told the GOV.UK registry, kept per statement
	// period; the text read from each document, for findings across
	// statements; and the findings themselves, made again after a crawl
	`CREATE TABLE registry_claims (
		id            INTEGER PRIMARY KEY,
		org_id        INTEGER NOT NULL REFERENCES orgs(id),
		year          INTEGER NOT NULL DEFAULT 0,
		period_end    TEXT NOT NULL DEFAULT '',
		statement_url TEXT NOT NULL DEFAULT '',
		json          TEXT NOT NULL,
		imported_at   TEXT NOT NULL,
		UNIQUE (org_id, year, period_end, statement_url)
	);
	CREATE TABLE document_texts (
		sha256 TEXT PRIMARY KEY REFERENCES documents(sha256),
		text   BLOB NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE org_findings (
		org_id     INTEGER PRIMARY KEY REFERENCES orgs(id),
		registry   INTEGER NOT NULL DEFAULT 0,
		template   REAL NOT NULL DEFAULT 0,
		redated    INTEGER NOT NULL DEFAULT 0,
		json       TEXT NOT NULL,
		updated_at TEXT NOT NULL
	);
	CREATE TABLE template_clusters (
		id      INTEGER PRIMARY KEY,
		members TEXT NOT NULL
	);`,
	// 6: the register at a partnership's scale (20,000 organisations): a
	// name folded for search (filled by fillSearchNames), an index for the
	// name order, where each website came from (a list, or derived from a
	// statement's address: see markDerivedWebsites), and org_latest, each
	// organisation's latest fetch, statement and assessment, kept by
	// triggers, so that a page of the register is filtered and sorted
	// without reading every organisation's history
	`ALTER TABLE orgs ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
	CREATE INDEX orgs_name ON orgs(name COLLATE NOCASE, id);
	ALTER TABLE orgs ADD COLUMN website_source TEXT NOT NULL DEFAULT '';
	UPDATE orgs SET website_source = 'list' WHERE website <> '';
	` + orgLatestSchema,
	// 7: the regions a staff account is limited to (ids, comma-separated;
	// empty: every organisation), and the statements by document, to know
	// whose a snapshot is
	`ALTER TABLE users ADD COLUMN regions TEXT NOT NULL DEFAULT '';
	CREATE INDEX statements_document ON statements(document_sha256);`,
	// 8: a website that is the origin of the organisation's statement
	// address was derived from it (the GOV.UK registry's import gave every
	// organisation one so); those on hosts of others' documents are taken
	// back by forgetDocumentHosts
	`UPDATE orgs SET website_source = 'derived' WHERE website <> '' AND statement_url <> ''
		AND substr(lower(statement_url), 1, length(website) + 1) = website || '/';`,
	// 9: runs as s54 serve steers them: how many organisations a crawl
	// run has to visit, who started it and who stopped it, whether it may
	// reach private addresses (--allow-private), and which
	// organisations it was started for (a filtered register's cannot be
	// selected again once their statuses change, and a run cut by a
	// shutdown is resumed with them); and the events of the data folder
	// itself (when it was first served: no run was missed before then)
	`ALTER TABLE crawl_runs ADD COLUMN total INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE crawl_runs ADD COLUMN started_by TEXT NOT NULL DEFAULT '';
	ALTER TABLE crawl_runs ADD COLUMN stopped_by TEXT NOT NULL DEFAULT '';
	ALTER TABLE crawl_runs ADD COLUMN allow_private INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE crawl_run_orgs (
		run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
		org_id INTEGER NOT NULL REFERENCES orgs(id),
		PRIMARY KEY (run_id, org_id)
	) WITHOUT ROWID;
	CREATE TABLE folder_events (
		name TEXT PRIMARY KEY,
		at   TEXT NOT NULL
	) WITHOUT ROWID;`,
	// 10: the homepage's link to the statement was there only once its
	// scripts ran (rendered in Chromium): a visitor without them, and
	// some readers, do not see it
	`ALTER TABLE fetches ADD COLUMN link_needs_script INTEGER NOT NULL DEFAULT 0;`,
	// 11: the staff's follow-up of each organisation (a state with dated
	// notes, kept across years; orgs.follow_up is the latest state, for
	// the register's filter), and the audit log: every change staff or an
	// import made, by whom, when, and the value before and after
	`CREATE TABLE follow_ups (
		id      INTEGER PRIMARY KEY,
		org_id  INTEGER NOT NULL REFERENCES orgs(id),
		status  TEXT NOT NULL,
		note    TEXT NOT NULL DEFAULT '',
		by_whom TEXT NOT NULL,
		at      TEXT NOT NULL
	);
	CREATE INDEX follow_ups_org ON follow_ups(org_id, id);
	ALTER TABLE orgs ADD COLUMN follow_up TEXT NOT NULL DEFAULT '';
	CREATE INDEX orgs_follow_up ON orgs(follow_up) WHERE follow_up <> '';
	CREATE TABLE audit (
		id      INTEGER PRIMARY KEY,
		at      TEXT NOT NULL,
		by_whom TEXT NOT NULL,
		org_id  INTEGER REFERENCES orgs(id),
		field   TEXT NOT NULL,
		before  TEXT NOT NULL DEFAULT '',
		after   TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX audit_org ON audit(org_id, id);`,
	// 12: the findings as they stood at the end of each month (the last
	// kept during it), so that a report of a past month lists that
	// month's, not today's; findings_months says which months have them
	// (a month whose findings were none has no rows of its own)
	`CREATE TABLE findings_months (
		month    TEXT PRIMARY KEY,
		saved_at TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE findings_by_month (
		month  TEXT NOT NULL REFERENCES findings_months(month),
		org_id INTEGER NOT NULL REFERENCES orgs(id),
		json   TEXT NOT NULL,
		PRIMARY KEY (month, org_id)
	) WITHOUT ROWID;`,
}

// backfills complete a migration with what SQL alone cannot compute: the
// function for migration n runs in its transaction, after its SQL.
var backfills = map[int]func(context.Context, *sql.Tx) error{
	6: fillSearchNames,
	8: forgetDocumentHosts,
}

func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("store: %w (schema %d, this one knows %d)", ErrTooNew, version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return err
			}
			if fill := backfills[v+1]; fill != nil {
				if err := fill(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migrate schema to %d: %w", v+1, err)
		}
	}
	return nil
}

// tx runs fn in a transaction, committed when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *Store) stamp() string { return s.now().UTC().Format(time.RFC3339) }

func parseStamp(v string) time.Time {
	t, _ := time.Parse(time.RFC3339, v)
	return t
}

// stampPtr parses a stored time, nil when there is none.
func stampPtr(v string) *time.Time {
	if v == "" {
		return nil
	}
	t := parseStamp(v)
	return &t
}

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// queryRows runs a query and makes a T of each row with row, which is
// given the row's Scan. An error names what was asked for.
func queryRows[T any](ctx context.Context, db *sql.DB, what string, row func(scan func(...any) error) (T, error),
	query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := row(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}
