package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestChecksBounded: with every place for a check taken, a check is told
// to try again, for the page and for the API.
func TestChecksBounded(t *testing.T) {
	t.Parallel()
	s := &Server{checks: make(chan struct{}, 1)}
	release, ok := s.acquire()
	if !ok {
		t.Fatal("no place at first")
	}
	if _, ok := s.acquire(); ok {
		t.Fatal("two places taken of one")
	}
	release()
	if r2, ok := s.acquire(); !ok {
		t.Fatal("the place was not given back")
	} else {
		r2()
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/register?sort=name":  "/register?sort=name",
		"/orgs/01234567#v3":    "/orgs/01234567#v3",
		"":                     "/",
		"//evil.example/x":     "/",
		"/\t/evil.example":     "/",
		"/\\evil.example":      "/",
		"/\n/evil.example":     "/",
		"https://evil.example": "/",
		"evil.example":         "/",
		"/%2F/evil.example":    "/", // decodes to //evil.example: refused, to be safe
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientKey(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(""))
	r.RemoteAddr = "[2001:db8:1:2:3:4:5:6]:443"
	a := clientKey(r, nil)
	r.RemoteAddr = "[2001:db8:1:2:ffff::1]:443"
	if b := clientKey(r, nil); a != b || a != "2001:db8:1:2::/64" {
		t.Errorf("IPv6 keys %q and %q, want one /64", a, b)
	}
	local := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		name, peer, xff string
		trusted         []netip.Prefix
		want            string
	}{
		{"a peer outside the list", "192.0.2.7:5555", "198.51.100.9", local, "192.0.2.7"},
		{"a private peer outside the list", "10.1.2.3:5555", "198.51.100.9", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, "10.1.2.3"},
		{"no list", "127.0.0.1:40000", "198.51.100.9", nil, "127.0.0.1"},
		{"the hop the proxy added, not one the client wrote", "127.0.0.1:40000", "203.0.113.66, 198.51.100.9", local, "198.51.100.9"},
		{"through two trusted proxies", "127.0.0.1:40000", "203.0.113.66, 198.51.100.9, 10.0.0.2", local, "198.51.100.9"},
		{"a hop that is no address", "127.0.0.1:40000", "198.51.100.9, junk, 10.0.0.2", local, "10.0.0.2"},
		{"a hop with a port, IPv4 in IPv6", "[::ffff:127.0.0.1]:40000", "198.51.100.9:1234", local, "198.51.100.9"},
		{"no header", "127.0.0.1:40000", "", local, "127.0.0.1"},
	} {
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(""))
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if k := clientKey(r, tc.trusted); k != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, k, tc.want)
		}
	}
	// two header lines are one list
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header.Set("X-Forwarded-For", "203.0.113.66")
	r.Header.Add("X-Forwarded-For", "198.51.100.9")
	if k := clientKey(r, local); k != "198.51.100.9" {
		t.Errorf("two X-Forwarded-For lines: %q, want the last hop", k)
	}
}

// TestLoginLimiter: the limits of loginLimiter, on a clock of the test's.
func TestLoginLimiter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	l := newLoginLimiter(func() time.Time { return now })

	// an address: five at once, then one every 12 s
	for i := range 5 {
		if !l.allowAddr("192.0.2.1") {
			t.Fatalf("attempt %d from an address refused", i+1)
		}
	}
	if l.allowAddr("192.0.2.1") || !l.allowAddr("192.0.2.2") {
		t.Error("the sixth attempt from one address allowed, or another address held back with it")
	}
	now = now.Add(12 * time.Second)
	if !l.allowAddr("192.0.2.1") {
		t.Error("no attempt 12 s later")
	}

	// a name from one address: three wrong, then waits that double
	for range 2 {
		l.failed("alice", "192.0.2.1")
		if w := l.wait("alice", "192.0.2.1"); w != 0 {
			t.Fatalf("a wait of %v before the third failure", w)
		}
	}
	for _, want := range []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second} {
		l.failed("alice", "192.0.2.1")
		if w := l.wait("alice", "192.0.2.1"); w != want {
			t.Fatalf("wait %v, want %v", w, want)
		}
		if w := l.wait("alice", "192.0.2.9"); w != 0 {
			t.Fatalf("another address waits %v with it", w)
		}
		now = now.Add(want)
		if w := l.wait("alice", "192.0.2.1"); w != 0 {
			t.Fatalf("still %v to wait after the wait", w)
		}
	}
	for range 20 {
		l.failed("alice", "192.0.2.1")
	}
	if w := l.wait("alice", "192.0.2.1"); w != longestWait {
		t.Errorf("the longest wait %v, want %v", w, longestWait)
	}
	l.succeeded("alice", "192.0.2.1")
	if w := l.wait("alice", "192.0.2.1"); w != 0 {
		t.Errorf("a wait of %v after a success", w)
	}

	// a name from addresses never seen: ten at once, then one every 2 min
	for i := range 10 {
		if !l.allowName("bob") {
			t.Fatalf("attempt %d at a name refused", i+1)
		}
	}
	if l.allowName("bob") || !l.allowName("carol") {
		t.Error("the eleventh attempt at a name allowed, or another name held back with it")
	}
	now = now.Add(2 * time.Minute)
	if !l.allowName("bob") || l.allowName("bob") {
		t.Error("not one attempt at the name 2 minutes later")
	}
}
