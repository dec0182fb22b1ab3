package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/statement"
)

// openAt makes a register in dir at an old schema version, as an older
// s54 left it.
func openAt(t *testing.T, dir string, version int) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBFile)+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations[:version] {
		if _, err := db.Exec(m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestMigrationSixFillsLatest: a register of schema 5, with crawls
// recorded, gains its folded names and org_latest on opening, and its
// current register is what its history says.
func TestMigrationSixFillsLatest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := openAt(t, dir, 5)
	at := "2025-06-01T00:00:00Z"
	exec := func(q string, args ...any) int64 {
		t.Helper()
		res, err := db.Exec(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	org := func(number, name, website string) int64 {
		return exec(`INSERT INTO orgs (org_key, company_number, name, website, postcode, pc_area, created_at, updated_at)
			VALUES (?,?,?,?,'HU1 2AA','HU',?,?)`, number, number, name, website, at, at)
	}
	cafe, abel, quiet := org("00000001", "Café Flöra Limited", "https://cafe.example"), org("00000002", "ABEL & COLE LIMITED", ""),
		org("00000003", "Quiet Ltd", "")
	exec(`INSERT INTO documents (sha256, size, path, first_seen) VALUES ('d1', 1, 'p', ?), ('d2', 1, 'p', ?)`, at, at)
	statementOf := func(orgID int64, doc, end string, score int, rating, current string) {
		sid := exec(`INSERT INTO statements (org_id, url, document_sha256, period_end, homepage_link, first_seen, last_seen)
			VALUES (?, 'https://x.example/msa', ?, ?, 1, ?, ?)`, orgID, doc, end, at, at)
		aid := exec(`INSERT INTO assessments (statement_id, checked_at, score, rating, json) VALUES (?,?,?,?,'{}')`, sid, at, score, rating)
		exec(`INSERT INTO assessment_criteria (assessment_id, criterion, status) VALUES (?, 'current', ?)`, aid, current)
	}
	statementOf(cafe, "d1", "2023-03-31", 40, "minimum", "missing")
	statementOf(cafe, "d2", "2025-03-31", 85, "strong", "met")
	exec(`INSERT INTO fetches (org_id, fetched_at, outcome, url, homepage_link) VALUES (?, ?, 'found', 'https://x.example/msa', 0)`, cafe, at)
	exec(`INSERT INTO fetches (org_id, fetched_at, outcome, url, error) VALUES (?, ?, 'unreachable', 'https://x.example/', 'timed out')`, cafe, at)
	statementOf(abel, "d1", "2022-12-31", 50, "minimum", "missing")
	exec(`INSERT INTO fetches (org_id, fetched_at, outcome, url) VALUES (?, ?, 'found', 'https://x.example/msa')`, abel, at)
	exec(`INSERT INTO fetches (org_id, fetched_at, outcome, url, error) VALUES (?, ?, 'no_statement', 'https://q.example/', 'none')`, quiet, at)
	db.Close()

	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cur, err := s.Register(ctx, OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	past, err := s.RegisterAt(ctx, OrgFilter{}, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cur, past) {
		t.Errorf("after migration:\n now     %+v\n history %+v", cur, past)
	}
	got := map[string]statement.RegisterStatus{}
	for _, e := range cur {
		got[e.Name] = e.Status
	}
	want := map[string]statement.RegisterStatus{"ABEL & COLE LIMITED": statement.OutOfDate, "Café Flöra Limited": statement.Unreachable,
		"Quiet Ltd": statement.NoStatement}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if cur[1].Rating == nil || *cur[1].Rating != statement.Strong || cur[1].HomepageLink == nil || *cur[1].HomepageLink {
		t.Errorf("café: rating %v, homepage link %v; want strong, false", cur[1].Rating, cur[1].HomepageLink)
	}
	p, err := s.RegisterPage(ctx, RegisterQuery{RegisterFilter: RegisterFilter{Text: "cafe flora"}, PerPage: 10})
	if err != nil || p.Total != 1 || p.Entries[0].WebsiteSource != statement.WebsiteFromList {
		t.Errorf("search after migration: %+v %v", p, err)
	}
}

func TestFoldName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Abel & Cole Limited":                 "abel cole limited",
		"ABEL & COLE LIMITED":                 "abel cole limited",
		"Café Flöra Limited":                  "cafe flora limited",
		"Sainsbury’s Supermarkets Ltd.":       "sainsburys supermarkets ltd",
		`"K" Line Bulk Shipping (UK) Limited`: "k line bulk shipping uk limited",
		"Straße Œuvre Ørsted":                 "strasse oeuvre orsted",
		"B.P. Oil":                            "bp oil",
		"  ":                                  "",
	} {
		if got := foldName(in); got != want {
			t.Errorf("foldName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMigrationEightDerivedWebsites: the websites an earlier import made
// from statements' addresses are marked derived, and those on a host of
// others' documents are taken back; a website a list gave stays as it is.
func TestMigrationEightDerivedWebsites(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := openAt(t, dir, 7)
	for _, o := range []struct{ number, website, statementURL string }{
		{"00000001", "https://www.ownsite.example", "https://www.ownsite.example/msa.pdf"},
		{"00000002", "https://vitacress.s3.amazonaws.com", "https://vitacress.s3.amazonaws.com/msa.pdf"},
		{"00000003", "https://downloads.modern-slavery-statement-registry.service.gov.uk", "https://downloads.modern-slavery-statement-registry.service.gov.uk/x.pdf"},
		{"00000004", "https://www.listed.example", "https://d1.cloudfront.net/msa.pdf"},
		{"00000005", "https://www.typed.example", ""},
	} {
		if _, err := db.Exec(`INSERT INTO orgs (org_key, company_number, name, website, website_source, statement_url, created_at, updated_at)
			VALUES (?,?,?,?,'list',?,'2025','2025')`, o.number, o.number, "Org "+o.number, o.website, o.statementURL); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	orgs, err := s.Orgs(ctx, OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range orgs {
		got = append(got, fmt.Sprintf("%s %q %s %t", o.CompanyNumber, o.Website, o.WebsiteSource, o.StatementURL != ""))
	}
	want := []string{`00000001 "https://www.ownsite.example" derived true`, `00000002 ""  true`, `00000003 ""  true`,
		`00000004 "https://www.listed.example" list true`, `00000005 "https://www.typed.example" list false`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after migration 8:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
