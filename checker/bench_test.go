package checker_test

import (
	"os"
	"path/filepath"
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

// BenchmarkCheckCorpus checks every real statement of ../shared/corpus and
// reports the rate in 1,500-word statements per second, so the synthetic
// figure above can be compared with real layout noise. Skips when the
// corpus is absent.
func BenchmarkCheckCorpus(b *testing.B) {
	files, _ := filepath.Glob("../../shared/corpus/statements/*.txt")
	if len(files) == 0 {
		b.Skip("../shared/corpus is absent")
	}
	var texts []statement.Text
	words := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, statement.Text{Body: string(data)})
		words += len(strings.Fields(string(data)))
	}
	ck := checker.Default()
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			ck.Check(t)
		}
	}
	perSec := float64(b.N) * float64(words) / b.Elapsed().Seconds()
	b.ReportMetric(perSec, "words/s")
	b.ReportMetric(perSec/1500, "1500-word-statements/s")
}

// BenchmarkCheckPathological runs texts built to hit the checker's worst
// cases (a role word repeated, names on every line, endless bullets or
// dates). Each is ~0.3 MB; time should stay proportional to length.
func BenchmarkCheckPathological(b *testing.B) {
	ck := checker.Default()
	for name, s := range map[string]string{
		"roles":   strings.Repeat("Director. ", 30000),
		"names":   strings.Repeat("John Smith Director\n", 15000),
		"numbers": strings.Repeat("10 staff were trained 10 staff ", 10000),
		"years":   strings.Repeat("2021/22 ", 40000),
		"bullets": strings.Repeat("• ", 100000),
		"dates":   strings.Repeat("1 January 2020 to ", 18000),
		"lines":   strings.Repeat("A\n", 150000),
	} {
		b.Run(name, func(b *testing.B) {
			text := statement.Text{Body: s}
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				ck.Check(text)
			}
		})
	}
}
