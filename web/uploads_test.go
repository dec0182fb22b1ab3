package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/store"
)

// budgetServer serves a server whose uploads of up to 4 MB (5 MB with the
// form) share a budget of 13 MB: 1 MB kept for small drafts (256 KB or
// less), 10 MB for the large uploads of one client. The test's own
// address is a trusted proxy, so that X-Forwarded-For names other
// clients; without it, the client is 127.0.0.1. tweak, when given,
// changes the config first.
func budgetServer(t *testing.T, tweak ...func(*Config)) (*Server, *httptest.Server) {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := Config{Store: st, Checker: checker.Default(), MaxUpload: 4 << 20,
		UploadBudget: 13 << 20, UploadReserve: 1 << 20, UploadPerClient: 10 << 20, SmallUpload: 256 << 10,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	for _, f := range tweak {
		f(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv
}

// heldUpload is an upload sent over a connection of its own: its headers
// and all but the last bytes of its body, and then nothing.
type heldUpload struct {
	conn net.Conn
	resp chan *http.Response
}

// holdUpload starts an upload to path declaring size bytes, from client
// (an X-Forwarded-For address; "" for the test's own). sent is how much
// of the body it sends before it stalls.
func holdUpload(t *testing.T, srv *httptest.Server, path, client string, size, sent int) *heldUpload {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() }) // before the server closes: it waits for requests
	h := &heldUpload{conn: conn, resp: make(chan *http.Response, 1)}
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n", path, size)
	if path == "/check" {
		head.WriteString("Content-Type: multipart/form-data; boundary=b0undary\r\n")
	} else {
		head.WriteString("Content-Type: text/html\r\n")
	}
	if client != "" {
		fmt.Fprintf(&head, "X-Forwarded-For: %s\r\n", client)
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	body := heldBodies()[path][:sent]
	go func() {
		conn.Write(body) // fails once the server has refused it: no matter
	}()
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err == nil {
			resp.Body.Close()
			h.resp <- resp
		}
	}()
	return h
}

// heldBodies are the bodies holdUpload sends (parts of), by path: made
// once, so that the test's own memory does not hide the server's.
var heldBodies = sync.OnceValue(func() map[string][]byte {
	html := bytes.Repeat([]byte("<p a b c d e f>"), 4<<20/15+1)
	form := append([]byte("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.html\"\r\n\r\n"), html...)
	return map[string][]byte{"/check": form, "/api/check": html}
})

// admitted waits until the server has either reserved the upload's bytes
// (true) or refused it (false, with the answer). Waiting is bounded only
// to fail rather than hang.
func (h *heldUpload) admitted(t *testing.T, s *Server, heldBefore, size int64) (bool, *http.Response) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case resp := <-h.resp:
			return false, resp
		default:
		}
		if s.uploads.heldBytes() == heldBefore+size {
			return true, nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("the upload was neither taken nor refused")
	return false, nil
}

func refusedAtOnce(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("%s: %v, want 503 with Retry-After", what, resp)
	}
}

// TestUploadBudget: many slow uploads hold no more memory than the
// budget. Those that do not fit are refused at once, body unread, with
// Retry-After; a small draft is still checked, from the same address as
// the uploads holding the budget.
func TestUploadBudget(t *testing.T) {
	s, srv := budgetServer(t)
	const size = 4 << 20
	heldBodies()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	// twenty uploads from one address, each all but the last 10 KB:
	// two fit its share of 10 MB, the others are refused
	var held int64
	taken := 0
	for i := range 20 {
		h := holdUpload(t, srv, "/check", "", size, size-10<<10)
		ok, resp := h.admitted(t, s, held, size)
		if ok {
			held += size
			taken++
			continue
		}
		refusedAtOnce(t, fmt.Sprintf("upload %d from one address", i+1), resp)
	}
	if taken != 2 {
		t.Errorf("%d uploads of 4 MB taken from one address, want 2 (10 MB a client)", taken)
	}
	// another client's upload fits the 12 MB for large uploads; then
	// nobody's does, not even one that sends no body at all
	if ok, resp := holdUpload(t, srv, "/api/check", "198.51.100.2", size, size-10<<10).admitted(t, s, held, size); !ok {
		t.Fatalf("a second client's upload refused: %v", resp)
	}
	held += size
	for _, tc := range []struct {
		what, path string
		size       int
	}{
		{"a third client's upload", "/check", size},
		{"an upload to the API", "/api/check", size},
		{"an upload of 300 KB", "/check", 300 << 10},
	} {
		ok, resp := holdUpload(t, srv, tc.path, "198.51.100.3", tc.size, 0).admitted(t, s, held, int64(tc.size))
		if ok {
			t.Fatalf("%s taken beyond the budget", tc.what)
		}
		refusedAtOnce(t, tc.what, resp)
	}
	// an upload with no length (chunked) counts as the largest
	req, _ := http.NewRequest("POST", srv.URL+"/api/check", io.MultiReader(strings.NewReader("<p>hello</p>"), neverEnds{}))
	req.Header.Set("X-Forwarded-For", "198.51.100.4")
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	refusedAtOnce(t, "a chunked upload", resp)

	// (b) a small draft, from the address holding two large uploads
	strong, _ := os.ReadFile("../testdata/statements/strong.txt")
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("text", string(strong))
	mw.Close()
	resp, err = http.Post(srv.URL+"/check", mw.FormDataContentType(), &form)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("meets the legal minimum")) {
		t.Errorf("a small draft beside held uploads: %d, want a verdict", resp.StatusCode)
	}

	// (c) what the uploads hold is what the budget let them reserve
	if got := s.uploads.heldBytes(); got != held || got > s.cfg.UploadBudget-s.cfg.UploadReserve {
		t.Errorf("uploads hold %d bytes, want %d, within %d", got, held, s.cfg.UploadBudget-s.cfg.UploadReserve)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > held+16<<20 {
		t.Errorf("the heap grew by %d MB with %d MB of uploads reserved", grew>>20, held>>20)
	}
}

// neverEnds is a body that is never done.
type neverEnds struct{}

func (neverEnds) Read(p []byte) (int, error) {
	time.Sleep(10 * time.Millisecond)
	p[0] = ' '
	return 1, nil
}

// TestStalledUploadsHoldNoPlace: an upload that never ends does not take
// the place of a check, so it cannot shut others out. The check is sent
// once the server has taken the stalled upload in (reserved its bytes),
// not after a pause that a loaded machine may not have used to get there.
func TestStalledUploadsHoldNoPlace(t *testing.T) {
	s, srv := budgetServer(t, func(c *Config) { c.MaxChecks = 1 })
	const size = 4 << 20
	h := holdUpload(t, srv, "/api/check", "", size, size/2)
	if ok, resp := h.admitted(t, s, 0, size); !ok {
		t.Fatalf("the stalled upload refused: %v", resp)
	}
	strong, _ := os.ReadFile("../testdata/statements/strong.txt")
	resp, err := http.Post(srv.URL+"/api/check", "text/plain; charset=utf-8", bytes.NewReader(strong))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a check beside a stalled upload: %d, want 200", resp.StatusCode)
	}
}

// TestUploadBudgetGivenBack: an upload's bytes come back when its client
// goes away, and when its check is done.
func TestUploadBudgetGivenBack(t *testing.T) {
	t.Parallel()
	s, srv := budgetServer(t)
	const size = 4 << 20
	h := holdUpload(t, srv, "/check", "", size, size/2)
	if ok, resp := h.admitted(t, s, 0, size); !ok {
		t.Fatalf("refused: %v", resp)
	}
	h.conn.Close()
	for deadline := time.Now().Add(30 * time.Second); s.uploads.heldBytes() != 0; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes still held after the client went away", s.uploads.heldBytes())
		}
	}
	strong, _ := os.ReadFile("../testdata/statements/strong.txt")
	big := append(strong, bytes.Repeat([]byte("\nWe publish this statement on our website. "), 8000)...) // 350 KB: large
	resp, err := http.Post(srv.URL+"/api/check", "text/plain; charset=utf-8", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || s.uploads.heldBytes() != 0 {
		t.Errorf("a large draft: %d, %d bytes held after it", resp.StatusCode, s.uploads.heldBytes())
	}
}

// TestReadAllSizedFromLength: a body of known length is read into one
// buffer of that length, not grown by doubling.
func TestReadAllSizedFromLength(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("x"), 3<<20+17)
	got, err := readAll(bytes.NewReader(data), int64(len(data)), 4<<20)
	if err != nil || !bytes.Equal(got, data) || cap(got) != len(data) {
		t.Errorf("known length: %v, len %d cap %d, want one buffer of %d", err, len(got), cap(got), len(data))
	}
	// unknown length: grows, up to the limit
	got, err = readAll(iotest{bytes.NewReader(data)}, 0, 4<<20)
	if err != nil || !bytes.Equal(got, data) || cap(got) > 4<<20+1 {
		t.Errorf("unknown length: %v, len %d cap %d", err, len(got), cap(got))
	}
	for _, expect := range []int64{0, 1 << 20, 4 << 20} {
		if _, err := readAll(bytes.NewReader(data), expect, 3<<20); err != errTooLarge {
			t.Errorf("over the limit (expecting %d): %v, want errTooLarge", expect, err)
		}
	}
	if got, err := readAll(bytes.NewReader(data[:3<<20]), 3<<20, 3<<20); err != nil || len(got) != 3<<20 {
		t.Errorf("at the limit: %v, %d bytes", err, len(got))
	}
}

// iotest hides bytes.Reader's WriterTo and size.
type iotest struct{ r io.Reader }

func (r iotest) Read(p []byte) (int, error) { return r.r.Read(p) }
