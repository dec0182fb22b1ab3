package index

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// The analyser of statements' text and organisations' names: Bleve's
// English one (possessives, lower case, stop words, Porter's stemmer) with
// accents folded ("Café" is "cafe") and American spellings made British
// ("labor" is "labour") before the stemmer, at index and at query time.
// Each filter changes a word's term, never its place or its offsets, so
// phrases and highlights work as before.
const (
	analyzerName = "s54_en"
	foldName     = "s54_fold"
	britishName  = "s54_british"
)

func init() {
	for name, f := range map[string]analysis.TokenFilter{foldName: foldFilter{}, britishName: britishFilter{}} {
		err := registry.RegisterTokenFilter(name, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return f, nil
		})
		if err != nil {
			panic(err)
		}
	}
}

// addAnalyzer defines the analyser in the mapping, where Bleve keeps it
// with the index.
func addAnalyzer(m *mapping.IndexMappingImpl) error {
	return m.AddCustomAnalyzer(analyzerName, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicodetok.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, foldName, en.StopName, britishName, porter.Name},
	})
}

// foldFilter takes the accents off letters (é is e, ø is o, ß is ss) and
// spells ligatures out (ﬁ is fi), with the table of Lucene's ASCII folding
// filter; combining marks left over (an e followed by U+0301) go.
type foldFilter struct{}

var asciiFold = asciifolding.New()

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if isASCII(t.Term) {
			continue
		}
		folded := asciiFold.Filter(t.Term)
		if !isASCII(folded) {
			folded = dropMarks(folded)
		}
		t.Term = folded
	}
	return in
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func dropMarks(b []byte) []byte {
	out := b[:0:0]
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !unicode.Is(unicode.Mn, r) {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// britishFilter spells American words the British way (see spelling.go),
// so that "forced labor" finds "forced labour" and the reverse.
type britishFilter struct{}

var britishWords = sync.OnceValue(britishSpellings)

func (britishFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	words := britishWords()
	for _, t := range in {
		if br, ok := british(words, t.Term); ok {
			t.Term = []byte(br)
		}
	}
	return in
}
