package crawler

// This file holds the proxy every request of a rendering browser goes
// through: Chromium is started with --proxy-server pointing here (loopback
// included, its own DNS off), so that the crawler's guarantees hold for the
// scripts a page runs as for colly's requests: the address check after DNS
// resolution (fetch.go's dialer, through c.polite and c.transport),
// robots.txt, one request at a time per host with its pause, bounded
// requests and bytes, and no cookies kept. HTTPS is opened here (CONNECT is
// answered with a certificate made for the render, which the browser is
// told to accept) so each request is seen and fetched by the crawler, which
// checks the real site's certificate itself.

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/temoto/robotstxt"
)

// renderProxy serves one render's browser.
type renderProxy struct {
	c    *Crawler
	ctx  context.Context // the render's: requests end with it
	opts RenderOptions
	// first is the page already fetched by colly: the browser's request
	// for it is answered from it, once, not fetched again
	first *Document

	ln    net.Listener
	srv   *http.Server // the proxy, for the browser
	inner *http.Server // HTTPS requests inside CONNECT tunnels
	tls   chan net.Conn
	cert  tls.Certificate

	requests atomic.Int32 // made to the network
	bytes    atomic.Int64
	inflight atomic.Int32
	last     atomic.Int64 // unix nanoseconds of the last activity

	mu        sync.Mutex
	robots    map[string]*robotstxt.Group // by scheme://host; nil group: all allowed
	firstUsed bool
	refused   []string // requests refused: a private address, robots.txt
	cut       string   // why requests were refused for a bound, "" when none
}

// Hop-by-hop headers and those the proxy keeps to itself.
var proxyDropHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Cookie", "Set-Cookie",
	"Set-Cookie2", "Alt-Svc", "Accept-Encoding", "Content-Length"}

// blockedExt are the endings of files a page's links do not depend on:
// images, fonts, media and styles are answered 404 without a request.
var blockedExt = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true,
	".avif": true, ".svg": true, ".ico": true, ".bmp": true, ".woff": true, ".woff2": true, ".ttf": true,
	".otf": true, ".eot": true, ".mp4": true, ".webm": true, ".mp3": true, ".ogg": true, ".wav": true,
	".css": true, ".map": true}

func newRenderProxy(ctx context.Context, c *Crawler, opts RenderOptions, first *Document) (*renderProxy, error) {
	cert, err := renderCertificate()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("render proxy: %w", err)
	}
	p := &renderProxy{c: c, ctx: ctx, opts: opts, first: first, ln: ln, cert: cert,
		tls: make(chan net.Conn), robots: map[string]*robotstxt.Group{}}
	p.touch()
	quiet := log.New(io.Discard, "", 0) // a browser's dropped connection is not news
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serveProxy), ReadHeaderTimeout: 10 * time.Second, ErrorLog: quiet,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	p.inner = &http.Server{Handler: http.HandlerFunc(p.serveTunnelled), ReadHeaderTimeout: 10 * time.Second, ErrorLog: quiet,
		BaseContext: func(net.Listener) context.Context { return ctx },
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if t, ok := c.(*tunnelConn); ok {
				return context.WithValue(ctx, tunnelKey{}, t.authority)
			}
			return ctx
		}}
	go p.srv.Serve(ln)
	go p.inner.Serve(&chanListener{conns: p.tls, addr: ln.Addr(), done: ctx.Done(), stop: make(chan struct{})})
	return p, nil
}

// addr is the proxy's address for --proxy-server.
func (p *renderProxy) addr() string { return "http://" + p.ln.Addr().String() }

func (p *renderProxy) close() {
	p.srv.Close()
	p.inner.Close()
}

func (p *renderProxy) touch() { p.last.Store(time.Now().UnixNano()) }

// idle is how long no request has been in flight, 0 while one is.
func (p *renderProxy) idle() time.Duration {
	if p.inflight.Load() > 0 {
		return 0
	}
	return time.Since(time.Unix(0, p.last.Load()))
}

type tunnelKey struct{}

// serveProxy answers the browser: CONNECT opens a tunnel whose HTTPS
// requests serveTunnelled answers; other requests carry their absolute URL.
func (p *renderProxy) serveProxy(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connect(w, r)
		return
	}
	if r.URL.Scheme != "http" || r.URL.Host == "" {
		http.Error(w, "s54 render proxy: not a proxy request", http.StatusBadRequest)
		return
	}
	p.forward(w, r, r.URL)
}

func (p *renderProxy) serveTunnelled(w http.ResponseWriter, r *http.Request) {
	authority, _ := r.Context().Value(tunnelKey{}).(string)
	host, port, err := net.SplitHostPort(authority)
	if err != nil {
		http.Error(w, "s54 render proxy: bad tunnel", http.StatusBadRequest)
		return
	}
	u := *r.URL
	u.Scheme, u.Host = "https", host
	if port != "443" {
		u.Host = net.JoinHostPort(host, port)
	}
	p.forward(w, r, &u)
}

// connect answers CONNECT: the browser's TLS is ended here with the
// render's certificate and the requests inside are served by p.inner.
func (p *renderProxy) connect(w http.ResponseWriter, r *http.Request) {
	if _, _, err := net.SplitHostPort(r.Host); err != nil {
		http.Error(w, "s54 render proxy: bad CONNECT target", http.StatusBadRequest)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "s54 render proxy: cannot tunnel", http.StatusInternalServerError)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err := rw.WriteString("HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil || rw.Flush() != nil {
		conn.Close()
		return
	}
	var raw net.Conn = conn
	if rw.Reader.Buffered() > 0 {
		raw = &bufferedConn{Conn: conn, r: rw.Reader}
	}
	tc := tls.Server(raw, &tls.Config{Certificates: []tls.Certificate{p.cert}, NextProtos: []string{"http/1.1"},
		MinVersion: tls.VersionTLS12})
	select {
	case p.tls <- &tunnelConn{Conn: tc, authority: strings.ToLower(r.Host)}:
	case <-p.ctx.Done():
		conn.Close()
	}
}

// forward fetches u for the browser through the crawler's guarded,
// polite transport and copies the answer back.
func (p *renderProxy) forward(w http.ResponseWriter, r *http.Request, u *url.URL) {
	p.inflight.Add(1)
	defer func() { p.touch(); p.inflight.Add(-1) }()
	p.touch()
	switch {
	case r.Header.Get("Upgrade") != "":
		p.refuse(w, http.StatusForbidden, "", "")
		return
	case r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost && r.Method != http.MethodOptions:
		p.refuse(w, http.StatusMethodNotAllowed, "", "")
		return
	case blockedResource(r, u), browserService(u.Hostname()):
		p.refuse(w, http.StatusNotFound, "", "")
		return
	}
	if d := p.takeFirst(r, u); d != nil {
		h := w.Header()
		if d.ContentType != "" {
			h.Set("Content-Type", d.ContentType)
		}
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(d.Body)
		}
		return
	}
	if n := int(p.requests.Add(1)); n > p.opts.MaxRequests {
		p.refuse(w, http.StatusTooManyRequests, "", fmt.Sprintf("more than %d requests", p.opts.MaxRequests))
		return
	}
	if p.bytes.Load() >= p.opts.MaxBytes {
		p.refuse(w, http.StatusTooManyRequests, "", "more than "+sizeString(p.opts.MaxBytes))
		return
	}
	if ok, why := p.allowed(u); !ok {
		p.refuse(w, http.StatusForbidden, u.Redacted()+" ("+why+")", "")
		return
	}
	var body io.Reader
	if r.Body != nil && r.Method == http.MethodPost {
		const maxPost = 64 << 10
		b, err := io.ReadAll(io.LimitReader(r.Body, maxPost+1))
		if err != nil || len(b) > maxPost {
			p.refuse(w, http.StatusRequestEntityTooLarge, "", "")
			return
		}
		body = strings.NewReader(string(b))
	}
	out, err := http.NewRequestWithContext(p.ctx, r.Method, u.String(), body)
	if err != nil {
		p.refuse(w, http.StatusBadRequest, "", "")
		return
	}
	for k, vs := range r.Header {
		out.Header[k] = vs
	}
	for _, k := range proxyDropHeaders {
		out.Header.Del(k)
	}
	out.Header.Set("User-Agent", p.c.opts.Fetch.UserAgent)
	resp, err := p.c.polite.RoundTrip(out)
	if err != nil {
		if errors.Is(err, ErrPrivateAddress) {
			p.refuse(w, http.StatusForbidden, u.Redacted()+" (a private or internal address)", "")
			return
		}
		http.Error(w, "s54 render proxy: "+shortError(err), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	for _, k := range proxyDropHeaders {
		h.Del(k)
	}
	w.WriteHeader(resp.StatusCode)
	limit := min(p.c.opts.Fetch.MaxBytes, p.opts.MaxBytes-p.bytes.Load())
	n, _ := io.Copy(w, io.LimitReader(resp.Body, max(limit, 0)))
	if p.bytes.Add(n) >= p.opts.MaxBytes {
		p.noteCut("more than " + sizeString(p.opts.MaxBytes))
	}
}

// takeFirst returns the page colly fetched when the browser asks for it
// the first time.
func (p *renderProxy) takeFirst(r *http.Request, u *url.URL) *Document {
	if p.first == nil || r.Method != http.MethodGet {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.firstUsed || u.String() != p.first.URL {
		return nil
	}
	p.firstUsed = true
	return p.first
}

// refuse answers a request the crawler will not make; what names a
// refusal worth reporting, cut a bound reached.
func (p *renderProxy) refuse(w http.ResponseWriter, code int, what, cut string) {
	if what != "" {
		p.mu.Lock()
		if len(p.refused) < 20 {
			p.refused = append(p.refused, what)
		}
		p.mu.Unlock()
	}
	if cut != "" {
		p.noteCut(cut)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "s54 render proxy: refused", code)
}

func (p *renderProxy) noteCut(why string) {
	p.mu.Lock()
	if p.cut == "" {
		p.cut = why
	}
	p.mu.Unlock()
}

// blockedResource: images, fonts, media and styles, by the browser's
// Sec-Fetch-Dest, Accept or the URL's ending.
func blockedResource(r *http.Request, u *url.URL) bool {
	switch r.Header.Get("Sec-Fetch-Dest") {
	case "image", "font", "audio", "video", "track", "style", "manifest":
		return true
	}
	accept := r.Header.Get("Accept")
	if strings.HasPrefix(accept, "image/") || strings.HasPrefix(accept, "text/css") {
		return true
	}
	return blockedExt[strings.ToLower(path.Ext(u.Path))]
}

// allowed applies the host's robots.txt, read through the crawler's
// cache; when it refuses, why says why: robots.txt, or the address (the
// file's own request is refused first).
func (p *renderProxy) allowed(u *url.URL) (ok bool, why string) {
	key := strings.ToLower(u.Scheme + "://" + u.Host)
	p.mu.Lock()
	g, known := p.robots[key]
	p.mu.Unlock()
	if !known {
		req, err := http.NewRequestWithContext(p.ctx, http.MethodGet, key+"/robots.txt", nil)
		if err != nil {
			return false, "a bad URL"
		}
		req.Header.Set("User-Agent", p.c.opts.Fetch.UserAgent)
		resp, err := p.c.robots.roundTrip(req, p.c.polite.RoundTrip)
		if errors.Is(err, ErrPrivateAddress) {
			return false, "a private or internal address"
		}
		if err != nil {
			// as colly: a robots.txt that cannot be fetched stops the request
			return false, "robots.txt could not be read: " + shortError(err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, robotsMaxBytes))
		resp.Body.Close()
		data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
		if err != nil {
			return false, "robots.txt could not be read"
		}
		g = data.FindGroup(p.c.opts.Fetch.UserAgent)
		p.mu.Lock()
		p.robots[key] = g
		p.mu.Unlock()
	}
	if g == nil {
		return true, ""
	}
	eu := u.EscapedPath()
	if u.RawQuery != "" {
		eu += "?" + u.Query().Encode()
	}
	if !g.Test(eu) {
		return false, "robots.txt"
	}
	return true, ""
}

// browserServices are the hosts of Chromium's own services (updates,
// sign-in, safe browsing, field trials), which it may call while a page is
// rendered: they are answered at once, never fetched, never counted.
var browserServices = []string{"accounts.google.com", "update.googleapis.com", "clientservices.googleapis.com",
	"safebrowsing.googleapis.com", "content-autofill.googleapis.com", "optimizationguide-pa.googleapis.com",
	"chromesyncpasswords-pa.googleapis.com", "android.clients.google.com", "dl.google.com", "gvt1.com", "gvt2.com",
	"clients1.google.com", "clients2.google.com", "clients3.google.com", "clients4.google.com",
	"clients5.google.com", "clients6.google.com", "clients.google.com", "chrome.google.com",
	"chromewebstore.googleapis.com", "safebrowsing.google.com", "sb-ssl.google.com"}

func browserService(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, s := range browserServices {
		if host == s || strings.HasSuffix(host, "."+s) {
			return true
		}
	}
	return false
}

// report is what the proxy saw, for the crawl's Tried list.
func (p *renderProxy) report() (requests int, refused []string, cut string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return min(int(p.requests.Load()), p.opts.MaxRequests), append([]string(nil), p.refused...), p.cut
}

// renderCertificate is the certificate the proxy shows the browser for
// every host: made once per process, self-signed, never shown to anyone
// else (the browser talks only to the proxy, which checks the real
// sites' certificates).
var renderCertificate = sync.OnceValues(func() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("render proxy: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "s54 render proxy"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"*"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("render proxy: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
})

// tunnelConn is a browser's TLS connection inside a CONNECT tunnel, with
// the host:port it asked for.
type tunnelConn struct {
	net.Conn
	authority string
}

// bufferedConn reads what the proxy's reader had buffered first.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// chanListener hands the tunnels' connections to p.inner.
type chanListener struct {
	conns <-chan net.Conn
	addr  net.Addr
	done  <-chan struct{}
	stop  chan struct{}
	once  sync.Once
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	case <-l.stop:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.stop) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }
