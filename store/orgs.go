package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/s54dev/s54/internal/dochost"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
)

// ImportResult counts what an import did, and lists the names it changed
// or would have.
type ImportResult struct {
	Added, Updated, Unchanged int
	Names                     []NameChange
}

// NameChange is a name in the register that a list gives otherwise.
type NameChange struct {
	CompanyNumber string
	Old, New      string
	// Kept: the list gives the name in capitals ("ABEL & COLE LIMITED")
	// and the register has it in mixed case ("Abel & Cole Limited"), as
	// people write it; the register's is kept.
	Kept bool
}

// String says what happened to the name, for the import's report.
func (c NameChange) String() string {
	if c.Kept {
		return fmt.Sprintf("name kept: %s (the list has %s)", c.Old, c.New)
	}
	return fmt.Sprintf("name changed: %s → %s", c.Old, c.New)
}

// ImportOrgs adds or updates organisations, all in one transaction: a
// failure part way changes nothing. An organisation is found again by its
// company number, or without one by name and postcode; what the new row
// says replaces what the register had, and what it leaves empty is kept
// (a Home Office list has no websites; importing it again must not erase
// the websites another list gave), but for a website worked out from a
// statement's address (derived), which never replaces one a person gave. skipped is how many rows the reader
// left out, recorded with the import.
func (s *Store) ImportOrgs(ctx context.Context, file, format string, orgs []statement.Org, skipped int) (ImportResult, error) {
	var res ImportResult
	now := s.stamp()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		find, err := tx.PrepareContext(ctx, `SELECT id, org_key, company_number, name, website, website_source, postcode, sector, sic,
			turnover_min, turnover_max, turnover_text, statement_url FROM orgs WHERE org_key = ?`)
		if err != nil {
			return err
		}
		defer find.Close()
		insert, err := tx.PrepareContext(ctx, `INSERT INTO orgs (org_key, company_number, name, website, website_source, postcode,
			pc_area, pc_district, pc_sector, sector, sic, turnover_min, turnover_max, turnover_text, statement_url,
			source, created_at, updated_at, search_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer insert.Close()
		update, err := tx.PrepareContext(ctx, `UPDATE orgs SET org_key=?, company_number=?, name=?, website=?, website_source=?, postcode=?,
			pc_area=?, pc_district=?, pc_sector=?, sector=?, sic=?, turnover_min=?, turnover_max=?, turnover_text=?,
			statement_url=?, source=?, updated_at=?, search_name=? WHERE id=?`)
		if err != nil {
			return err
		}
		defer update.Close()

		for i := range orgs {
			in := orgs[i]
			if in.Website != "" && in.WebsiteSource == "" {
				in.WebsiteSource = statement.WebsiteFromList
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			old, id, err := findOrg(ctx, find, &in)
			if err != nil {
				return err
			}
			if id == 0 {
				pc := postcodeOf(in.Postcode)
				if _, err := insert.ExecContext(ctx, in.Key(), in.CompanyNumber, in.Name, in.Website, string(in.WebsiteSource), pc.Full,
					pc.Area, pc.District, pc.Sector, in.Sector, in.SIC, in.Turnover.Min, in.Turnover.Max, in.Turnover.Text,
					in.StatementURL, in.Source, now, now, foldName(in.Name)); err != nil {
					return fmt.Errorf("add %s: %w", in.Name, err)
				}
				res.Added++
				continue
			}
			merged, name := mergeOrg(old, in)
			if name != nil {
				res.Names = append(res.Names, *name)
			}
			if merged == old {
				res.Unchanged++
				continue
			}
			pc := postcodeOf(merged.Postcode)
			if _, err := update.ExecContext(ctx, merged.Key(), merged.CompanyNumber, merged.Name, merged.Website, string(merged.WebsiteSource), pc.Full,
				pc.Area, pc.District, pc.Sector, merged.Sector, merged.SIC, merged.Turnover.Min, merged.Turnover.Max,
				merged.Turnover.Text, merged.StatementURL, merged.Source, now, foldName(merged.Name), id); err != nil {
				return fmt.Errorf("update %s: %w", in.Name, err)
			}
			res.Updated++
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO imports (file, format, imported_at, rows, added, updated, unchanged, skipped)
			VALUES (?,?,?,?,?,?,?,?)`, file, format, now, len(orgs)+skipped, res.Added, res.Updated, res.Unchanged, skipped)
		return err
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: import %s: %w", file, err)
	}
	return res, nil
}

// findOrg looks an organisation up by its key; one imported before
// without a company number is found by name and postcode.
func findOrg(ctx context.Context, find *sql.Stmt, in *statement.Org) (statement.Org, int64, error) {
	keys := []string{in.Key()}
	if in.CompanyNumber != "" {
		bare := *in
		bare.CompanyNumber = ""
		keys = append(keys, bare.Key())
	}
	for _, k := range keys {
		var o statement.Org
		var id int64
		var key string
		err := find.QueryRowContext(ctx, k).Scan(&id, &key, &o.CompanyNumber, &o.Name, &o.Website, &o.WebsiteSource, &o.Postcode,
			&o.Sector, &o.SIC, &o.Turnover.Min, &o.Turnover.Max, &o.Turnover.Text, &o.StatementURL)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return statement.Org{}, 0, err
		}
		o.Source = in.Source
		return o, id, nil
	}
	return statement.Org{}, 0, nil
}

// mergeOrg lays the non-empty fields of in over old, and says what became
// of the name when in's differs. A name in capitals does not replace the
// same name in mixed case: lists in capitals (the GOV.UK registry's,
// Companies House's) would otherwise turn a register written as people
// write names into one that shouts.
func mergeOrg(old, in statement.Org) (statement.Org, *NameChange) {
	m := old
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&m.CompanyNumber, in.CompanyNumber)
	var name *NameChange
	if in.Name != "" && in.Name != old.Name {
		name = &NameChange{CompanyNumber: m.CompanyNumber, Old: old.Name, New: in.Name,
			Kept: capitals(in.Name) && !capitals(old.Name) && strings.EqualFold(in.Name, old.Name)}
		if !name.Kept {
			m.Name = in.Name
		}
	}
	// a website a person gave is not replaced by one worked out from a
	// statement's address; the same website keeps its stronger source
	switch {
	case in.Website == "":
	case old.Website == "" || in.Website != old.Website && in.WebsiteSource.Replaces(old.WebsiteSource):
		m.Website, m.WebsiteSource = in.Website, in.WebsiteSource
	case in.Website == old.Website:
		m.WebsiteSource = old.WebsiteSource.Stronger(in.WebsiteSource)
	}
	set(&m.Postcode, postcodeOf(in.Postcode).Full)
	set(&m.Sector, in.Sector)
	set(&m.SIC, in.SIC)
	set(&m.StatementURL, in.StatementURL)
	set(&m.Source, in.Source)
	if in.Turnover.Known() || in.Turnover.Text != "" && !old.Turnover.Known() {
		m.Turnover = in.Turnover
	}
	return m, name
}

// capitals reports whether a name has letters, none of them lower case.
func capitals(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0 && strings.IndexFunc(s, unicode.IsLower) < 0
}

// postcodeOf splits a postcode for the indexed columns; one that cannot be
// read is kept as written, with no area.
func postcodeOf(s string) region.Postcode {
	if pc, ok := region.Normalize(s); ok {
		return pc
	}
	return region.Postcode{Full: strings.ToUpper(strings.Join(strings.Fields(s), " "))}
}

// OrgRecord is an organisation as the register holds it.
type OrgRecord struct {
	ID int64
	statement.Org
	CreatedAt, UpdatedAt time.Time
}

// OrgFilter selects organisations. The zero filter selects all.
type OrgFilter struct {
	// Region keeps the organisations whose postcode is in it.
	Region *region.Region
	// CompanyNumbers keeps these (normalised) numbers.
	CompanyNumbers []string
}

// where returns the SQL condition and arguments of the filter, on the
// indexed postcode columns.
func (f OrgFilter) where() (string, []any) {
	var c conds
	if f.Region != nil {
		cond, args := regionCond(f.Region)
		c.add(cond, args...)
	}
	if len(f.CompanyNumbers) > 0 {
		var args []any
		c.add(inList("o.company_number", f.CompanyNumbers, &args), args...)
	}
	return c.sql(), c.args
}

// regionCond is the condition that an organisation's postcode is in a
// region: in one of its areas, districts or sectors, and in none of those
// it excludes.
func regionCond(r *region.Region) (string, []any) {
	var args []any
	areas, districts, sectors := r.Prefixes()
	cond := "(" + inList("o.pc_area", areas, &args) + " OR " + inList("o.pc_district", districts, &args) + " OR " +
		inList("o.pc_sector", sectors, &args) + ")"
	xa, xd, xs := r.Excludes()
	if len(xa)+len(xd)+len(xs) > 0 {
		cond = "(" + cond + " AND NOT (" + inList("o.pc_area", xa, &args) + " OR " + inList("o.pc_district", xd, &args) +
			" OR " + inList("o.pc_sector", xs, &args) + "))"
	}
	return cond, args
}

// inList is "col IN (?,…)" with the values appended to args; false
// ("0") for no values.
func inList(col string, vals []string, args *[]any) string {
	if len(vals) == 0 {
		return "0"
	}
	for _, v := range vals {
		*args = append(*args, v)
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",") + ")"
}

// Orgs returns the organisations the filter selects, by name.
func (s *Store) Orgs(ctx context.Context, f OrgFilter) ([]OrgRecord, error) {
	cond, args := f.where()
	return queryRows(ctx, s.db, "list organisations", func(scan func(...any) error) (OrgRecord, error) {
		var r OrgRecord
		var created, updated string
		err := scan(&r.ID, &r.CompanyNumber, &r.Name, &r.Website, &r.WebsiteSource, &r.Postcode, &r.Sector, &r.SIC,
			&r.Turnover.Min, &r.Turnover.Max, &r.Turnover.Text, &r.StatementURL, &r.Source, &created, &updated)
		r.CreatedAt, r.UpdatedAt = parseStamp(created), parseStamp(updated)
		return r, err
	}, `SELECT o.id, o.company_number, o.name, o.website, o.website_source, o.postcode, o.sector, o.sic,
		o.turnover_min, o.turnover_max, o.turnover_text, o.statement_url, o.source, o.created_at, o.updated_at
		FROM orgs o WHERE `+cond+` ORDER BY o.name COLLATE NOCASE, o.id`, args...)
}

// OrgByNumber returns the organisation with a company number, or
// ErrNotFound.
func (s *Store) OrgByNumber(ctx context.Context, number string) (OrgRecord, error) {
	orgs, err := s.Orgs(ctx, OrgFilter{CompanyNumbers: []string{number}})
	if err != nil {
		return OrgRecord{}, err
	}
	if len(orgs) == 0 {
		return OrgRecord{}, fmt.Errorf("store: organisation %s: %w", number, ErrNotFound)
	}
	return orgs[0], nil
}

// CountOrgs is the number of organisations in the register.
func (s *Store) CountOrgs(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM orgs").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count organisations: %w", err)
	}
	return n, nil
}

// forgetDocumentHosts takes back the websites derived from a statement's
// address on a host that keeps documents for others (the registry, a CDN,
// a file share): an earlier s54 took them for the organisation's site.
// The statement's address stays, for the crawler to try.
func forgetDocumentHosts(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, website FROM orgs WHERE website_source = ?`, string(statement.WebsiteDerived))
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var website string
		if err := rows.Scan(&id, &website); err != nil {
			rows.Close()
			return err
		}
		if dochost.Is(website) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET website = '', website_source = '' WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}
