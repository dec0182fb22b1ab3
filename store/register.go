package store

import (
	"context"
	"strings"
	"time"

	"github.com/s54dev/s54/statement"
)

// Register returns the current register entries the filter selects, by
// name: the whole register, for s54 register and the report's lists.
// RegisterPage gives a page of it.
func (s *Store) Register(ctx context.Context, f OrgFilter) ([]statement.RegisterEntry, error) {
	p, err := s.RegisterPage(ctx, RegisterQuery{RegisterFilter: RegisterFilter{OrgFilter: f}})
	return p.Entries, err
}

// RegisterAt returns the register as it stood at a time: the
// organisations, fetches, statements and assessments recorded by then.
// Nothing is ever deleted, so a past month gives the same register every
// time it is asked for.
func (s *Store) RegisterAt(ctx context.Context, f OrgFilter, at time.Time) ([]statement.RegisterEntry, error) {
	return s.register(ctx, f, at.UTC().Format(time.RFC3339))
}

func (s *Store) register(ctx context.Context, f OrgFilter, at string) ([]statement.RegisterEntry, error) {
	cond, args := f.where()
	args = append([]any{at, at, string(statement.Found), at, at, at}, append(args, at)...)
	// homepage_link is the latest finding by then: from the last fetch
	// that found the statement (a statement's row keeps only the newest),
	// else from the statement
	q := `WITH lf AS (SELECT org_id, max(id) AS id FROM fetches WHERE fetched_at <= ? GROUP BY org_id),
	lff AS (SELECT org_id, max(id) AS id FROM fetches WHERE fetched_at <= ? AND outcome = ? GROUP BY org_id),
	ls AS (SELECT id, org_id, url, period_end, homepage_link,
		row_number() OVER (PARTITION BY org_id ORDER BY period_end DESC, first_seen DESC, id DESC) AS rn
		FROM statements WHERE first_seen <= ?),
	la AS (SELECT statement_id, max(id) AS id FROM assessments WHERE checked_at <= ? GROUP BY statement_id)
	SELECT o.id, o.company_number, o.name, o.website, o.website_source, o.postcode, o.sector,
		o.turnover_min, o.turnover_max, o.turnover_text,
		coalesce(f.outcome, ''), coalesce(f.error, ''), coalesce(f.fetched_at, ''),
		coalesce(ls.url, ''), coalesce(ls.period_end, ''), coalesce(ff.homepage_link, ls.homepage_link),
		coalesce(a.id, 0), coalesce(a.rating, ''), a.score, coalesce(a.checked_at, ''), coalesce(ls.id, 0),
		coalesce(ff.link_needs_script, 0),
		coalesce((SELECT fu.status FROM follow_ups fu WHERE fu.org_id = o.id AND fu.at <= ? ORDER BY fu.id DESC LIMIT 1), ''),
		` + noFindingCols + `
	FROM orgs o
	LEFT JOIN lf ON lf.org_id = o.id
	LEFT JOIN fetches f ON f.id = lf.id
	LEFT JOIN lff ON lff.org_id = o.id
	LEFT JOIN fetches ff ON ff.id = lff.id
	LEFT JOIN ls ON ls.org_id = o.id AND ls.rn = 1
	LEFT JOIN la ON la.statement_id = ls.id
	LEFT JOIN assessments a ON a.id = la.id
	WHERE ` + cond + ` AND o.created_at <= ? ORDER BY o.name COLLATE NOCASE, o.id`
	out, err := s.registerRows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Status == statement.Found && out[i].Criteria[statement.Current] == statement.Missing {
			out[i].Status = statement.OutOfDate
		}
	}
	return out, nil
}

// fillCriteria reads the criteria of the assessments, a batch at a time.
func (s *Store) fillCriteria(ctx context.Context, out []statement.RegisterEntry, byAssessment map[int64]int) error {
	ids := make([]any, 0, len(byAssessment))
	for id := range byAssessment {
		ids = append(ids, id)
	}
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		type criterion struct {
			assessmentID int64
			id, status   string
		}
		rows, err := queryRows(ctx, s.db, "register criteria", func(scan func(...any) error) (criterion, error) {
			var c criterion
			return c, scan(&c.assessmentID, &c.id, &c.status)
		}, `SELECT assessment_id, criterion, status FROM assessment_criteria
			WHERE assessment_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+`)`, part...)
		if err != nil {
			return err
		}
		for _, c := range rows {
			e := &out[byAssessment[c.assessmentID]]
			if e.Criteria == nil {
				e.Criteria = map[statement.CriterionID]statement.Status{}
			}
			e.Criteria[statement.CriterionID(c.id)] = statement.Status(c.status)
		}
	}
	return nil
}
