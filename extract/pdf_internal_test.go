package extract

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestNormalizePDFPage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\ufb01nance and e\ufb03cient", "finance and efficient"},
		{"co\u00adoperation", "cooperation"},
		{"well\u00ad\nbeing", "well-\nbeing"},
		{"a\u00a0b\u2009c\td", "a b c d"},
		{"x\ufffdy\u200bz\x07", "xyz"},
		{"  lead   and trail  \n\n\n\n next", "lead and trail\n\nnext"},
		{"\uf0b7 item", "• item"},
		{"line\r\nbreak\rhere", "line\nbreak\nhere"},
	}
	for _, tt := range tests {
		if got := normalizePDFPage(tt.in); got != tt.want {
			t.Errorf("normalizePDFPage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDehyphenate(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"typeset document", []string{"the princi-\nples of due dili-\ngence and train-\ning for staff"},
			[]string{"the principles\nof due diligence\nand training\nfor staff"}},
		{"compound used elsewhere", []string{"our anti-\nslavery policy and anti-slavery training"},
			[]string{"our anti-\nslavery policy and anti-slavery training"}},
		{"joined word used elsewhere", []string{"our busi-\nness", "business partners"},
			[]string{"our business", "business partners"}},
		{"a lone break keeps its hyphen", []string{"a well-\nknown firm"}, []string{"a well-\nknown firm"}},
		{"capital after the break", []string{"Anti-\nMoney Laundering"}, []string{"Anti-\nMoney Laundering"}},
	}
	for _, tt := range tests {
		got := dehyphenate(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCleanPDFTitle(t *testing.T) {
	if got := cleanPDFTitle("Microsoft Word - MSA statement 2024.docx "); got != "MSA statement 2024.docx" {
		t.Errorf("got %q", got)
	}
}

// TestPDFiumReadsWhatPDFcpuDoes keeps the last fallback tested now that
// pdfcpu serves AES-256 and broken cross-reference tables first.
func TestPDFiumReadsWhatPDFcpuDoes(t *testing.T) {
	if testing.Short() {
		t.Skip("pdfium: slow to start without a compilation cache")
	}
	data, err := os.ReadFile("../testdata/pdf/aes256.pdf")
	if err != nil {
		t.Fatal(err)
	}
	res, copyWalk, err := pdfiumRead(context.Background(), data, true)
	if err != nil {
		t.Fatal(err)
	}
	body := res.Body
	if copyWalk != nil {
		body = copyWalk.result().Body
	}
	if !strings.Contains(body, "Modern Slavery Statement") {
		t.Errorf("pdfium read %q", body)
	}
}
