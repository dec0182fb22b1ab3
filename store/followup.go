package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/s54dev/s54/statement"
)

// followUpOf reads a stored follow-up state: none when no one has set one.
func followUpOf(v string) statement.FollowUp {
	if v == "" {
		return statement.FollowUpNone
	}
	return statement.FollowUp(v)
}

// AddFollowUp records a step of an organisation's follow-up: its state
// (the same as before, for a note alone) and a note, by a member of staff,
// with the change of state in the audit log.
func (s *Store) AddFollowUp(ctx context.Context, orgID int64, status statement.FollowUp, note, by string) error {
	if !status.Valid() {
		return fmt.Errorf("store: %w: no follow-up state %q", ErrBadFilter, status)
	}
	now := s.stamp()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT follow_up FROM orgs WHERE id = ?`, orgID).Scan(&old); err != nil {
			if err == sql.ErrNoRows {
				return ErrNotFound
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO follow_ups (org_id, status, note, by_whom, at) VALUES (?,?,?,?,?)`,
			orgID, string(status), note, by, now); err != nil {
			return err
		}
		stored := string(status)
		if status == statement.FollowUpNone {
			stored = ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET follow_up = ? WHERE id = ?`, stored, orgID); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, by, orgID, "follow_up", string(followUpOf(old)), string(status)); err != nil {
			return err
		}
		if note != "" {
			return audit(ctx, tx, now, by, orgID, "follow_up_note", "", note)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: follow-up of organisation %d: %w", orgID, err)
	}
	return nil
}

// FollowUps returns an organisation's follow-up, newest first: every
// state and note, over the years.
func (s *Store) FollowUps(ctx context.Context, orgID int64) ([]statement.FollowUpNote, error) {
	return queryRows(ctx, s.db, "follow-up", func(scan func(...any) error) (statement.FollowUpNote, error) {
		var n statement.FollowUpNote
		var at string
		err := scan(&n.Status, &n.Note, &n.By, &at)
		n.At = parseStamp(at)
		return n, err
	}, `SELECT status, note, by_whom, at FROM follow_ups WHERE org_id = ? ORDER BY id DESC`, orgID)
}
