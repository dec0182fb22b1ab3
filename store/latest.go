package store

// orgLatestSchema is org_latest: for each organisation, its latest fetch,
// the latest fetch that found its statement, its latest statement (by the
// year it covers, then when it was first seen) and that statement's
// latest assessment, with what the register filters and sorts on copied
// from them: the register status, rating, score, year end and homepage
// link. Triggers on the tables the crawl writes keep it, whichever code
// writes them, so the current register is one row per organisation
// instead of a search of every organisation's history. The register as it
// stood at a past time (RegisterAt) is still read from the history.
//
// The triggers on the base tables set the ids; one trigger on org_latest
// then derives the rest from the ids as they are at that moment (the
// columns of the row, never NEW's, which an update nested in another
// trigger may have made stale). A statement's criteria are inserted after
// its assessment, so the "current" criterion derives the status again.
// 'found', 'out_of_date', 'not_checked' and 'current' are
// statement.Found, statement.OutOfDate, statement.NotChecked and
// statement.Current.
const orgLatestSchema = `
	CREATE TABLE org_latest (
		org_id         INTEGER PRIMARY KEY REFERENCES orgs(id),
		fetch_id       INTEGER,
		found_fetch_id INTEGER,
		statement_id   INTEGER,
		assessment_id  INTEGER,
		status         TEXT NOT NULL DEFAULT 'not_checked',
		rating         TEXT NOT NULL DEFAULT '',
		score          INTEGER,
		period_end     TEXT NOT NULL DEFAULT '',
		homepage_link  INTEGER
	);
	CREATE INDEX org_latest_status ON org_latest(status);

	CREATE TRIGGER org_latest_derive AFTER UPDATE OF fetch_id, found_fetch_id, statement_id, assessment_id ON org_latest
	BEGIN
		UPDATE org_latest SET
			status = coalesce((SELECT CASE WHEN f.outcome = 'found' AND EXISTS (SELECT 1 FROM assessment_criteria c
					WHERE c.assessment_id = org_latest.assessment_id AND c.criterion = 'current' AND c.status = 'missing')
				THEN 'out_of_date' ELSE f.outcome END FROM fetches f WHERE f.id = org_latest.fetch_id), 'not_checked'),
			rating = coalesce((SELECT rating FROM assessments WHERE id = org_latest.assessment_id), ''),
			score = (SELECT score FROM assessments WHERE id = org_latest.assessment_id),
			period_end = coalesce((SELECT period_end FROM statements WHERE id = org_latest.statement_id), ''),
			homepage_link = coalesce((SELECT homepage_link FROM fetches WHERE id = org_latest.found_fetch_id),
				(SELECT homepage_link FROM statements WHERE id = org_latest.statement_id))
		WHERE org_id = NEW.org_id;
	END;

	CREATE TRIGGER org_latest_org AFTER INSERT ON orgs
	BEGIN
		INSERT INTO org_latest (org_id) VALUES (NEW.id);
	END;

	CREATE TRIGGER org_latest_fetch AFTER INSERT ON fetches
	BEGIN
		UPDATE org_latest SET fetch_id = NEW.id,
			found_fetch_id = CASE WHEN NEW.outcome = 'found' THEN NEW.id ELSE found_fetch_id END
		WHERE org_id = NEW.org_id;
	END;

	CREATE TRIGGER org_latest_statement AFTER INSERT ON statements
	BEGIN
		UPDATE org_latest SET statement_id = (SELECT id FROM statements WHERE org_id = NEW.org_id
			ORDER BY period_end DESC, first_seen DESC, id DESC LIMIT 1) WHERE org_id = NEW.org_id;
		UPDATE org_latest SET assessment_id = (SELECT max(id) FROM assessments WHERE statement_id = org_latest.statement_id)
		WHERE org_id = NEW.org_id;
	END;

	CREATE TRIGGER org_latest_statement_seen AFTER UPDATE OF period_end, first_seen, homepage_link ON statements
	BEGIN
		UPDATE org_latest SET statement_id = (SELECT id FROM statements WHERE org_id = NEW.org_id
			ORDER BY period_end DESC, first_seen DESC, id DESC LIMIT 1) WHERE org_id = NEW.org_id;
		UPDATE org_latest SET assessment_id = (SELECT max(id) FROM assessments WHERE statement_id = org_latest.statement_id)
		WHERE org_id = NEW.org_id;
	END;

	CREATE TRIGGER org_latest_assessment AFTER INSERT ON assessments
	BEGIN
		UPDATE org_latest SET assessment_id = NEW.id
		WHERE org_id = (SELECT org_id FROM statements WHERE id = NEW.statement_id) AND statement_id = NEW.statement_id;
	END;

	CREATE TRIGGER org_latest_current AFTER INSERT ON assessment_criteria WHEN NEW.criterion = 'current'
	BEGIN
		UPDATE org_latest SET assessment_id = assessment_id
		WHERE org_id = (SELECT s.org_id FROM assessments a JOIN statements s ON s.id = a.statement_id WHERE a.id = NEW.assessment_id)
			AND assessment_id = NEW.assessment_id;
	END;

	INSERT INTO org_latest (org_id) SELECT id FROM orgs;
	UPDATE org_latest SET
		fetch_id = (SELECT max(id) FROM fetches WHERE org_id = org_latest.org_id),
		found_fetch_id = (SELECT max(id) FROM fetches WHERE org_id = org_latest.org_id AND outcome = 'found'),
		statement_id = (SELECT id FROM statements WHERE org_id = org_latest.org_id
			ORDER BY period_end DESC, first_seen DESC, id DESC LIMIT 1);
	UPDATE org_latest SET assessment_id = (SELECT max(id) FROM assessments WHERE statement_id = org_latest.statement_id);
`
