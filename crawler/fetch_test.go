package crawler

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestIsPublic(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"8.8.8.8":         true,
		"81.2.69.160":     true,
		"2a00:1450::1":    true,
		"127.0.0.1":       false,
		"10.1.2.3":        false,
		"172.16.0.1":      false,
		"192.168.1.1":     false,
		"169.254.169.254": false, // cloud metadata
		"100.64.0.1":      false,
		"::1":             false,
		"fe80::1":         false,
		"fc00::1":         false,
		"::ffff:10.0.0.1": false, // IPv4-mapped private
		"224.0.0.1":       false,
		"2002:a00:1::1":   false, // 6to4 of 10.0.0.1
		"2001:0:a00::1":   false, // Teredo
		"fec0::1":         false,
		// IPv4-mapped IPv6 (::ffff:0:0/96): judged as the IPv4 address
		"::ffff:127.0.0.1":       false,
		"::ffff:169.254.169.254": false,
		"::ffff:0.0.0.0":         false,
		"::ffff:8.8.8.8":         true,
		// IPv4-compatible IPv6 (::/96, deprecated): never to be dialled
		"::127.0.0.1": false,
		"::10.0.0.1":  false,
		"::8.8.8.8":   false,
		// IPv4-translated (::ffff:0:0:0/96, SIIT)
		"::ffff:0:127.0.0.1": false,
		"::ffff:0:8.8.8.8":   false,
		// NAT64, well-known and local-use (RFC 8215)
		"64:ff9b::7f00:1":   false,
		"64:ff9b:1::a00:1":  false,
		"64:ff9b:1:ffff::1": false,
		// the unspecified address, both families
		"::":      false,
		"0.0.0.0": false,
	} {
		if got := isPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPublic(%s) = %v, want %v", addr, got, want)
		}
	}
}

func fetch(t *testing.T, url string, opts FetchOptions) (*Document, error) {
	t.Helper()
	return Fetch(context.Background(), NewClient(opts), url, opts)
}

func TestFetchRefusesLoopback(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) }))
	defer srv.Close()
	_, err := fetch(t, srv.URL, DefaultFetchOptions())
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("loopback fetch: %v, want ErrPrivateAddress", err)
	}
	// "localhost" resolves to loopback: refused after resolution too
	_, err = fetch(t, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), DefaultFetchOptions())
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("localhost fetch: %v, want ErrPrivateAddress", err)
	}
	// the same server by the other spellings of loopback and "any"
	// (Linux connects 0.0.0.0 and :: to the local host)
	for _, host := range []string{"[::ffff:127.0.0.1]", "[::127.0.0.1]", "0.0.0.0", "[::]", "[::ffff:0.0.0.0]"} {
		_, err = fetch(t, strings.Replace(srv.URL, "127.0.0.1", host, 1), DefaultFetchOptions())
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("%s fetch: %v, want ErrPrivateAddress", host, err)
		}
	}
}

func TestFetchLimits(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		if ua := r.Header.Get("User-Agent"); !strings.Contains(ua, "s54") {
			http.Error(w, "no UA", 400)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=windows-1252")
		w.Write([]byte("<p>hello</p>"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, 2<<20))
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	opts := DefaultFetchOptions()
	opts.AllowPrivate = true
	opts.MaxBytes = 1 << 20
	opts.Timeout = 30 * time.Second // a loaded machine still follows ten redirects in time

	doc, err := fetch(t, srv.URL+"/ok", opts)
	if err != nil {
		t.Fatal(err)
	}
	if doc.MediaType != "text/html" || !strings.Contains(doc.ContentType, "windows-1252") || string(doc.Body) != "<p>hello</p>" {
		t.Errorf("doc %+v", doc)
	}
	if _, err := fetch(t, srv.URL+"/big", opts); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big: %v", err)
	}
	if _, err := fetch(t, srv.URL+"/loop", opts); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	short := opts
	short.Timeout = 500 * time.Millisecond
	if _, err := fetch(t, srv.URL+"/slow", short); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("slow: %v", err)
	}
	if _, err := fetch(t, srv.URL+"/gone", opts); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	if _, err := fetch(t, "file:///etc/passwd", opts); err == nil {
		t.Error("file URL accepted")
	}
}

// TestRedirectToPrivate: a public page that redirects to an internal
// address is refused at the second hop. The "public" server is simulated
// by allowing only the first connection.
func TestRedirectToPrivate(t *testing.T) {
	t.Parallel()
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("internal")) }))
	defer internal.Close()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL, http.StatusFound)
	}))
	defer front.Close()
	opts := DefaultFetchOptions()
	client := NewClient(opts)
	tr := client.Transport.(*http.Transport)
	frontAddr := strings.TrimPrefix(front.URL, "http://")
	base := tr.DialContext
	permissive := NewTransport(FetchOptions{AllowPrivate: true}).DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == frontAddr {
			return permissive(ctx, network, addr)
		}
		return base(ctx, network, addr)
	}
	_, err := Fetch(context.Background(), client, front.URL, opts)
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("redirect to internal: %v, want ErrPrivateAddress", err)
	}
}

func TestFetchRedactsPassword(t *testing.T) {
	t.Parallel()
	_, err := fetch(t, "http://user:secret@127.0.0.1:1/x", DefaultFetchOptions())
	if err == nil || strings.Contains(err.Error(), "secret") || strings.Count(err.Error(), "crawler:") != 1 {
		t.Errorf("error %v: want one crawler: prefix and no password", err)
	}
}
