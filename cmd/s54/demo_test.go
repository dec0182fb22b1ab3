package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
)

// syncBuffer is a buffer the demo writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemo runs s54 demo end to end: the sample web crawled into a new
// data directory, every sample site with its expected outcome, this
// month's report written; then a second run that keeps the data and
// serves at once, where the demo login opens the register.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo crawls the whole sample web twice")
	}
	data := t.TempDir()
	// the report is this month's when the demo writes it: the month
	// before the run or, had it passed into the next meanwhile, after
	thisMonth := func() string { return time.Now().In(report.London).Format("2006-01") }
	before := thisMonth()
	code, stdout, stderr := run(t, "", "--data", data, "demo", "--no-serve", "--fetch-timeout", "15s")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "Crawling") {
		t.Errorf("the first run did not crawl:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(data, "reports", before, "report.html")); err != nil {
		if _, err2 := os.Stat(filepath.Join(data, "reports", thisMonth(), "report.html")); err2 != nil {
			t.Errorf("report: %v", err)
		}
	}
	code, stdout, _ = run(t, "", "--data", data, "register", "--json")
	var entries []struct {
		Number string                   `json:"company_number"`
		Status statement.RegisterStatus `json:"status"`
		Region string                   `json:"region"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &entries) != nil {
		t.Fatalf("register: exit %d", code)
	}
	sites, err := demoWeb(12)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(sites.Sites) || len(entries) < 25 {
		t.Fatalf("%d organisations for %d sample sites (want 25 or more)", len(entries), len(sites.Sites))
	}
	want := map[string]statement.RegisterStatus{}
	for _, s := range sites.Sites {
		want[s.CompanyNumber] = s.Expect.Outcome
	}
	regions := map[string]bool{}
	for _, e := range entries {
		if !sameStatus(e.Status, want[e.Number]) {
			t.Errorf("%s: %s, want %s", e.Number, e.Status, want[e.Number])
		}
		regions[e.Region] = true
	}
	for _, r := range []string{"hampshire-iow", "leicestershire", "west-mercia", "humber"} {
		if !regions[r] {
			t.Errorf("no sample organisation in %s", r)
		}
	}

	// the second run keeps the data and serves at once
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"--data", data, "demo", "--addr", "127.0.0.1:0", "--generated", "12", "--fetch-timeout", "15s"}, strings.NewReader(""), out, io.Discard, false)
	}()
	ready := regexp.MustCompile(`open http://(127\.0\.0\.1:\d+)/`)
	pass := regexp.MustCompile(`password:\s+(\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for !ready.MatchString(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("the second run did not serve within 30 s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	text := out.String()
	if strings.HasPrefix(text, "Crawling") {
		t.Errorf("the second run crawled before serving:\n%s", text)
	}
	addr := ready.FindStringSubmatch(text)[1]
	// the password is kept for the next run, the owner's alone
	if kept, err := os.ReadFile(filepath.Join(data, "demo-password")); err != nil || strings.TrimSpace(string(kept)) != pass.FindStringSubmatch(text)[1] {
		t.Errorf("demo-password %q (%v), printed %q", kept, err, pass.FindStringSubmatch(text)[1])
	}
	if fi, err := os.Stat(filepath.Join(data, "demo-password")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("demo-password: %v %v", fi.Mode(), err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm("http://"+addr+"/login", url.Values{"name": {"demo"}, "password": {pass.FindStringSubmatch(text)[1]}, "next": {"/register"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Harrow &amp; Vale Foods Ltd") {
		t.Errorf("the register with the demo login: %d", resp.StatusCode)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("the demo did not stop")
	}
}
