package checker

import (
	"strings"

	"github.com/s54dev/s54/rules"
)

// Some extractions lose every space: "Thisstatementhasbeenapprovedbythe
// Boardofdirectors". No rule can read such text, so tokens far longer than
// words are cut into the words they are made of: the document's own words
// (from its parts that kept their spaces), the rule set's terms and the
// commonest English words. Unknown runs stay whole. Offsets remain those
// of the text, so evidence still points at it.

// gluedLetters: a token this long that is not a known word is glued.
const gluedLetters = 18

// maxPieceLetters bounds the words looked for inside a glued token.
const maxPieceLetters = 20

// commonWords are the function words and commonest words of statements,
// which the rules do not list and a glued text may not show apart.
var commonWords = strings.Fields(`a an the and or of to in on at by for from with as is are was were be been being has have had
this that these those it its our we us their they them he she his her which who whom what when where how all any each every
not no nor but if than then there here also such other more most some many much into within across through during before
after under over about between both only same so very can could will would should may might must shall do does did done
statement statements modern slavery human trafficking board directors director approved approval signed year financial
ending ended ends end business supply chain chains supplier suppliers policy policies training trained staff employees
risk risks due diligence company group ltd limited plc steps taken take act section`)

// glueVocab is the words known before a document's own are added: the
// common words and every word of the rule set's terms (a term's stem for
// "train*").
func glueVocab(set *rules.Set) map[string]bool {
	v := map[string]bool{}
	add := func(t string) {
		for _, w := range strings.Fields(strings.ToLower(t)) {
			w = strings.TrimSuffix(w, "*")
			if len(w) >= 2 && !strings.ContainsAny(w, "<>@") {
				v[w] = true
			}
		}
	}
	for _, w := range commonWords {
		v[w] = true
	}
	for _, list := range set.Lexicon {
		for _, t := range set.Expand(list) {
			add(t)
		}
	}
	for i := range set.Criteria {
		for _, p := range set.Criteria[i].Patterns {
			for _, g := range p.All {
				for _, t := range set.Expand(g) {
					add(t)
				}
			}
			for _, g := range p.Sequence {
				for _, t := range set.Expand(g) {
					add(t)
				}
			}
		}
	}
	return v
}

// unglue returns toks with glued tokens cut into words, or toks itself
// when none is. A token of gluedLetters or more is cut into the known
// words in it, unknown letters left together; a shorter one ("boardof")
// only when known words cover it whole.
func (c *Checker) unglue(toks []token, spans []span, tokOf [][2]int) []token {
	glued := false
	for _, t := range toks {
		if len(t.word) >= gluedLetters && !c.glueVocab[t.word] {
			glued = true
			break
		}
	}
	if !glued {
		return toks
	}
	// the document's own words, from its sentences that kept their spaces
	own := map[string]bool{}
	for i := range spans {
		ts := toks[tokOf[i][0]:tokOf[i][1]]
		letters := 0
		for _, t := range ts {
			letters += len(t.word)
		}
		if len(ts) == 0 || letters/len(ts) > 8 {
			continue
		}
		for _, t := range ts {
			if n := len(t.word); n >= 3 && n < gluedLetters {
				own[t.word] = true
			}
		}
	}
	known := func(w string) bool { return c.glueVocab[w] || own[w] }
	out := make([]token, 0, len(toks)+len(toks)/4)
	for _, t := range toks {
		n := len(t.word)
		if n < 5 || known(t.word) || n != t.end-t.start || !isLowerASCIIWord(t.word) {
			out = append(out, t)
			continue
		}
		pieces := splitGlued(t, known)
		if n < gluedLetters && (len(pieces) < 2 || !allKnown(pieces, known)) {
			out = append(out, t)
			continue
		}
		out = append(out, pieces...)
	}
	return out
}

func allKnown(ts []token, known func(string) bool) bool {
	for _, t := range ts {
		if !known(t.word) && t.word != "a" {
			return false
		}
	}
	return true
}

// splitGlued cuts a token into the known words that cover most of it,
// longer words preferred; unknown letters between them stay together.
func splitGlued(t token, known func(string) bool) []token {
	w := t.word
	n := len(w)
	// best[i]: the best score for w[:i]; from[i]: where its last piece
	// starts; word[i]: whether that piece is a known word
	best := make([]int, n+1)
	from := make([]int, n+1)
	word := make([]bool, n+1)
	for i := 1; i <= n; i++ {
		best[i], from[i] = best[i-1]-1, i-1 // an unknown letter
		for j := max(0, i-maxPieceLetters); j < i; j++ {
			if p := w[j:i]; (len(p) >= 2 || p == "a") && known(p) {
				if s := best[j] + len(p)*len(p); s > best[i] {
					best[i], from[i], word[i] = s, j, true
				}
			}
		}
	}
	var pieces []gluePiece // last first
	for i := n; i > 0; {
		j := from[i]
		if !word[i] && len(pieces) > 0 && !pieces[len(pieces)-1].known {
			pieces[len(pieces)-1].start = j // the unknown run grows
		} else {
			pieces = append(pieces, gluePiece{start: j, end: i, known: word[i]})
		}
		i = j
	}
	out := make([]token, 0, len(pieces))
	for k := len(pieces) - 1; k >= 0; k-- {
		p := pieces[k]
		out = append(out, token{word: w[p.start:p.end], start: t.start + p.start, end: t.start + p.end, glued: true})
	}
	return out
}

type gluePiece struct {
	start, end int
	known      bool
}

func isLowerASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
