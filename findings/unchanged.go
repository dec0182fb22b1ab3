package findings

import (
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/s54dev/s54/statement"
)

// Redated: a statement whose text changed this little from the year
// before (names, dates and years masked) is "re-dated, otherwise
// unchanged". The 2025 guidance asks for progress year on year.
const Redated = 0.05

// Unchanged compares a statement with the organisation's statement before
// it: the share of its words that changed, names, dates and years masked,
// and the areas whose verdict changed.
func Unchanged(name, prevText, curText string, prevEnd statement.Date, prev, cur statement.Assessment) statement.UnchangedFinding {
	a, b := MaskedWords(prevText, name), MaskedWords(curText, name)
	common := 0
	for _, d := range wordDiff(a, b) {
		if d.Type == diffmatchpatch.DiffEqual {
			common += len([]rune(d.Text))
		}
	}
	changed := 0.0
	if n := max(len(a), len(b)); n > 0 {
		changed = 1 - float64(common)/float64(n)
	}
	f := statement.UnchangedFinding{PreviousPeriodEnd: prevEnd, Changed: math.Round(changed*1000) / 1000}
	f.Redated = f.Changed <= Redated
	for _, id := range statement.Areas {
		if prev.Status(id) != cur.Status(id) {
			f.AreasChanged = append(f.AreasChanged, id)
		}
	}
	return f
}

// wordDiff diffs two lists of words, each word one rune to the differ:
// the exact (minimal) diff, with no time limit, for texts of the length of
// statements. A time limit also switches on the differ's half-match
// shortcut, which gives other, not minimal, diffs at any length, so it is
// set only for texts longer than exactWords, where an exact diff could
// take minutes; past it, the part not yet diffed counts as changed.
func wordDiff(a, b []string) []diffmatchpatch.Diff {
	var wc wordCodes
	ea, eb := wc.encode(a), wc.encode(b)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	if max(len(a), len(b)) > exactWords {
		dmp.DiffTimeout = unchangedDiffTimeout
	}
	return dmp.DiffCleanupSemantic(dmp.DiffMain(ea, eb, false))
}

// exactWords: texts up to this many words each (twice a long
// statement) are diffed exactly.
const exactWords = 10_000

// unchangedDiffTimeout bounds the word diff of two versions of a
// statement; a statement of ordinary length takes milliseconds.
const unchangedDiffTimeout = 5 * time.Second

// wordCodes gives each distinct word a rune of its own, so that the
// differ, which works on runes, diffs words.
type wordCodes struct {
	codes  map[string]rune
	byRune map[rune]string
}

// firstCode and lastCode bound the runes given to words: the planes above
// the basic one, which have no surrogates; a text of more distinct words
// than they hold is read up to its last word that has one.
const firstCode, lastCode = 0x10000, 0x10FFFF

func (wc *wordCodes) encode(words []string) string {
	if wc.codes == nil {
		wc.codes, wc.byRune = map[string]rune{}, map[rune]string{}
	}
	var sb strings.Builder
	for _, w := range words {
		r, ok := wc.codes[w]
		if !ok {
			if len(wc.codes) > lastCode-firstCode {
				break
			}
			r = rune(firstCode + len(wc.codes))
			wc.codes[w], wc.byRune[r] = r, w
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// DiffChunk is a run of a readable diff: words kept, added or removed.
type DiffChunk struct {
	Op   string // "=", "+" or "-"
	Text string
}

// Diff is a readable diff of two versions of a statement, word by word
// with the spaces between them kept.
func Diff(prevText, curText string) []DiffChunk {
	a, b := splitKeepSpace(prevText), splitKeepSpace(curText)
	var out []DiffChunk
	var wc wordCodes
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 2 * time.Second // a readable view: past it, a coarser diff
	for _, d := range dmp.DiffCleanupSemantic(dmp.DiffMain(wc.encode(a), wc.encode(b), false)) {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(wc.byRune[r])
		}
		op := map[diffmatchpatch.Operation]string{diffmatchpatch.DiffEqual: "=", diffmatchpatch.DiffInsert: "+", diffmatchpatch.DiffDelete: "-"}[d.Type]
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += sb.String()
			continue
		}
		out = append(out, DiffChunk{Op: op, Text: sb.String()})
	}
	return out
}

// splitKeepSpace cuts a text into words, each with the spaces after it.
func splitKeepSpace(s string) []string {
	var out []string
	start := 0
	inSpace := false
	for i, r := range s {
		sp := unicode.IsSpace(r)
		if !sp && inSpace {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
