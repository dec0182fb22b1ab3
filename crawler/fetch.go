package crawler

// This file holds the guarded HTTP client every fetch goes through: the
// crawler, and `s54 check URL`, so that a URL typed by a user is fetched
// with the same limits as a crawl.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// ErrPrivateAddress is returned for a host that resolves to a private,
// loopback, link-local or otherwise internal address: the crawler must not
// be turned against the network it runs in.
var ErrPrivateAddress = errors.New("refusing to connect to a private or internal address")

// ErrTooLarge is returned when a response body is over the size limit.
var ErrTooLarge = errors.New("document too large")

// FetchOptions bound one fetch.
type FetchOptions struct {
	// UserAgent names the tool and a contact URL.
	UserAgent string
	// Timeout bounds the whole request, body included.
	Timeout time.Duration
	// MaxBytes bounds the body.
	MaxBytes int64
	// MaxRedirects bounds the redirects followed.
	MaxRedirects int
	// AllowPrivate permits private and loopback addresses (tests, intranets).
	AllowPrivate bool
	// AllowAddrs permits these private addresses alone ("10.0.0.5" or
	// "127.0.0.1:8080"): an intranet's one site, a test's loopback server
	// beside others that must stay refused.
	AllowAddrs []string
	// Hosts maps "host:port" to the address to dial instead, like
	// /etc/hosts: the tests and the demo serve named sites from loopback.
	// The address check applies to the mapped address.
	Hosts map[string]string
}

// DefaultUserAgent identifies s54 to website owners.
const DefaultUserAgent = "s54/0.1 (+https://github.com/s54dev/s54; modern slavery statement checker)"

// DefaultFetchOptions are the limits of the crawler.
func DefaultFetchOptions() FetchOptions {
	return FetchOptions{
		UserAgent:    DefaultUserAgent,
		Timeout:      30 * time.Second,
		MaxBytes:     50 << 20,
		MaxRedirects: 5,
	}
}

// isPublic reports whether ip may be fetched from the public internet.
func isPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() ||
		ip.IsUnspecified() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// blockedPrefixes are special-purpose ranges that netip does not flag.
// IPv4-mapped addresses (::ffff:a.b.c.d) need none: isPublic unmaps them
// and judges the IPv4 address.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated): embeds an IPv4 address
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated (SIIT): embeds an IPv4 address
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64, may reach IPv4 internals
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("2001::/32"),       // Teredo: embeds an IPv4 address
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
}

// dialable reports whether the crawler may connect to an address
// ("ip:port"): a public one, or one the options allow.
func (opts FetchOptions) dialable(address string) error {
	if opts.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%s: %w", address, ErrPrivateAddress)
	}
	if !isPublic(ap.Addr()) && !slices.Contains(opts.AllowAddrs, ap.String()) &&
		!slices.Contains(opts.AllowAddrs, ap.Addr().Unmap().String()) {
		return fmt.Errorf("%s: %w", ap.Addr(), ErrPrivateAddress)
	}
	return nil
}

// httpURL parses an address the crawler may fetch: http or https, with a
// host.
func httpURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("crawler: not an http or https URL: %.200q", rawURL)
	}
	return u, nil
}

// CheckURL reports whether the crawler could fetch rawURL with opts,
// before it tries: an http or https URL with a host whose addresses,
// after DNS resolution (or opts.Hosts), are public unless opts allow
// them. The checks are those of Fetch and of the dialer, which make them
// again at each connection (DNS may answer otherwise then).
func CheckURL(ctx context.Context, rawURL string, opts FetchOptions) error {
	u, err := httpURL(rawURL)
	if err != nil {
		return err
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	address := net.JoinHostPort(u.Hostname(), port)
	if to, ok := opts.Hosts[strings.ToLower(address)]; ok {
		address = to
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("crawler: %s: %w", u.Host, err)
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("crawler: %s: the host cannot be found: %w", u.Hostname(), err)
	}
	for _, ip := range ips {
		if err := opts.dialable(net.JoinHostPort(ip.Unmap().String(), port)); err != nil {
			return fmt.Errorf("crawler: %s: %w", u.Hostname(), err)
		}
	}
	return nil
}

// NewTransport returns an HTTP transport whose dialer checks every address
// after DNS resolution, so neither a hostile DNS answer nor a redirect can
// reach an internal address.
func NewTransport(opts FetchOptions) *http.Transport {
	dialer := &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			// no "crawler:" prefix: the dial error is wrapped by Fetch's
			return opts.dialable(address)
		},
	}
	dial := dialer.DialContext
	if len(opts.Hosts) > 0 {
		dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			if to, ok := opts.Hosts[strings.ToLower(address)]; ok {
				address = to
			}
			return dialer.DialContext(ctx, network, address)
		}
	}
	return &http.Transport{
		Proxy:                 nil, // a proxy would bypass the address check
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// NewClient returns an HTTP client with the transport of NewTransport and
// a bound on redirects.
func NewClient(opts FetchOptions) *http.Client {
	return &http.Client{
		Transport: NewTransport(opts),
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("crawler: more than %d redirects", opts.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("crawler: redirect to unsupported scheme %q", req.URL.Scheme)
			}
			return nil
		},
	}
}

// Document is a fetched response body.
type Document struct {
	URL string // final URL after redirects
	// ContentType is the Content-Type header as sent, parameters included
	// (extract reads the charset from it); MediaType is its lower-case
	// media type alone.
	ContentType string
	MediaType   string
	Body        []byte
	Header      http.Header
	// Kind is what the body is, by its bytes: KindHTML, KindPDF, ….
	Kind string
	// ETag and LastModified validate the document for a later
	// conditional request.
	ETag, LastModified string
	// NotModified: the server said the document is unchanged since the
	// validators sent (Body is empty).
	NotModified bool
	// Year is the financial year the link to the document named, 0 when
	// it named none.
	Year int
}

// Fetch gets rawURL with the limits of opts.
func Fetch(ctx context.Context, client *http.Client, rawURL string, opts FetchOptions) (*Document, error) {
	u, err := httpURL(rawURL)
	if err != nil {
		return nil, err
	}
	// errors name the URL without any user:password in it
	rawURL = u.Redacted()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("crawler: %w", err)
	}
	req.Header.Set("User-Agent", opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9,*/*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("crawler: fetch %s: %w", rawURL, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("crawler: fetch %s: HTTP %s", rawURL, resp.Status)
	}
	if resp.ContentLength > opts.MaxBytes {
		return nil, fmt.Errorf("crawler: fetch %s: %d bytes: %w", rawURL, resp.ContentLength, ErrTooLarge)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("crawler: read %s: %w", rawURL, unwrapURLError(err))
	}
	if int64(len(body)) > opts.MaxBytes {
		return nil, fmt.Errorf("crawler: fetch %s: over %d MB: %w", rawURL, opts.MaxBytes>>20, ErrTooLarge)
	}
	doc := &Document{URL: resp.Request.URL.String(), Body: body, Header: resp.Header, ContentType: resp.Header.Get("Content-Type")}
	if mt, _, err := mime.ParseMediaType(doc.ContentType); err == nil {
		doc.MediaType = strings.ToLower(mt)
	}
	doc.Kind = sniffKind(body, doc.MediaType)
	return doc, nil
}

// unwrapURLError drops the *url.Error wrapper, whose message repeats the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("timed out: %w", ue.Err)
		}
		return ue.Err
	}
	return err
}
