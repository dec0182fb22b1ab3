package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/s54dev/s54/internal/atomicfile"
	"github.com/s54dev/s54/region"
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

// ReadDocument returns the bytes of a kept document.
func (s *Store) ReadDocument(sha string) ([]byte, error) {
	data, err := os.ReadFile(s.DocumentPath(sha))
	if err != nil {
		return nil, fmt.Errorf("store: read document: %w", err)
	}
	return data, nil
}

// DocumentInfo is what the register holds of a kept document.
type DocumentInfo struct {
	SHA256, ContentType string
	Size                int64
	FirstSeen           time.Time
}

// Document returns a kept document's record, or ErrNotFound.
func (s *Store) Document(ctx context.Context, sha string) (DocumentInfo, error) {
	d := DocumentInfo{SHA256: sha}
	var first string
	err := s.db.QueryRowContext(ctx, `SELECT content_type, size, first_seen FROM documents WHERE sha256 = ?`, sha).
		Scan(&d.ContentType, &d.Size, &first)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("store: document: %w", err)
	}
	d.FirstSeen = parseStamp(first)
	return d, nil
}

// DocumentWithin reports whether a kept document is a statement of an
// organisation in one of the regions (a staff account's); with no regions,
// whether it is anyone's.
func (s *Store) DocumentWithin(ctx context.Context, sha string, within []*region.Region) (bool, error) {
	c, err := RegisterFilter{Within: within}.where(false)
	if err != nil {
		return false, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM orgs o WHERE o.id IN
		(SELECT org_id FROM statements WHERE document_sha256 = ?) AND `+c.sql(), append([]any{sha}, c.args...)...).Scan(&n); err != nil {
		return false, fmt.Errorf("store: document: %w", err)
	}
	return n > 0, nil
}
