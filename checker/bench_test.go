package checker_test

import (
	"os"
	"strings"
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/statement"
)

// statementOfWords builds a statement of about n words from the synthetic
// statements of testdata, so the benchmark reads realistic sentences.
func statementOfWords(b *testing.B, n int) string {
	var parts []string
	for _, f := range []string{"strong.txt", "group.txt", "future_intentions.txt", "weak.txt"} {
		data, err := os.ReadFile("../testdata/statements/" + f)
		if err != nil {
			b.Fatal(err)
		}
		parts = append(parts, string(data))
	}
	all := strings.Join(parts, "\n\n")
	var sb strings.Builder
	for len(strings.Fields(sb.String())) < n {
		sb.WriteString(all)
		sb.WriteString("\n\n")
	}
	words := strings.Fields(sb.String())
	// cut at a paragraph near n words
	text := sb.String()
	cut := strings.Index(text, words[n-1]) + len(words[n-1])
	return text[:cut]
}

// BenchmarkCheck measures statements checked per second for a 1,500-word
// statement; run with -cpu 1 for the one-core figure (target ≥ 1,000/s).
func BenchmarkCheck(b *testing.B) {
	ck := checker.Default()
	text := statement.Text{Body: statementOfWords(b, 1500)}
	b.SetBytes(int64(len(text.Body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ck.Check(text)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "statements/s")
}
