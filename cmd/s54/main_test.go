package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"github.com/s54dev/s54/statement"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s54dev/s54/internal/leakcheck"
)

// TestMain runs the crawl TestCrawlKilled kills, when it is that child,
// else the tests, which must leave no goroutine behind.
func TestMain(m *testing.M) {
	crawlChild()
	leakcheck.Main(m)
}

// run calls Main as the shell would and returns exit code, stdout, stderr.
// The test process lives on, so documents are parsed in children.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(stdin), &out, &errb, false)
	return code, out.String(), errb.String()
}

// runOn is run for s54 crawl on the fake web: hosts map its sites to
// loopback.
func runOn(t *testing.T, hosts map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &globals{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, hosts: hosts}
	code := g.main(context.Background(), args)
	return code, out.String(), errb.String()
}

const sample = "../../testdata/statements/"

func TestCheckExitCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"minimum met", []string{"check", sample + "strong.txt"}, exitOK},
		{"below minimum", []string{"check", sample + "weak.txt"}, exitBelowMinimum},
		{"not a statement", []string{"check", "../../testdata/nonstatements/carbon_reduction_plan.txt"}, exitBelowMinimum},
		{"missing file", []string{"check", "no-such-file.pdf"}, exitUnreadable},
		{"no args", []string{"check"}, exitUsage},
		{"bad flag", []string{"check", "--no-such-flag", sample + "strong.txt"}, exitUsage},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"worst of several: unreadable beats below minimum", []string{"check", sample + "weak.txt", "no-such-file.txt", sample + "strong.txt"}, exitUnreadable},
		{"worst of several: below minimum", []string{"check", sample + "strong.txt", sample + "weak.txt"}, exitBelowMinimum},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tc.args...)
			if code != tc.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.want, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace on stderr: %s", stderr)
			}
		})
	}
}

// TestCheckNotAStatement: a document that is not a statement has null
// rating and score, says why, and exits 3.
func TestCheckNotAStatement(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "", "check", "--json", "../../testdata/nonstatements/privacy_notice.html")
	if code != exitBelowMinimum {
		t.Errorf("exit %d, want %d", code, exitBelowMinimum)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	reason, _ := got["not_statement_reason"].(map[string]any)
	if got["is_statement"] != false || got["rating"] != nil || got["score"] != nil || reason["kind"] != "privacy_notice" {
		t.Errorf("got %v", got)
	}
	_, human, _ := run(t, "", "check", "../../testdata/nonstatements/privacy_notice.html")
	if !strings.Contains(human, "Not a statement (privacy notice): no rating and no score.") || strings.Contains(human, "Rating:") {
		t.Errorf("human output:\n%s", human)
	}
}

func TestCheckHumanOutput(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "", "check", sample+"future_intentions.txt")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"Rating: MINIMUM",
		"Signed by: Thomas Whitcombe, Managing Director",
		"[partial] training",
		"Only intentions or plans found",
		"What to do: Train the people",
		"[MISSING] policies",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestCheckJSONShape pins the --json fields of DESIGN.md.
func TestCheckJSONShape(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "", "check", "--json", sample+"strong.txt", sample+"weak.txt")
	if code != exitBelowMinimum {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one JSON object per input, got %d lines", len(lines))
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"source", "format", "words", "period", "signed_by", "approved", "score", "rating", "criteria"} {
		if _, ok := a[k]; !ok {
			t.Errorf("missing field %q", k)
		}
	}
	period := a["period"].(map[string]any)
	if period["start"] != "2024-04-01" || period["end"] != "2025-03-31" {
		t.Errorf("period %v", period)
	}
	signed := a["signed_by"].(map[string]any)
	if signed["name"] != "Priya Natarajan" || signed["role"] != "Chief Executive Officer" || signed["date"] != "2025-07-18" {
		t.Errorf("signed_by %v", signed)
	}
	if ap := a["approved"].(map[string]any); ap["date"] != "2025-07-18" || !strings.Contains(ap["by"].(string), "Board of Directors") {
		t.Errorf("approved %v", ap)
	}
	crit := a["criteria"].([]any)
	first := crit[0].(map[string]any)
	for _, k := range []string{"id", "title", "ref", "status", "evidence"} {
		if _, ok := first[k]; !ok {
			t.Errorf("criterion lacks %q", k)
		}
	}
	ev := first["evidence"].([]any)[0].(map[string]any)
	if _, ok := ev["offset"]; !ok || ev["text"] == "" {
		t.Errorf("evidence %v", ev)
	}
	var w map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &w); err != nil {
		t.Fatal(err)
	}
	if w["period"] != nil || w["signed_by"] != nil || w["rating"] != "below_minimum" {
		t.Errorf("weak: period %v signed_by %v rating %v", w["period"], w["signed_by"], w["rating"])
	}
}

func TestCheckStdinAndFolder(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile(sample + "strong.txt")
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, string(body), "check", "--json", "-")
	if code != exitOK || !strings.Contains(out, `"source":"stdin"`) {
		t.Errorf("stdin: exit %d out %.200s", code, out)
	}
	code, out, _ = run(t, "", "check", "--json", sample)
	n := strings.Count(strings.TrimSpace(out), "\n") + 1
	files, _ := filepath.Glob(sample + "*")
	if n != len(files) {
		t.Errorf("folder: %d results for %d files", n, len(files))
	}
	if code != exitBelowMinimum {
		t.Errorf("folder: exit %d, want %d (weak and boilerplate are below minimum)", code, exitBelowMinimum)
	}
}

// TestCheckBadInput: every bad input gives exit 1 and one clear line.
func TestCheckBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(i*7919 + i/3)
	}
	big := filepath.Join(dir, "huge.pdf")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(200 << 20); err != nil { // sparse: no 200 MB written
		t.Fatal(err)
	}
	f.Close()
	// a DOCX whose document.xml unpacks to 20 MB of spaces, checked with a
	// 1 MB limit
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 20 {
		w.Write(chunk)
	}
	zw.Close()
	cases := map[string]string{
		"zip bomb":      write("bomb.docx", bomb.Bytes()),
		"encrypted pdf": "../../testdata/pdf/aes256-user.pdf",
		"empty":         write("empty.txt", nil),
		"random bytes":  write("random.bin", random),
		"truncated pdf": write("cut.pdf", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa")),
		"200 MB file":   big,
		"not a docx":    write("fake.docx", []byte("PK\x03\x04 this is not really a zip")),
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := run(t, "", "check", "--max-mb", "1", path)
			if code != exitUnreadable {
				t.Errorf("exit %d, want 1 (stdout %q, stderr %q)", code, out, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "s54: ") {
				t.Errorf("want one error line, got %q", stderr)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	page := `<!doctype html><html><head><title>Modern slavery statement</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main><h1>Modern Slavery Statement 2024/25</h1>
<p>This statement covers the financial year ending 31 March 2025.</p>
<p>This statement was approved by the Board of Directors on 1 July 2025.</p>
<p>Signed: Hannah Okafor, Managing Director</p></main>
<footer>© Example Ltd</footer></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer srv.Close()

	code, out, stderr := run(t, "", "check", "--json", "--allow-private", srv.URL+"/msa")
	if code != exitOK {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	if !strings.Contains(out, `"rating":"minimum"`) || !strings.Contains(out, "Hannah Okafor") {
		t.Errorf("unexpected result: %s", out)
	}
	// Without --allow-private the loopback address is refused: the check
	// cannot be turned against internal services.
	code, _, stderr = run(t, "", "check", srv.URL+"/msa")
	if code != exitUnreadable || !strings.Contains(stderr, "private or internal address") {
		t.Errorf("loopback without --allow-private: exit %d stderr %q", code, stderr)
	}
}

func TestExtractAndRules(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "", "extract", sample+"llp.md")
	if code != exitOK || !strings.Contains(out, "Carrow & Finch LLP") || strings.Contains(out, "**") {
		t.Errorf("extract: exit %d out %.300q", code, out)
	}
	code, out, _ = run(t, "", "rules")
	if code != exitOK {
		t.Fatalf("rules: exit %d", code)
	}
	for _, id := range []string{"approval", "signature", "period", "structure", "policies", "due_diligence", "risk", "effectiveness", "training", "homepage_link", "timely", "current"} {
		if !strings.Contains(out, id) {
			t.Errorf("rules lacks %s", id)
		}
	}
	// another rule set with --rules
	code, _, stderr := run(t, "", "--rules", t.TempDir(), "rules")
	if code != exitUnreadable || !strings.Contains(stderr, "no .yaml rule files") {
		t.Errorf("--rules empty dir: exit %d stderr %q", code, stderr)
	}
}

// TestRulesProfile: an exported and edited rule set changes the verdict —
// here a stricter profile that needs three evidence sentences for training.
func TestRulesProfile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "strict")
	if code, _, stderr := run(t, "", "rules", "--export", dir); code != exitOK {
		t.Fatalf("export: %d %s", code, stderr)
	}
	p := filepath.Join(dir, "training.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), "weight: 10\n", "weight: 10\nmet: 3\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, def, _ := run(t, "", "check", "--json", sample+"llp.md")
	_, strict, _ := run(t, "", "--rules", dir, "check", "--json", sample+"llp.md")
	if !strings.Contains(def, `"id":"training","title":"Training on slavery and trafficking","ref":"s.54(5)(f)","status":"met"`) {
		t.Fatalf("default rules: training not met: %s", def)
	}
	if !strings.Contains(strict, `"id":"training","title":"Training on slavery and trafficking","ref":"s.54(5)(f)","status":"partial"`) {
		t.Errorf("strict rules: training should be partial: %s", strict)
	}
}

// TestOneShotPDF runs the path the s54 binary takes for one document: the
// PDF parsed in this process, at the same limits.
func TestOneShotPDF(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"check", "--json", "../../testdata/pdf/aes128.pdf"}, strings.NewReader(""), &out, &errb, true)
	if code != exitBelowMinimum && code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"format":"pdf"`) || !strings.Contains(out.String(), `"approved":{"by":"the board"`) {
		t.Errorf("output %.300s", out.String())
	}
	code = Main(context.Background(), []string{"extract", "../../testdata/pdf/aes256-user.pdf"}, strings.NewReader(""), &out, &errb, true)
	if code != exitUnreadable || !strings.Contains(errb.String(), "password") {
		t.Errorf("password-protected PDF in process: exit %d, stderr %q", code, errb.String())
	}
}

// TestEvidencePlace: evidence is placed as a reader looks for it: the
// page of a PDF, the line of a text file (in the file as written, blank
// lines and all), the paragraph of a web page.
func TestEvidencePlace(t *testing.T) {
	code, out, _ := run(t, "", "check", "../../testdata/statements/strong.txt")
	if code != 0 || !strings.Contains(out, "on 18 July 2025.” (line 25)") || strings.Contains(out, "at byte") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	pdf := statement.Text{Format: statement.FormatPDF, Body: "Page one text.\fPage two text.\fThe board approved it."}
	if got := evidencePlace(pdf, nil)(strings.Index(pdf.Body, "The board")); got != "page 3" {
		t.Errorf("PDF: %s, want page 3", got)
	}
	txt := statement.Text{Format: statement.FormatText, Body: "Title\n\nSigned: Ann Lee, Director"}
	original := []byte("\n\n\nTitle\n\n\n\nSigned: Ann Lee, Director\n")
	if got := evidencePlace(txt, original)(strings.Index(txt.Body, "Signed")); got != "line 8" {
		t.Errorf("text: %s, want line 8 of the file", got)
	}
	html := statement.Text{Format: statement.FormatHTML, Body: "Heading\n\nFirst paragraph.\n\nSecond paragraph."}
	if got := evidencePlace(html, nil)(strings.Index(html.Body, "Second")); got != "paragraph 3" {
		t.Errorf("HTML: %s, want paragraph 3", got)
	}
}
