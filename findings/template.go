package findings

import (
	"cmp"
	"encoding/binary"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"

	minhashlsh "github.com/ekzhu/minhash-lsh"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

// Many statements of small and mid-sized organisations are one
// generator's text with the name changed, or a larger company's statement
// copied word for word. Each statement's text, with organisation names,
// dates, years and figures masked, is cut into shingles of five words and
// summarised by a MinHash signature; locality-sensitive hashing finds the
// statements of other organisations whose shingles overlap, and the share
// of a statement's shingles found in them is estimated from the
// signatures.

const (
	shingleWords = 5
	numHashes    = 128
	// lshThreshold is the Jaccard similarity the index looks for; a
	// template copied with its name changed shares far more.
	lshThreshold = 0.5
	// similarShare: another organisation's statement that holds this much
	// of a statement's text is named among the similar ones.
	similarShare = 0.5
	maxSimilar   = 5
)

// TemplateDoc is a statement version given to the template finder.
type TemplateDoc struct {
	// Key identifies the version (the register's statement id).
	Key           int64
	OrgID         int64
	CompanyNumber string
	Name          string
	Text          string
	// Document names the statement's document (its URL, or its
	// SHA-256): organisations that publish one document are a group
	// under one statement, not copies of each other.
	Document string
}

// Templates finds statements that share most of their text with other
// organisations' statements. Add every version, then Build, then ask.
type Templates struct {
	mu   sync.Mutex
	docs map[int64]*tdoc
	lsh  *minhashlsh.MinhashLSH
}

type tdoc struct {
	TemplateDoc
	sig  []uint64
	size int // distinct shingles
	// group is the statement's group (set by Build, with built):
	// statements of one group are not copies of each other
	group int64
	built bool
}

// NewTemplates returns an empty finder.
func NewTemplates() *Templates {
	return &Templates{docs: map[int64]*tdoc{}, lsh: minhashlsh.NewMinhashLSH32(numHashes, lshThreshold)}
}

// Add reads a version's text; it is safe to call from several goroutines.
// The text itself is not kept.
func (t *Templates) Add(d TemplateDoc) {
	sig, size := signature(d.Text, d.Name)
	if size == 0 {
		return
	}
	td := &tdoc{TemplateDoc: d, sig: sig, size: size}
	td.Text = ""
	t.mu.Lock()
	t.docs[d.Key] = td
	t.lsh.Add(d.Key, td.sig)
	t.mu.Unlock()
}

// signature is the MinHash signature of a text's masked shingles, and
// how many distinct shingles it has.
func signature(text, name string) ([]uint64, int) {
	words := MaskedWords(text, name)
	mh := minhashlsh.NewMinhash(54, numHashes)
	seen := map[uint64]bool{}
	var buf [8]byte
	for i := 0; i+shingleWords <= len(words); i++ {
		h := fnv.New64a()
		for _, w := range words[i : i+shingleWords] {
			h.Write([]byte(w))
			h.Write([]byte{' '})
		}
		s := h.Sum64()
		if seen[s] {
			continue
		}
		seen[s] = true
		binary.LittleEndian.PutUint64(buf[:], s)
		mh.Push(buf[:])
	}
	return mh.Signature(), len(seen)
}

// Shared is the share of a text not in the finder (a draft) found in any
// one statement it holds, names, dates and figures masked; name is the
// draft's organisation, "" when not known. Nothing of the text is kept,
// and nothing is said of which statement holds it. Call after Build.
func (t *Templates) Shared(text, name string) float64 {
	sig, size := signature(text, name)
	if size == 0 {
		return 0
	}
	d := &tdoc{sig: sig, size: size}
	best := 0.0
	for _, k := range t.lsh.Query(sig) {
		if o := t.docs[k.(int64)]; o != nil {
			best = max(best, containment(d, o))
		}
	}
	return round2(best)
}

// Build makes what was added searchable, and joins the statements of one
// group: those of one document, and those of organisations whose names
// begin alike, and so on through each other.
func (t *Templates) Build() {
	t.lsh.Index()
	parent := map[int64]int64{}
	find := func(x int64) int64 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	byKey := map[string]int64{} // a document or a name stem: its first statement
	for k := range t.docs {
		parent[k] = k
	}
	for _, k := range slices.Sorted(maps.Keys(t.docs)) {
		d := t.docs[k]
		for _, key := range []string{"doc " + d.Document, "name " + nameStem(d.Name)} {
			if key == "doc " || key == "name " {
				continue
			}
			if first, ok := byKey[key]; ok {
				parent[find(k)] = find(first)
			} else {
				byKey[key] = k
			}
		}
	}
	for k, d := range t.docs {
		d.group, d.built = find(k), true
	}
}

// Len is the number of versions read.
func (t *Templates) Len() int { return len(t.docs) }

// Find says how much of version key's text is found in other
// organisations' statements (the most found in any one), and names the
// closest; ok is false for a version not added.
func (t *Templates) Find(key int64) (f statement.TemplateFinding, ok bool) {
	d := t.docs[key]
	if d == nil {
		return f, false
	}
	best := map[int64]statement.SimilarStatement{} // by organisation
	for _, k := range t.lsh.Query(d.sig) {
		o := t.docs[k.(int64)]
		if o == nil || o.OrgID == d.OrgID || sameGroup(d, o) {
			continue
		}
		share := containment(d, o)
		if share > best[o.OrgID].Shared {
			best[o.OrgID] = statement.SimilarStatement{CompanyNumber: o.CompanyNumber, Name: o.Name, Shared: round2(share)}
		}
	}
	for _, s := range best {
		f.Shared = max(f.Shared, s.Shared)
		if s.Shared >= similarShare {
			f.Similar = append(f.Similar, s)
		}
	}
	slices.SortFunc(f.Similar, func(a, b statement.SimilarStatement) int {
		return cmp.Or(cmp.Compare(b.Shared, a.Shared), cmp.Compare(a.Name, b.Name))
	})
	return f, true
}

// sameGroup reports whether two statements are one group's, not copies
// (Build joins them).
func sameGroup(a, b *tdoc) bool { return a.built && b.built && a.group == b.group }

// commonNameWords begin many unrelated organisations' names.
var commonNameWords = map[string]bool{"the": true, "north": true, "south": true, "east": true, "west": true,
	"northern": true, "southern": true, "eastern": true, "western": true, "british": true, "united": true,
	"national": true, "global": true, "international": true, "royal": true, "first": true, "new": true,
	"great": true, "city": true, "uk": true, "county": true, "central": true, "premier": true, "general": true}

// nameStem is the distinctive start of an organisation's name: its first
// word, with the second when the first is a common one; "" when the name
// gives none.
func nameStem(name string) string {
	words := strings.FieldsFunc(strings.ToLower(name), notWord)
	if len(words) == 0 {
		return ""
	}
	if commonNameWords[words[0]] {
		if len(words) < 2 || len(words[1]) < 3 {
			return ""
		}
		return words[0] + " " + words[1]
	}
	if len(words[0]) < 3 {
		return ""
	}
	return words[0]
}

// Top cuts a finding's list of similar statements to the closest few.
func Top(f statement.TemplateFinding) statement.TemplateFinding {
	if len(f.Similar) > maxSimilar {
		f.Similar = f.Similar[:maxSimilar]
	}
	return f
}

// containment estimates the share of a's shingles that are in b, from the
// Jaccard similarity of their signatures and their sizes.
func containment(a, b *tdoc) float64 {
	eq := 0
	for i := range a.sig {
		if a.sig[i] == b.sig[i] {
			eq++
		}
	}
	j := float64(eq) / float64(len(a.sig))
	inter := j / (1 + j) * float64(a.size+b.size)
	return min(1, inter/float64(a.size))
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }

// Cluster is a family of statements that share their text.
type Cluster struct {
	Members []TemplateDoc
}

// Clusters groups the versions whose text is mostly shared (at least
// statement.TemplateShare of it) into families, largest first.
func (t *Templates) Clusters() []Cluster {
	parent := map[int64]int64{}
	find := func(x int64) int64 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for k := range t.docs {
		parent[k] = k
	}
	for k, d := range t.docs {
		for _, q := range t.lsh.Query(d.sig) {
			o := t.docs[q.(int64)]
			if o == nil || o.OrgID == d.OrgID || sameGroup(d, o) || containment(d, o) < statement.TemplateShare {
				continue
			}
			parent[find(k)] = find(o.Key)
		}
	}
	groups := map[int64][]TemplateDoc{}
	for k, d := range t.docs {
		r := find(k)
		groups[r] = append(groups[r], d.TemplateDoc)
	}
	var out []Cluster
	for _, g := range groups {
		orgs := map[int64]bool{}
		for _, m := range g {
			orgs[m.OrgID] = true
		}
		if len(orgs) < 2 {
			continue
		}
		slices.SortFunc(g, func(a, b TemplateDoc) int { return cmp.Compare(a.Name, b.Name) })
		out = append(out, Cluster{Members: g})
	}
	slices.SortFunc(out, func(a, b Cluster) int {
		return cmp.Or(cmp.Compare(len(b.Members), len(a.Members)), cmp.Compare(a.Members[0].Name, b.Members[0].Name))
	})
	return out
}

var (
	// companyName: a name with its legal form ("Harrow & Vale Foods Ltd").
	companyName = lazyre.New(`\b[A-Z][\w&'’.-]*(?:\s+(?:&|and|of|[A-Z][\w&'’.-]*)){0,6}\s+(?:Limited|Ltd\.?|LIMITED|LTD|plc|PLC|Plc|LLP|Group|Holdings|Inc\.?)\b`)
	months      = map[string]bool{"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
		"july": true, "august": true, "september": true, "october": true, "november": true, "december": true}
)

// MaskedWords is a text's words, lower-cased, with organisation names
// (name's own words, and names with a legal form), months, years and
// figures masked, so that a template with another name and date reads as
// the same text.
func MaskedWords(text, name string) []string {
	text = companyName().ReplaceAllString(text, " \x00org ")
	own := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), notWord) {
		switch w {
		case "limited", "ltd", "plc", "llp", "group", "the", "and", "of", "uk":
			continue
		}
		own[w] = true
	}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), notWord) {
		switch {
		case w == "\x00org" || own[w]:
			w = "<org>"
		case months[w]:
			w = "<month>"
		case strings.IndexFunc(w, unicode.IsDigit) >= 0:
			w = "<n>"
		}
		if w == "<org>" && len(out) > 0 && out[len(out)-1] == "<org>" {
			continue
		}
		out = append(out, w)
	}
	return out
}

func notWord(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\x00' }
