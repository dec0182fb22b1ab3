package crawler

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// proxyClient is a client that uses the render proxy as Chromium does:
// every request through it, accepting its certificate.
func proxyClient(p *renderProxy) *http.Client {
	proxy, _ := url.Parse(p.addr())
	return &http.Client{
		Transport: &http.Transport{Proxy: http.ProxyURL(proxy),
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, // the proxy's own certificate
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
}

// TestRenderProxy drives the proxy without a browser: plain and HTTPS
// (CONNECT) requests fetched through the crawler's transport, cookies
// dropped both ways, images and the browser's own services answered
// without a request, robots.txt applied, and the request bound.
func TestRenderProxy(t *testing.T) {
	var hits atomic.Int32
	var sawCookie atomic.Bool
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
			return
		}
		hits.Add(1)
		if r.Header.Get("Cookie") != "" {
			sawCookie.Store(true)
		}
		if !strings.HasPrefix(r.UserAgent(), "s54/") {
			t.Errorf("User-Agent %q", r.UserAgent())
		}
		http.SetCookie(w, &http.Cookie{Name: "tracking", Value: "1"})
		fmt.Fprintf(w, "page %s over %s", r.URL.Path, map[bool]string{true: "https", false: "http"}[r.TLS != nil])
	})
	plain := httptest.NewServer(h)
	defer plain.Close()
	secure := httptest.NewTLSServer(h)
	defer secure.Close()

	opts := DefaultOptions()
	opts.Fetch.AllowPrivate = true
	opts.Fetch.Hosts = map[string]string{"plain.test:80": plain.Listener.Addr().String(),
		"www.example.com:443": secure.Listener.Addr().String()}
	opts.Delay = 0
	opts.Render.Browser = BrowserOff
	opts.Render.MaxRequests = 4
	c := New(opts)
	defer c.Close()
	// the crawler trusts the test server's certificate, as it would a real one
	c.transport.TLSClientConfig = secure.Client().Transport.(*http.Transport).TLSClientConfig.Clone()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := newRenderProxy(ctx, c, c.opts.Render, &Document{URL: "http://plain.test/", Body: []byte("from colly"), ContentType: "text/html"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	client := proxyClient(p)
	defer client.CloseIdleConnections()

	get := func(u string, header ...string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		defer resp.Body.Close()
		if resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: a cookie reached the browser", u)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if code, body := get("http://plain.test/"); code != 200 || body != "from colly" {
		t.Errorf("the first page: %d %q, want colly's copy", code, body)
	}
	if code, body := get("http://plain.test/app.js", "Cookie", "session=1"); code != 200 || body != "page /app.js over http" {
		t.Errorf("plain: %d %q", code, body)
	}
	if code, body := get("https://www.example.com/api/nav.json"); code != 200 || body != "page /api/nav.json over https" {
		t.Errorf("https: %d %q", code, body)
	}
	before := hits.Load()
	for _, u := range []string{"http://plain.test/logo.png", "https://www.example.com/font.woff2", "https://update.googleapis.com/service/update2/json"} {
		if code, _ := get(u); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404 without a request", u, code)
		}
	}
	if code, _ := get("http://plain.test/private/x"); code != http.StatusForbidden {
		t.Errorf("robots.txt disallowed path: %d, want 403", code)
	}
	if code, _ := get("http://plain.test/x", "Sec-Fetch-Dest", "image"); code != http.StatusNotFound {
		t.Errorf("an image by Sec-Fetch-Dest: %d", code)
	}
	if hits.Load() != before {
		t.Errorf("%d requests reached the server for refused URLs", hits.Load()-before)
	}
	// two made, the robots.txt refusal counted: the fourth is the last
	get("http://plain.test/3")
	if code, _ := get("http://plain.test/4"); code != http.StatusTooManyRequests {
		t.Errorf("over the bound: %d, want 429", code)
	}
	if sawCookie.Load() {
		t.Error("the browser's cookie reached the server")
	}
	n, refused, cut := p.report()
	if n != 4 || cut == "" || len(refused) != 1 || !strings.Contains(refused[0], "(robots.txt)") {
		t.Errorf("report: %d requests, refused %q, cut %q", n, refused, cut)
	}
}
