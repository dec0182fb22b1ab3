package crawler

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// robotsCache keeps each host's robots.txt for a day (RFC 9309 §2.4), so
// that organisations sharing a host (a group and its subsidiaries) do not
// fetch it once each. colly parses and applies it; this only answers
// colly's request for the file.
//
// The file is fetched in a goroutine of its own, not bound to the site that
// asked first: a site stopped (its time limit, Ctrl-C) must not fail the
// other sites waiting for the same file. Redirects are followed here, up to
// five (RFC 9309 §2.3.1.2), each through the polite, address-checked
// transport, so colly's client never sees one for robots.txt.
type robotsCache struct {
	life  context.Context // the crawler's: fetches end when it is closed
	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	ready   chan struct{} // closed once fetched
	status  int
	header  http.Header
	body    []byte
	err     error
	fetched time.Time
}

const (
	// robotsMaxBytes is the most of a robots.txt read (RFC 9309 asks for
	// at least 500 KiB).
	robotsMaxBytes = 512 << 10
	robotsTTL      = 24 * time.Hour
	// robotsMaxHosts bounds the cache: past it, files are forgotten and
	// fetched again when needed.
	robotsMaxHosts = 10000
	robotsHops     = 5
)

// roundTrip answers a request for /robots.txt, fetching it with next the
// first time for its scheme and host. Errors are not kept.
func (c *robotsCache) roundTrip(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	key := strings.ToLower(req.URL.Scheme + "://" + req.URL.Host)
	c.mu.Lock()
	if c.hosts == nil {
		c.hosts = map[string]*robotsEntry{}
	}
	e, ok := c.hosts[key]
	if ok {
		select {
		case <-e.ready:
			ok = e.err == nil && time.Since(e.fetched) < robotsTTL
		default:
		}
	}
	if !ok {
		if len(c.hosts) >= robotsMaxHosts {
			c.forget()
		}
		e = &robotsEntry{ready: make(chan struct{})}
		c.hosts[key] = e
		go e.fetch(c.life, req, next)
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	return &http.Response{
		Status: http.StatusText(e.status), StatusCode: e.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: e.header.Clone(), Body: io.NopCloser(bytes.NewReader(e.body)),
		ContentLength: int64(len(e.body)), Request: req,
	}, nil
}

// forget drops the files fetched (not those being fetched). Called with
// c.mu held.
func (c *robotsCache) forget() {
	for k, e := range c.hosts {
		select {
		case <-e.ready:
			delete(c.hosts, k)
		default:
		}
	}
}

func (e *robotsEntry) fetch(ctx context.Context, req *http.Request, next func(*http.Request) (*http.Response, error)) {
	defer close(e.ready)
	u := req.URL
	for hop := 0; ; hop++ {
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			e.err = err
			return
		}
		r.Header = req.Header.Clone()
		resp, err := next(r)
		if err != nil {
			e.err = err
			return
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" && hop < robotsHops {
			resp.Body.Close()
			to, err := u.Parse(loc)
			if err != nil || (to.Scheme != "http" && to.Scheme != "https") {
				// an unusable redirect: as if there were no file
				e.status, e.header, e.fetched = http.StatusNotFound, http.Header{}, time.Now()
				return
			}
			u = to
			continue
		}
		e.body, e.err = io.ReadAll(io.LimitReader(resp.Body, robotsMaxBytes))
		resp.Body.Close()
		e.status, e.header, e.fetched = resp.StatusCode, resp.Header, time.Now()
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			// too many redirects: RFC 9309 says to take it as unavailable
			e.status, e.body = http.StatusNotFound, nil
		}
		return
	}
}
