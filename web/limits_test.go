package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestChecksBounded: with every place for a check taken, a check is told
// to try again, for the page and for the API.
func TestChecksBounded(t *testing.T) {
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
	for in, want := range map[string]string{
		"/register?sort=name":  "/register?sort=name",
		"/orgs/01234567#v3":    "/orgs/01234567#v3",
		"":                     "/search",
		"//evil.example/x":     "/search",
		"/\t/evil.example":     "/search",
		"/\\evil.example":      "/search",
		"/\n/evil.example":     "/search",
		"https://evil.example": "/search",
		"evil.example":         "/search",
		"/%2F/evil.example":    "/search", // decodes to //evil.example: refused, to be safe
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientKey(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(""))
	r.RemoteAddr = "[2001:db8:1:2:3:4:5:6]:443"
	a := clientKey(r, false)
	r.RemoteAddr = "[2001:db8:1:2:ffff::1]:443"
	if b := clientKey(r, false); a != b || a != "2001:db8:1:2::/64" {
		t.Errorf("IPv6 keys %q and %q, want one /64", a, b)
	}
	r.RemoteAddr = "192.0.2.7:5555"
	r.Header.Set("X-Forwarded-For", "198.51.100.9")
	if k := clientKey(r, true); k != "192.0.2.7" {
		t.Errorf("a public peer's X-Forwarded-For was believed: %q", k)
	}
	// behind a local proxy: the address it appended, not one the client wrote
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header.Set("X-Forwarded-For", "203.0.113.66, 198.51.100.9")
	if k := clientKey(r, true); k != "198.51.100.9" {
		t.Errorf("behind a proxy: %q, want the last hop", k)
	}
	if k := clientKey(r, false); k != "127.0.0.1" {
		t.Errorf("not configured for a proxy: %q, want the peer", k)
	}
}
