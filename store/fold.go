package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldName is a name as the register's search compares it: lower case,
// accents off ("Café Flöra" is "cafe flora"), apostrophes and full stops
// dropped ("Sainsbury's", "B.P."), any other run of punctuation or space
// one space. The GOV.UK registry writes names in capitals, the Home Office
// list in mixed case, and people type either.
func foldName(s string) string {
	var b strings.Builder
	gap := false
	word := func(w string) {
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteString(w)
	}
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == '‘', r == '.':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if w, ok := ligatures[r]; ok {
				word(w)
				continue
			}
			word(string(unicode.ToLower(r)))
		default:
			gap = true
		}
	}
	return b.String()
}

// ligatures are letters that do not decompose into a letter and accents.
var ligatures = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i",
}

// fillSearchNames folds the names of a register made before the column
// was (migration 6).
func fillSearchNames(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM orgs WHERE search_name = ''`)
	if err != nil {
		return err
	}
	type named struct {
		id   int64
		name string
	}
	var all []named
	for rows.Next() {
		var n named
		if err := rows.Scan(&n.id, &n.name); err != nil {
			rows.Close()
			return err
		}
		all = append(all, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	update, err := tx.PrepareContext(ctx, `UPDATE orgs SET search_name = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer update.Close()
	for _, n := range all {
		if _, err := update.ExecContext(ctx, foldName(n.name), n.id); err != nil {
			return err
		}
	}
	return nil
}
