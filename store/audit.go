package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
)

const auditInsert = `INSERT INTO audit (at, by_whom, org_id, field, before, after) VALUES (?,?,?,?,?,?)`

// audit records one change, in the transaction that makes it.
func audit(ctx context.Context, tx *sql.Tx, at, by string, orgID int64, field, before, after string) error {
	if before == after {
		return nil
	}
	_, err := tx.ExecContext(ctx, auditInsert, at, by, orgID, field, before, after)
	return err
}

// auditor records the changes of an import, its statement prepared once
// for the many rows of a list.
type auditor struct {
	stmt   *sql.Stmt
	at, by string
}

func newAuditor(ctx context.Context, tx *sql.Tx, at, by string) (*auditor, error) {
	stmt, err := tx.PrepareContext(ctx, auditInsert)
	return &auditor{stmt: stmt, at: at, by: by}, err
}

// record records a change of a field, if it changed.
func (a *auditor) record(ctx context.Context, orgID int64, field, before, after string) error {
	if before == after {
		return nil
	}
	_, err := a.stmt.ExecContext(ctx, a.at, a.by, orgID, field, before, after)
	return err
}

// AuditFilter selects entries of the audit log. The zero filter selects
// every entry.
type AuditFilter struct {
	// OrgID keeps one organisation's changes.
	OrgID int64
	// Within keeps the changes to organisations in any of these regions
	// (a staff account's regions). Empty: no limit.
	Within []*region.Region
	// Limit bounds the entries, newest first; 0 for all.
	Limit int
}

// Audit returns the changes the filter selects, newest first.
func (s *Store) Audit(ctx context.Context, f AuditFilter) ([]statement.AuditEntry, error) {
	var c conds
	if f.OrgID != 0 {
		c.add("a.org_id = ?", f.OrgID)
	}
	if len(f.Within) > 0 {
		cond, args := withinCond(f.Within)
		c.add(cond, args...)
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return queryRows(ctx, s.db, "audit log", func(scan func(...any) error) (statement.AuditEntry, error) {
		var e statement.AuditEntry
		var at string
		err := scan(&at, &e.By, &e.CompanyNumber, &e.Name, &e.Field, &e.Before, &e.After)
		e.At = parseStamp(at)
		return e, err
	}, `SELECT a.at, a.by_whom, coalesce(o.company_number, ''), coalesce(o.name, ''), a.field, a.before, a.after
		FROM audit a LEFT JOIN orgs o ON o.id = a.org_id WHERE `+c.sql()+` ORDER BY a.id DESC`+limit, c.args...)
}
