package extract_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/statement"
)

func TestTextGolden(t *testing.T) {
	tests := []struct {
		file  string
		want  []string
		notes int
	}{
		{"utf8-bom-crlf.txt", []string{"Wexcombe Dairies Ltd\nThis statement covers the financial year ending 31 March 2024.", "family farms", "\n\nSigned: Jo Whitlock, Director"}, 0},
		{"utf16le-bom.txt", []string{"Turnover: £38m.\nApproved by the board"}, 0},
		{"utf16be-bom.txt", []string{"Turnover: £38m.\nApproved by the board"}, 0},
		{"windows-1252.txt", []string{"statement – Tilbury", "£41m", "builders’ merchants", "“real living wage”"}, 1},
		{"front-matter.md", []string{"Modern Slavery Statement 2024\n\nKestrel Print Ltd is a commercial printer", "Supplier code of conduct\nWhistleblowing policy\nRecruitment policy", "Measure | 2023\nSuppliers audited | 8", "2024 — signed by Martha Osei, Director."}, 0},
		{"markdown-structure.txt", []string{"Anti-slavery statement\n\nOur business\n\nFenwick Marine", "See our ethics page and supplier terms.", "a one-hour module"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "text", tt.file)
			got, err := extract.File(context.Background(), path, extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkTextContract(t, got.Body)
			for _, s := range tt.want {
				if !strings.Contains(got.Body, s) {
					t.Errorf("body lacks %q:\n%s", s, got.Body)
				}
			}
			if len(got.Notes) != tt.notes {
				t.Errorf("notes = %q, want %d", got.Notes, tt.notes)
			}
			checkGolden(t, path, got)
		})
	}
}

func TestMarkdown(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"headings", "# One #\n## Two\nText", "One\n\nTwo\n\nText"},
		{"emphasis", "**bold**, __strong__, *em*, _em_ and snake_case_name and 2*3*4", "bold, strong, em, em and snake_case_name and 2*3*4"},
		{"links and images", "See [our policy](https://x.example/p.pdf \"Policy\") ![logo](l.png) <https://x.example>", "See our policy https://x.example"},
		{"reference links", "See [the code][1].\n\n[1]: https://x.example/code", "See the code."},
		{"comments", "Before <!-- image --> after\n<!--\nmulti\nline\n-->\nEnd", "Before after\n\nEnd"},
		{"code fence", "```text\nSigned: *A. Person*\n```", "Signed: *A. Person*"},
		{"quote and rule", "> Quoted text\n\n---\n\nNext", "Quoted text\n\nNext"},
		{"html inside", "<h1 class=\"x\">Title</h1>\n<p>Para with <a href=\"#\">link</a>.</p>", "Title\n\nPara with link."},
		{"liquid", "{% include header.html %}\nWe are {{ site.name }}.", "We are {{ site.name }}."},
		{"escapes and entities", `\*not emphasis\* &amp; 5 &lt; 6`, "*not emphasis* & 5 < 6"},
		{"front matter without title", "---\nlayout: page\n---\nBody", "Body"},
		{"a rule is not front matter", "---\n\nBody text", "Body text"},
		{"task list", "- [x] Audit done\n- [ ] Training", "Audit done\nTraining"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extract.Bytes(context.Background(), []byte(tt.in), "t.md", "", extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != statement.FormatMarkdown {
				t.Errorf("format = %q", got.Format)
			}
			checkTextContract(t, got.Body)
			if got.Body != tt.want {
				t.Errorf("body = %q, want %q", got.Body, tt.want)
			}
		})
	}
}

// TestTextContract checks the normalisation every format goes through.
func TestTextContract(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"crlf and cr", "a\r\nb\rc", "a\nb\nc"},
		{"runs of spaces and tabs", "a  \t b\u00a0\u00a0c\u2003d", "a b c d"},
		{"trailing and leading spaces", "  a  \n  b  ", "a\nb"},
		{"blank lines", "a\n\n\n\n\nb\n \n\t\nc", "a\n\nb\n\nc"},
		{"invisible characters", "mod\u00adern sup\u200bply\u200d \ufeffchain\u2060", "modern supply chain"},
		{"ligatures", "\ufb01nancial e\ufb00ective \ufb02ow o\ufb03ce", "financial effective flow office"},
		{"controls", "a\x00b\x07c\x1bd", "abcd"},
		{"form feed and separators", "page one\fpage two\u2028line\u2029para", "page one\npage two\nline\n\npara"},
		{"private use icons", "\uf095 Call us", "Call us"},
		{"invalid utf-8 read as windows-1252", "caf\xe9 \x93quoted\x94 \xa336m", "café “quoted” £36m"},
		{"mixed utf-8 and windows-1252", "£36m and \x9330 days\x94", "£36m and “30 days”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extract.Bytes(context.Background(), []byte(tt.in), "t.txt", "", extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkTextContract(t, got.Body)
			if got.Body != tt.want {
				t.Errorf("body = %q, want %q", got.Body, tt.want)
			}
		})
	}
}

// TestTextCorpus reads the real Markdown statements: the words survive,
// the syntax does not.
func TestTextCorpus(t *testing.T) {
	dir := sharedCorpus(t, "web")
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := extract.Bytes(context.Background(), data, path, "", extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkTextContract(t, got.Body)
			for _, syntax := range []string{"<!--", "](", "**", "\n#", "\n---\n"} {
				if strings.Contains("\n"+got.Body, syntax) {
					t.Errorf("Markdown syntax %q left in the text", syntax)
				}
			}
		})
	}
}
