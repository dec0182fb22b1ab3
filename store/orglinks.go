package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/s54dev/s54/statement"
)

// OrgLinks are the addresses staff set for an organisation: its website,
// where the crawler starts, and its statement's address, which the crawler
// tries besides. Nil leaves one as it is; "" clears it. The caller
// validates them as the crawler would (crawler.CheckURL).
type OrgLinks struct {
	Website, StatementURL *string
}

// SetOrgLinks sets an organisation's website or statement address, as a
// member of staff gave them (a website so set is never replaced by one an
// import derives), with each change in the audit log.
func (s *Store) SetOrgLinks(ctx context.Context, orgID int64, l OrgLinks, by string) error {
	now := s.stamp()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var website, statementURL string
		err := tx.QueryRowContext(ctx, `SELECT website, statement_url FROM orgs WHERE id = ?`, orgID).Scan(&website, &statementURL)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if w := l.Website; w != nil && *w != website {
			source := string(statement.WebsiteFromStaff)
			if *w == "" {
				source = ""
			}
			if _, err := tx.ExecContext(ctx, `UPDATE orgs SET website = ?, website_source = ?, updated_at = ? WHERE id = ?`,
				*w, source, now, orgID); err != nil {
				return err
			}
			if err := audit(ctx, tx, now, by, orgID, "website", website, *w); err != nil {
				return err
			}
		}
		if u := l.StatementURL; u != nil && *u != statementURL {
			if _, err := tx.ExecContext(ctx, `UPDATE orgs SET statement_url = ?, updated_at = ? WHERE id = ?`, *u, now, orgID); err != nil {
				return err
			}
			if err := audit(ctx, tx, now, by, orgID, "statement_url", statementURL, *u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: organisation %d: %w", orgID, err)
	}
	return nil
}
