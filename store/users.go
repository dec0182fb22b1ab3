package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// User is a staff account of the web interface.
type User struct {
	ID           int64
	Name         string
	PasswordHash string
	CreatedAt    time.Time
	// Regions are the ids of the regions the account sees; none: it sees
	// every organisation.
	Regions []string
}

// AddUser records a staff account, limited to some regions if any are
// given; the password comes hashed.
func (s *Store) AddUser(ctx context.Context, name, passwordHash string, regions ...string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO users (name, password_hash, created_at, regions) VALUES (?,?,?,?)`,
		name, passwordHash, s.stamp(), joinRegions(regions))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("store: user %q: %w", name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store: add user: %w", err)
	}
	return nil
}

// SetUserRegions limits a staff account to some regions; none lifts the
// limit. Its sessions stay: each request reads the limit afresh.
func (s *Store) SetUserRegions(ctx context.Context, name string, regions []string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET regions = ? WHERE name = ?`, joinRegions(regions), name)
	if err != nil {
		return fmt.Errorf("store: set regions: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: user %q: %w", name, ErrNotFound)
	}
	return nil
}

// joinRegions keeps region ids (lower-case letters, digits and hyphens)
// in one column.
func joinRegions(ids []string) string { return strings.Join(ids, ",") }

func splitRegions(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// SetPassword replaces a user's password hash and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, name, passwordHash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE name = ?`, passwordHash, name)
		if err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: user %q: %w", name, ErrNotFound)
		}
		// a new password ends the sessions and the API tokens, and forgets
		// where the old one was used: it may have been known elsewhere
		for _, q := range []string{`DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)`,
			`DELETE FROM api_tokens WHERE user_id = (SELECT id FROM users WHERE name = ?)`,
			`DELETE FROM login_addresses WHERE user_id = (SELECT id FROM users WHERE name = ?)`} {
			if _, err := tx.ExecContext(ctx, q, name); err != nil {
				return err
			}
		}
		return nil
	})
}

// RemoveUser deletes a staff account with its sessions and API tokens.
func (s *Store) RemoveUser(ctx context.Context, name string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE name = ?`, name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: user %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM sessions WHERE user_id = ?`, `DELETE FROM api_tokens WHERE user_id = ?`,
			`DELETE FROM login_addresses WHERE user_id = ?`, `DELETE FROM users WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// UserByName returns a user, or ErrNotFound.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	var u User
	var created, regions string
	err := s.db.QueryRowContext(ctx, `SELECT id, name, password_hash, created_at, regions FROM users WHERE name = ?`, name).
		Scan(&u.ID, &u.Name, &u.PasswordHash, &created, &regions)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("store: user: %w", err)
	}
	u.CreatedAt, u.Regions = parseStamp(created), splitRegions(regions)
	return u, nil
}

// Users lists the staff accounts, by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	return queryRows(ctx, s.db, "users", func(scan func(...any) error) (User, error) {
		var u User
		var created, regions string
		err := scan(&u.ID, &u.Name, &created, &regions)
		u.CreatedAt, u.Regions = parseStamp(created), splitRegions(regions)
		return u, err
	}, `SELECT id, name, created_at, regions FROM users ORDER BY name`)
}

// Session is a staff member's login.
type Session struct {
	User User
	// CSRF is the token the session's forms carry.
	CSRF    string
	Expires time.Time
}

// CreateSession records a session by the hash of its token.
func (s *Store) CreateSession(ctx context.Context, userID int64, tokenHash, csrf string, expires time.Time) error {
	// expired sessions go at each login
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, s.stamp()); err != nil {
		return fmt.Errorf("store: sessions: %w", err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?)`,
		tokenHash, userID, csrf, s.stamp(), expires.UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByHash returns a live session, or ErrNotFound.
func (s *Store) SessionByHash(ctx context.Context, tokenHash string) (Session, error) {
	var ss Session
	var expires, regions string
	err := s.db.QueryRowContext(ctx, `SELECT u.id, u.name, u.regions, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ?`, tokenHash, s.stamp()).Scan(&ss.User.ID, &ss.User.Name, &regions, &ss.CSRF, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, ErrNotFound
	}
	if err != nil {
		return ss, fmt.Errorf("store: session: %w", err)
	}
	ss.Expires, ss.User.Regions = parseStamp(expires), splitRegions(regions)
	return ss, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// AddAPIToken records an API token of a user by its hash.
func (s *Store) AddAPIToken(ctx context.Context, userID int64, tokenHash, label string) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES (?,?,?,?)`,
		tokenHash, userID, label, s.stamp()); err != nil {
		return fmt.Errorf("store: add API token: %w", err)
	}
	return nil
}

// TokenUser returns the user of an API token, or ErrNotFound.
func (s *Store) TokenUser(ctx context.Context, tokenHash string) (User, error) {
	var u User
	var regions string
	err := s.db.QueryRowContext(ctx, `SELECT u.id, u.name, u.regions FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
		tokenHash).Scan(&u.ID, &u.Name, &regions)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("store: API token: %w", err)
	}
	u.Regions = splitRegions(regions)
	return u, nil
}

// RecordLoginAddress notes that a user logged in from an address (the
// key the web's login limits use for it).
func (s *Store) RecordLoginAddress(ctx context.Context, userID int64, address string) error {
	now := s.stamp()
	_, err := s.db.ExecContext(ctx, `INSERT INTO login_addresses (user_id, address, first_at, last_at) VALUES (?,?,?,?)
		ON CONFLICT (user_id, address) DO UPDATE SET last_at = excluded.last_at`, userID, address, now, now)
	if err != nil {
		return fmt.Errorf("store: record login address: %w", err)
	}
	return nil
}

// KnownLoginAddress reports whether a user has logged in from an address
// since their password was last set.
func (s *Store) KnownLoginAddress(ctx context.Context, userID int64, address string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM login_addresses WHERE user_id = ? AND address = ?`, userID, address).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: login address: %w", err)
	}
	return n > 0, nil
}
