package checker

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/s54dev/s54/rules"
)

// token is a lower-cased word of the text with its byte offsets.
type token struct {
	word       string
	start, end int
	// glued: cut out of a token whose words had lost their spaces
	glued bool
}

// tokenize splits s into lower-cased words of letters and digits. Offsets
// are relative to base. Apostrophes inside a word are dropped ("company's"
// gives "companys"), so terms are written without them.
func tokenize(s string, base int, dst []token) []token {
	// Most words are lower-case ASCII already: they are sliced from s
	// without a copy; only the others are built in buf.
	var buf []byte
	start, copied := -1, false
	flush := func(end int) {
		if start >= 0 {
			w := s[start:end]
			if copied {
				w = string(buf)
			}
			dst = append(dst, token{word: w, start: base + start, end: base + end})
			start, copied, buf = -1, false, buf[:0]
		}
	}
	// begin starts a word at i, or switches to copying when the word so far
	// could be sliced but the next rune changes it.
	copyFrom := func(i int) {
		if !copied {
			buf = append(buf[:0], s[start:i]...)
			copied = true
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				if start >= 0 && '0' <= c && c <= '9' && isLetterASCII(s[i-1]) {
					flush(i) // "year2021", "December2021": a lost space
				}
				if start < 0 {
					start = i
				}
				if copied {
					buf = append(buf, c)
				}
			case 'A' <= c && c <= 'Z':
				if start >= 0 && ('a' <= s[i-1] && s[i-1] <= 'z' || '0' <= s[i-1] && s[i-1] <= '9') {
					flush(i) // "FieldChief", "2022Approved": words glued by a lost space
				}
				if start < 0 {
					start = i
				}
				copyFrom(i)
				buf = append(buf, c+'a'-'A')
			case c == '\'' && start >= 0:
				copyFrom(i) // "company's" is "companys"
			default:
				flush(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '’' && start >= 0:
			copyFrom(i)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			copyFrom(i)
			buf = append(buf, foldRune(r)...)
		default:
			flush(i)
		}
		i += size
	}
	flush(len(s))
	return dst
}

func isLetterASCII(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// foldRune lower-cases and undoes ligatures and accents, so that
// "Mondelēz" and "ﬁnancial" match "mondelez" and "financial".
func foldRune(r rune) string {
	switch r {
	case 'ﬁ':
		return "fi"
	case 'ﬂ':
		return "fl"
	case 'ﬀ':
		return "ff"
	case 'ﬃ':
		return "ffi"
	case 'ﬄ':
		return "ffl"
	}
	r = unicode.ToLower(r)
	d := norm.NFD.String(string(r))
	if len(d) > 1 {
		var b strings.Builder
		for _, c := range d {
			if !unicode.Is(unicode.Mn, c) {
				b.WriteRune(c)
			}
		}
		return b.String()
	}
	return d
}

// termDef is one compiled term: a sequence of words, each matched exactly
// or as a prefix.
type termDef struct {
	words  []string
	prefix []bool
	groups []int
}

// matcher finds, for a run of tokens, which term groups occur in it.
type matcher struct {
	// numberGroups and yearGroups hold the groups of the special terms
	// "<number>" (a word that starts with a digit) and "<year>" (1900–2099).
	numberGroups, yearGroups []int
	// percentGroups hold the groups of "<percent>": a number followed by
	// "%" or "per cent".
	percentGroups []int
	terms         []termDef
	exact         map[string][]int
	prefix        map[string][]int
	prefixLens    []int
	groups        int
	byKey         map[string]int // term text → index, to share terms between groups
}

func newMatcher() *matcher {
	return &matcher{exact: map[string][]int{}, prefix: map[string][]int{}, byKey: map[string]int{}}
}

// addGroup registers a group of terms and returns its id.
func (m *matcher) addGroup(terms []string) int {
	g := m.groups
	m.groups++
	for _, t := range terms {
		m.addTerm(t, g)
	}
	return g
}

func (m *matcher) addTerm(t string, group int) {
	switch t {
	case "<number>":
		m.numberGroups = append(m.numberGroups, group)
		return
	case "<year>":
		m.yearGroups = append(m.yearGroups, group)
		return
	case "<percent>":
		m.percentGroups = append(m.percentGroups, group)
		return
	}
	if i, ok := m.byKey[t]; ok {
		m.terms[i].groups = append(m.terms[i].groups, group)
		return
	}
	var def termDef
	for _, w := range strings.Fields(t) {
		pre := strings.HasSuffix(w, "*")
		w = strings.TrimSuffix(w, "*")
		for _, tok := range tokenize(w, 0, nil) {
			def.words = append(def.words, tok.word)
			def.prefix = append(def.prefix, false)
		}
		if pre && len(def.prefix) > 0 {
			def.prefix[len(def.prefix)-1] = true
		}
	}
	if len(def.words) == 0 {
		return
	}
	def.groups = []int{group}
	i := len(m.terms)
	m.terms = append(m.terms, def)
	m.byKey[t] = i
	first := def.words[0]
	if def.prefix[0] {
		m.prefix[first] = append(m.prefix[first], i)
		n := len(first)
		found := false
		for _, l := range m.prefixLens {
			found = found || l == n
		}
		if !found {
			m.prefixLens = append(m.prefixLens, n)
		}
	} else {
		m.exact[first] = append(m.exact[first], i)
	}
}

// bitset is a set of group ids.
type bitset []uint64

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return i >= 0 && b[i/64]&(1<<(i%64)) != 0 }

// hit is where one term of a group occurs.
type hit struct {
	group    int
	tok, end int // token range of the term
}

// scan marks in set the groups whose terms occur in toks, and appends the
// hits (for proximity tests) to hits.
func (m *matcher) scan(body string, toks []token, set bitset, hits []hit, memo map[string][]int32) []hit {
	for i := range toks {
		w := toks[i].word
		if w[0] >= '0' && w[0] <= '9' {
			if len(m.percentGroups) > 0 && isPercent(body, toks, i) {
				for _, g := range m.percentGroups {
					set.set(g)
					hits = append(hits, hit{g, i, i + 1})
				}
			}
			for _, g := range m.numberGroups {
				set.set(g)
				hits = append(hits, hit{g, i, i + 1})
			}
			if len(w) == 4 && (w[:2] == "19" || w[:2] == "20") {
				for _, g := range m.yearGroups {
					set.set(g)
					hits = append(hits, hit{g, i, i + 1})
				}
			}
		}
		cands, ok := memo[w]
		if !ok {
			cands = m.candidates(w)
			if len(memo) < maxMemo { // text of random tokens must not grow it without end
				memo[w] = cands
			}
		}
		for _, ti := range cands {
			if m.matchAt(int(ti), toks, i) {
				t := &m.terms[ti]
				for _, g := range t.groups {
					set.set(g)
					hits = append(hits, hit{g, i, i + len(t.words)})
				}
			}
		}
	}
	return hits
}

// maxMemo bounds the words scan remembers; a real statement has a few
// thousand different words.
const maxMemo = 20000

// candidates returns the terms whose first word matches w, exactly or as
// a prefix. Documents repeat their words, so scan remembers the answer.
func (m *matcher) candidates(w string) []int32 {
	var out []int32
	for _, ti := range m.exact[w] {
		out = append(out, int32(ti))
	}
	for _, n := range m.prefixLens {
		if len(w) < n {
			continue
		}
		for _, ti := range m.prefix[w[:n]] {
			out = append(out, int32(ti))
		}
	}
	return out
}

// isPercent reports whether number token i is followed by "%" or by the
// words "per cent" / "percent".
func isPercent(body string, toks []token, i int) bool {
	e := toks[i].end
	for e < len(body) && body[e] == ' ' {
		e++
	}
	if e < len(body) && body[e] == '%' {
		return true
	}
	return i+1 < len(toks) && (toks[i+1].word == "percent" || toks[i+1].word == "per" && i+2 < len(toks) && toks[i+2].word == "cent")
}

func (m *matcher) matchAt(ti int, toks []token, i int) bool {
	t := &m.terms[ti]
	if i+len(t.words) > len(toks) {
		return false
	}
	for k, w := range t.words {
		tw := toks[i+k].word
		if t.prefix[k] {
			if !strings.HasPrefix(tw, w) {
				return false
			}
		} else if tw != w {
			return false
		}
	}
	return true
}

// compiledPattern is a rules.Pattern with its groups registered.
type compiledPattern struct {
	src     *rules.Pattern
	all     []int
	heading int // -1 when none
	// headingNone: terms of a heading that disqualify; -1 when none
	headingNone int
	none        int // -1 when none
	near        int // -1 when none
	seq         []int
}

func compilePattern(m *matcher, set *rules.Set, p *rules.Pattern) compiledPattern {
	cp := compiledPattern{src: p, heading: -1, headingNone: -1, none: -1, near: -1}
	for _, g := range p.All {
		cp.all = append(cp.all, m.addGroup(set.Expand(g)))
	}
	if len(p.Heading) > 0 {
		cp.heading = m.addGroup(set.Expand(p.Heading))
	}
	if len(p.HeadingNone) > 0 {
		cp.headingNone = m.addGroup(set.Expand(p.HeadingNone))
	}
	if len(p.None) > 0 {
		cp.none = m.addGroup(set.Expand(p.None))
	}
	if len(p.Near) > 0 {
		cp.near = m.addGroup(set.Expand(p.Near))
	}
	for _, g := range p.Sequence {
		cp.seq = append(cp.seq, m.addGroup(set.Expand(g)))
	}
	return cp
}

// matches reports whether a sentence with groups sent, under a heading with
// groups head (nil when none), meets the pattern's term conditions.
func (cp *compiledPattern) matches(sent, head bitset) bool {
	if cp.none >= 0 && sent.has(cp.none) {
		return false
	}
	for _, g := range cp.all {
		if !sent.has(g) {
			return false
		}
	}
	if cp.heading >= 0 && (head == nil || !head.has(cp.heading)) {
		return false
	}
	if cp.headingNone >= 0 && head != nil && head.has(cp.headingNone) {
		return false
	}
	for _, g := range cp.seq {
		if !sent.has(g) {
			return false
		}
	}
	return true
}

// sequenceMatches reports whether the pattern's sequence groups occur in
// order in hits, each within the pattern's gap of the one before.
func (cp *compiledPattern) sequenceMatches(hits []hit) bool {
	if len(cp.seq) == 0 {
		return true
	}
	var try func(k, after int) bool
	try = func(k, after int) bool {
		if k == len(cp.seq) {
			return true
		}
		for _, h := range hits {
			if h.group != cp.seq[k] {
				continue
			}
			if k > 0 && (h.tok < after || h.tok-after > cp.src.Gap) {
				continue
			}
			if try(k+1, h.end) {
				return true
			}
		}
		return false
	}
	return try(0, 0)
}
