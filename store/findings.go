package store

import (
	"bytes"
	"compress/zlib"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	_ "time/tzdata" // Europe/London on machines without a zone database

	"github.com/s54dev/s54/statement"
)

// ClaimsFor are the registry claims of one organisation, found by its key
// (statement.Org.Key) as an import does.
type ClaimsFor struct {
	Key    string
	Claims []statement.RegistryClaim
}

// RecordRegistryClaims keeps what organisations told the GOV.UK registry,
// once per organisation, year, period and URL: an import of the same
// download again changes nothing. It returns how many claims are new.
func (s *Store) RecordRegistryClaims(ctx context.Context, claims []ClaimsFor) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		for _, cf := range claims {
			var orgID int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM orgs WHERE org_key = ?`, cf.Key).Scan(&orgID)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			for _, c := range cf.Claims {
				body, err := json.Marshal(c)
				if err != nil {
					return err
				}
				res, err := tx.ExecContext(ctx, `INSERT INTO registry_claims (org_id, year, period_end, statement_url, json, imported_at)
					VALUES (?,?,?,?,?,?) ON CONFLICT DO UPDATE SET json = excluded.json`,
					orgID, c.Year, c.PeriodEnd.String(), c.StatementURL, string(body), now)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					added++
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: registry claims: %w", err)
	}
	return added, nil
}

// RegistryClaims are the claims kept for every organisation that has any,
// by organisation id.
func (s *Store) RegistryClaims(ctx context.Context) (map[int64][]statement.RegistryClaim, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT org_id, json FROM registry_claims ORDER BY org_id, year, period_end`)
	if err != nil {
		return nil, fmt.Errorf("store: registry claims: %w", err)
	}
	defer rows.Close()
	out := map[int64][]statement.RegistryClaim{}
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, fmt.Errorf("store: registry claims: %w", err)
		}
		var c statement.RegistryClaim
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			return nil, fmt.Errorf("store: registry claim of organisation %d: %w", id, err)
		}
		out[id] = append(out[id], c)
	}
	return out, rows.Err()
}

// SaveText keeps the text read from a document, compressed, so that
// findings across statements need not read every document again.
func (s *Store) SaveText(ctx context.Context, sha256, text string) error {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write([]byte(text))
	zw.Close()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO document_texts (sha256, text) VALUES (?,?) ON CONFLICT DO UPDATE SET text = excluded.text`,
		sha256, b.Bytes()); err != nil {
		return fmt.Errorf("store: save text: %w", err)
	}
	return nil
}

// Text returns the text kept for a document; ok is false when none is.
func (s *Store) Text(ctx context.Context, sha256 string) (text string, ok bool, err error) {
	var blob []byte
	err = s.db.QueryRowContext(ctx, `SELECT text FROM document_texts WHERE sha256 = ?`, sha256).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: text: %w", err)
	}
	zr, err := zlib.NewReader(bytes.NewReader(blob))
	if err != nil {
		return "", false, fmt.Errorf("store: text of %s: %w", sha256, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return "", false, fmt.Errorf("store: text of %s: %w", sha256, err)
	}
	return string(b), true, nil
}

// SaveFindings replaces every organisation's findings and the template
// clusters with those just made, and keeps them as this month's (in
// London, as the reports' months).
func (s *Store) SaveFindings(ctx context.Context, byOrg map[int64]statement.OrgFindings, clusters [][]statement.SimilarStatement) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		month := findingsMonth(s.now())
		for _, q := range []string{`DELETE FROM org_findings`, `DELETE FROM template_clusters`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM findings_by_month WHERE month = ?`, month); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO findings_months (month, saved_at) VALUES (?,?)
			ON CONFLICT DO UPDATE SET saved_at = excluded.saved_at`, month, now); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO org_findings (org_id, registry, template, redated, json, updated_at) VALUES (?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		kept, err := tx.PrepareContext(ctx, `INSERT INTO findings_by_month (month, org_id, json) VALUES (?,?,?)`)
		if err != nil {
			return err
		}
		defer kept.Close()
		for id, f := range byOrg {
			body, err := json.Marshal(f)
			if err != nil {
				return err
			}
			registry := 0
			for _, r := range f.Registry {
				if !r.Quiet {
					registry++
				}
			}
			template, redated := 0.0, false
			if f.Template != nil {
				template = f.Template.Shared
			}
			if f.Unchanged != nil {
				redated = f.Unchanged.Redated
			}
			if _, err := ins.ExecContext(ctx, id, registry, template, redated, string(body), now); err != nil {
				return err
			}
			if _, err := kept.ExecContext(ctx, month, id, string(body)); err != nil {
				return err
			}
		}
		for _, c := range clusters {
			body, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO template_clusters (members) VALUES (?)`, string(body)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save findings: %w", err)
	}
	return nil
}

// Findings returns an organisation's findings, ok false when it has none.
func (s *Store) Findings(ctx context.Context, orgID int64) (f statement.OrgFindings, ok bool, err error) {
	var body string
	err = s.db.QueryRowContext(ctx, `SELECT json FROM org_findings WHERE org_id = ?`, orgID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	if err == nil {
		err = json.Unmarshal([]byte(body), &f)
	}
	if err != nil {
		return f, false, fmt.Errorf("store: findings: %w", err)
	}
	return f, true, nil
}

// AllFindings returns the findings of every organisation that has any,
// by organisation id.
func (s *Store) AllFindings(ctx context.Context) (map[int64]statement.OrgFindings, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT org_id, json FROM org_findings`)
	if err != nil {
		return nil, fmt.Errorf("store: findings: %w", err)
	}
	return scanFindings(rows)
}

// scanFindings reads rows of organisation ids and findings.
func scanFindings(rows *sql.Rows) (map[int64]statement.OrgFindings, error) {
	defer rows.Close()
	out := map[int64]statement.OrgFindings{}
	for rows.Next() {
		var id int64
		var body string
		var f statement.OrgFindings
		if err := rows.Scan(&id, &body); err != nil {
			return nil, fmt.Errorf("store: findings: %w", err)
		}
		if err := json.Unmarshal([]byte(body), &f); err != nil {
			return nil, fmt.Errorf("store: findings of organisation %d: %w", id, err)
		}
		out[id] = f
	}
	return out, rows.Err()
}

// FindingsAt returns the findings of every organisation as they stood at
// the end of the month that starts at month: the last kept during it or
// before. ok is false when none were kept by then (findings are kept by
// month since schema 12).
func (s *Store) FindingsAt(ctx context.Context, month time.Time) (_ map[int64]statement.OrgFindings, ok bool, err error) {
	var kept string
	err = s.db.QueryRowContext(ctx, `SELECT month FROM findings_months WHERE month <= ? ORDER BY month DESC LIMIT 1`,
		findingsMonth(month)).Scan(&kept)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: findings at %s: %w", findingsMonth(month), err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT org_id, json FROM findings_by_month WHERE month = ?`, kept)
	if err != nil {
		return nil, false, fmt.Errorf("store: findings of %s: %w", kept, err)
	}
	out, err := scanFindings(rows)
	return out, err == nil, err
}

// findingsMonth is the month, in London, that t is in.
func findingsMonth(t time.Time) string { return t.In(london).Format("2006-01") }

// london is the zone of the reports' months.
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // time/tzdata is linked in
	}
	return l
}()

// TemplateClusters returns the families of statements that share their
// text, largest first.
func (s *Store) TemplateClusters(ctx context.Context) ([][]statement.SimilarStatement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT members FROM template_clusters ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: template clusters: %w", err)
	}
	defer rows.Close()
	var out [][]statement.SimilarStatement
	for rows.Next() {
		var body string
		var m []statement.SimilarStatement
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
