package checker_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/statement"
)

// FuzzCheck: any text, however mangled, gives an assessment whose evidence
// offsets point into the text, without a panic.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("../testdata/statements/*")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(string(data))
		}
	}
	for _, s := range []string{"", "\f\f\n", "2021/22", "Signed:\nA B\nDirector", "• • •", "Approved by the Board on 31 Feb 2024.",
		"FY99", "between 1 January and", "10000000000000000000000 staff were trained", strings.Repeat("a ", 5000)} {
		f.Add(s)
	}
	ck := checker.Default()
	f.Fuzz(func(t *testing.T, body string) {
		a := ck.Check(statement.Text{Body: body})
		if a.Score < 0 || a.Score > 100 {
			t.Fatalf("score %d", a.Score)
		}
		for _, fd := range a.Criteria {
			for _, e := range fd.Evidence {
				if e.Offset < 0 || e.Length < 0 || e.Offset+e.Length > len(body) {
					t.Fatalf("%s: evidence %d+%d outside a %d-byte text", fd.ID, e.Offset, e.Length, len(body))
				}
				if utf8.ValidString(body) && !utf8.ValidString(e.Text) {
					t.Fatalf("%s: evidence is not valid UTF-8", fd.ID)
				}
			}
		}
	})
}
