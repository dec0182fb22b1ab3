package extract

import "strings"

// Some PDFs draw "fi", "ff", "ffi", "fl" and "ffl" as one ligature glyph
// that their font does not map to text, and the text layer reads a space
// where it stood: "human tra cking", "identi ed", "e ective", "the
// nancial year". Eight of the corpus's 221 statements come so; the rules,
// search and the evidence quoted would all miss or misquote the word.
// mendDroppedLigatures puts the letters back where the two pieces make a
// word of the list below and nothing else, so that two real words stay
// apart ("code of conduct" is not "code officonduct").

// ligatureStems are the beginnings of words with a ligature in them that
// statements use. A repair needs the word to begin with one of them, and
// the pieces either side of the gap to hold at least three of the stem's
// letters between them (three after the gap when the piece before it is a
// word of its own, such as "a ected").
var ligatureStems = []string{
	"affect", "affiliat", "afflict", "artific", "benefic", "benefit",
	"certifi", "clarifi", "classifi", "confiden", "confirm", "conflict",
	"defici", "define", "defini", "differ", "difficul", "diversifi", "effect",
	"effici", "effort", "financ", "identifi", "influen", "justifi", "modifi",
	"notifi", "offen", "offer", "office", "offici", "profic", "profil", "profit",
	"qualifi", "quantifi", "reflect", "sacrific", "scientifi", "signific",
	"specifi", "staffing", "suffer", "suffic", "traffick", "verifi", "workflow",
}

// ligatureWordStarts are pieces left where the glyph began the word: none
// is a word of its own.
var ligatureWordStarts = map[string]string{
	"nance": "fi", "nances": "fi", "nancial": "fi", "nancially": "fi",
	"nancing": "fi", "nanced": "fi", "rst": "fi", "rstly": "fi",
	"scal": "fi", "nal": "fi", "nally": "fi", "nalised": "fi",
	"nalized": "fi", "nished": "fi", "ndings": "fi", "eld": "fi",
	"elds": "fi", "gures": "fi",
}

// wordStartLetters are the letters ligatureWordStarts' pieces begin with.
var wordStartLetters = func() (set [26]bool) {
	for piece := range ligatureWordStarts {
		set[piece[0]-'a'] = true
	}
	return set
}()

// ligatureWords are short words that a gap may follow: "code of conduct"
// must not become one word, so after them the stem must reach three
// letters past the gap.
var ligatureWords = map[string]bool{
	"a": true, "an": true, "as": true, "at": true, "be": true, "by": true,
	"of": true, "on": true, "or": true, "to": true, "the": true, "and": true,
	"is": true, "it": true, "we": true,
}

// ligatureRepairs maps a piece before the gap (lower case) to the
// ligatures and the letters the next piece must begin with.
// ligatureGaps[x][y] says whether a repair joins a piece ending in the
// letter x to one beginning with y: most spaces are passed over on it
// alone.
var ligatureRepairs, ligatureGaps = func() (map[string][]ligatureRepair, *[26][26]bool) {
	m := map[string][]ligatureRepair{}
	gaps := new([26][26]bool)
	for _, stem := range ligatureStems {
		for _, lig := range []string{"ffi", "ffl", "ff", "fi", "fl"} {
			for i := 1; i < len(stem); i++ {
				if !strings.HasPrefix(stem[i:], lig) {
					continue
				}
				before, rest := stem[:i], stem[i+len(lig):]
				if len(before)+len(rest) < 3 || ligatureWords[before] && len(rest) < 3 {
					continue
				}
				m[before] = append(m[before], ligatureRepair{lig, rest})
				x := before[len(before)-1] - 'a'
				for y := range gaps[x] {
					if rest == "" || int(rest[0]-'a') == y {
						gaps[x][y] = true
					}
				}
			}
		}
	}
	return m, gaps
}()

type ligatureRepair struct{ lig, next string }

// mendDroppedLigatures is cheap on text that needs nothing: a scan for a
// space with a letter either side, and one map look-up per such word.
func mendDroppedLigatures(s string) string {
	var b strings.Builder
	last, changed := 0, false // s[:last] is written
	var lower [8]byte         // the piece before a gap, in lower case: no stem's is longer
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\n' && i != 0 {
			continue
		}
		start := i + 1 // the word after the space
		if i == 0 && s[0] != ' ' && s[0] != '\n' {
			start = 0
		}
		end := start
		for end < len(s) && isLowerASCII(s[end]) {
			end++
		}
		if end == start || (end < len(s) && isASCIILetter(s[end])) {
			continue
		}
		next := s[start:end]
		// a glyph that began the word: " nancial year"
		if wordStartLetters[next[0]-'a'] && (start == 0 || s[start-1] == ' ' || s[start-1] == '\n') {
			if lig, ok := ligatureWordStarts[next]; ok {
				b.WriteString(s[last:start])
				b.WriteString(lig)
				last, changed = start, true
				continue
			}
		}
		// a glyph inside the word: "identi ed", "Tra cking"
		if s[i] != ' ' || i == 0 {
			continue
		}
		if !isASCIILetter(s[i-1]) || !ligatureGaps[(s[i-1]|0x20)-'a'][next[0]-'a'] {
			continue
		}
		from := i
		for from > 0 && isASCIILetter(s[from-1]) {
			from--
		}
		if from == i || (from > 0 && s[from-1] >= 0x80) {
			continue
		}
		if i-from > len(lower) {
			continue
		}
		for j := from; j < i; j++ {
			lower[j-from] = s[j] | 0x20 // ASCII letters only
		}
		for _, r := range ligatureRepairs[string(lower[:i-from])] {
			if strings.HasPrefix(next, r.next) {
				b.WriteString(s[last:i])
				b.WriteString(r.lig)
				last, changed = i+1, true
				break
			}
		}
	}
	if !changed {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isLowerASCII(c byte) bool  { return 'a' <= c && c <= 'z' }
func isASCIILetter(c byte) bool { return isLowerASCII(c) || 'A' <= c && c <= 'Z' }
