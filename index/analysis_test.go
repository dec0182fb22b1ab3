package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/s54dev/s54/statement"
)

// terms is what the index keeps of a text.
func terms(t *testing.T, text string) []string {
	t.Helper()
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tok := range m.AnalyzerNamed(analyzerName).Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

func TestAnalyzerFoldsAccents(t *testing.T) {
	t.Parallel()
	for _, c := range [][2]string{
		{"Café Row", "Cafe Row"},
		{"NESTLÉ", "nestle"},
		{"Zürich Façade naïve", "zurich facade naive"},
		{"Cafe\u0301", "cafe"}, // a combining accent
		{"Straße Øresund", "strasse oresund"},
		{"ﬁnance", "finance"}, // a ligature from a PDF
	} {
		if got, want := terms(t, c[0]), terms(t, c[1]); !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("%q: %q, want %q as for %q", c[0], got, want, c[1])
		}
	}
	// as before: stemming and stop words
	if got := terms(t, "The workers were trained"); !slices.Equal(got, []string{"worker", "train"}) {
		t.Errorf("stemming and stop words: %q", got)
	}
}

func TestAnalyzerSpellsBritish(t *testing.T) {
	t.Parallel()
	for _, c := range [][2]string{
		{"forced labor", "forced labour"},
		{"laborers", "labourers"},
		{"organization", "organisation"},
		{"organizations", "organisations"},
		{"organizational", "organisational"},
		{"reorganized", "reorganised"},
		{"unrecognized", "unrecognised"},
		{"prioritize", "prioritise"},
		{"minimizing", "minimising"},
		{"underutilized", "underutilised"},
		{"analyze", "analyse"},
		{"program", "programme"},
		{"programs", "programmes"},
		{"center", "centre"},
		{"centered", "centred"},
		{"favorable", "favourable"},
		{"behavior", "behaviour"},
		{"behavioral", "behavioural"},
		{"neighborhood", "neighbourhood"},
		{"honor", "honour"},
		{"color", "colour"},
		{"enroll", "enrol"},
		{"enrollment", "enrolment"},
		{"fulfill", "fulfil"},
		{"fulfillment", "fulfilment"},
		{"judgment", "judgement"},
		{"defense", "defence"},
		{"offense", "offence"},
		{"license", "licence"},
		{"catalog", "catalogue"},
		{"labeling", "labelling"},
		{"traveled", "travelled"},
		{"counselor", "counsellor"},
		{"jewelry", "jewellery"},
		{"fiber", "fibre"},
		{"Labor", "LABOUR"},
	} {
		if got, want := terms(t, c[0]), terms(t, c[1]); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q as for %q", c[0], got, want, c[1])
		}
	}
	// words that look alike but are not pairs stay apart
	for _, c := range [][2]string{
		{"size", "sise"}, {"prize", "prise"}, {"seize", "seise"}, {"laboratory", "labour"},
		{"laborious", "labour"}, {"organ", "organisation"}, {"honorary", "honour"}, {"meter", "metre"},
		{"recent", "recentre"}, {"united", "ited"},
	} {
		if got, other := terms(t, c[0]), terms(t, c[1]); slices.Equal(got, other) {
			t.Errorf("%q and %q are both %q", c[0], c[1], got)
		}
	}
}

// TestMappingVersion: the mapping and the analyser's tables as they were
// when mappingVersion was last raised. A change to them fails here: raise
// mappingVersion (indexes made before are then made again) and record
// the new digest. (A Bleve upgrade may change the mapping's JSON alone:
// then the digest is recorded again under the same version.)
func TestMappingVersion(t *testing.T) {
	t.Parallel()
	digests := map[int]string{
		2: "2e24341bc61790812904e4c03293ae0eb9bce9069c14ccd389b0ccc5a25f8e41",
	}
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write(js)
	words := britishSpellings()
	keys := make([]string, 0, len(words))
	for k := range words {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		h.Write([]byte(k + "=" + words[k] + "\n"))
	}
	h.Write([]byte(strings.Join(prefixes, ",")))
	got := hex.EncodeToString(h.Sum(nil))
	if want := digests[mappingVersion]; got != want {
		t.Errorf("the mapping or the analyser changed (digest %s, version %d was %q): raise mappingVersion and record the digest",
			got, mappingVersion, want)
	}
}

// names are statements whose organisations have accents in their names,
// and others that use the same words.
func names() []Doc {
	filler := strings.Repeat("We sell food and drink in our shops and online across the United Kingdom. ", 5)
	return []Doc{
		{StatementID: 11, CompanyNumber: "02000001", Name: "Café Row Ltd", Region: "humber", Year: 2024, Latest: true,
			Rating: statement.Good, Text: "The Company runs eleven cafés and a bakery. " + filler},
		// the words, even as a phrase, in another's text
		{StatementID: 12, CompanyNumber: "02000002", Name: "Harbour Street Bakeries Ltd", Region: "humber", Year: 2024, Latest: true,
			Rating: statement.Good, Text: "Our bakery on Cafe Row supplies every cafe in the row, cafe by cafe, row by row. " + filler},
		{StatementID: 13, CompanyNumber: "02000003", Name: "Nestlé UK Ltd", Region: "leicestershire", Year: 2024, Latest: true,
			Rating: statement.Strong, Text: "We buy cocoa and coffee. We assess the risk of forced labour and child labour. " + filler},
		{StatementID: 14, CompanyNumber: "02000004", Name: "Northgate Apparel Ltd", Region: "west-mercia", Year: 2024, Latest: true,
			Rating: statement.Minimum, Text: "We buy garments from factories in Leicester and Bangladesh, " +
				"and we prioritize the organization of our supply chain program. " + filler},
		{StatementID: 15, CompanyNumber: "SC000015", Name: "Southgate Apparel Ltd", Region: "west-mercia", Year: 2024, Latest: true,
			Rating: statement.Good, Text: "Our suppliers include Northgate Apparel. Forced labor is a risk in cotton. " + filler},
	}
}

func namesIndex(t *testing.T) *Index {
	t.Helper()
	x, err := Open(filepath.Join(t.TempDir(), Dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	if err := x.Put(names()...); err != nil {
		t.Fatal(err)
	}
	x.SetRegions([]string{"hampshire-iow", "leicestershire", "west-mercia", "humber"})
	return x
}

func TestAccentsInText(t *testing.T) {
	t.Parallel()
	x := namesIndex(t)
	if got := ids(find(t, x, Query{Text: "cafes"})); !sameSet(got, []int64{11, 12}) {
		t.Errorf("cafes: %v, want 11 and 12", got)
	}
	res := find(t, x, Query{Text: "cafés bakery"})
	if got := ids(res); !sameSet(got, []int64{11, 12}) {
		t.Errorf("cafés bakery: %v, want 11 and 12", got)
	}
	// the passage marks the word as written
	for _, h := range res.Hits {
		if h.StatementID == 11 && !strings.Contains(strings.Join(h.Fragments, " "), "<mark>cafés</mark>") {
			t.Errorf("fragments %q", h.Fragments)
		}
	}
}

// TestNames: words are looked for in the name too, and the unaccented name
// finds the accented organisation first, before a statement with the same
// words, even as a phrase, in its text.
func TestNames(t *testing.T) {
	t.Parallel()
	x := namesIndex(t)
	for _, q := range []string{"Cafe Row", "cafe row", "CAFÉ ROW", `"cafe row"`, "Café Row Ltd"} {
		if got := ids(find(t, x, Query{Text: q})); len(got) < 1 || got[0] != 11 {
			t.Errorf("%s: %v, want 11 (Café Row Ltd) first", q, got)
		}
	}
	if got := ids(find(t, x, Query{Text: "Cafe Row"})); !same(got, []int64{11, 12}) {
		t.Errorf("Cafe Row: %v, want [11 12]", got)
	}
	if got := ids(find(t, x, Query{Text: "Nestle"})); !same(got, []int64{13}) {
		t.Errorf("Nestle: %v, want [13]", got)
	}
	// a name's words as a phrase in another's text rank after the name
	if got := ids(find(t, x, Query{Text: "northgate apparel"})); !same(got, []int64{14, 15}) {
		t.Errorf("northgate apparel: %v, want [14 15]", got)
	}
	// stop words alone find nothing, as before
	if got := ids(find(t, x, Query{Text: "the of"})); len(got) != 0 {
		t.Errorf("the of: %v, want nothing", got)
	}
}

func TestSpellingPairs(t *testing.T) {
	t.Parallel()
	x := namesIndex(t)
	for q, want := range map[string][]int64{
		"forced labor":                  {13, 15},
		"forced labour":                 {13, 15},
		`"forced labor"`:                {13, 15},
		`"forced labour"`:               {13, 15},
		`"child labor"`:                 {13},
		"organisation":                  {14},
		`"prioritise the organisation"`: {14},
		"programme":                     {14},
		"labourer":                      {13, 15},
	} {
		if got := ids(find(t, x, Query{Text: q})); !sameSet(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	res := find(t, x, Query{Text: `"forced labour"`})
	for _, h := range res.Hits {
		if h.StatementID == 15 && !strings.Contains(strings.Join(h.Fragments, " "), "<mark>labor</mark>") {
			t.Errorf("fragments %q: the word as written is marked", h.Fragments)
		}
	}
}
