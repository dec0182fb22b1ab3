package crawler

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// robotsCache keeps each host's robots.txt for a day (RFC 9309 §2.4), so
// that organisations sharing a host (a group and its subsidiaries) do not
// fetch it once each. colly parses and applies it; this only answers
// colly's request for the file from memory.
type robotsCache struct {
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

// robotsMaxBytes is the most of a robots.txt read (RFC 9309 asks for at
// least 500 KiB).
const robotsMaxBytes = 512 << 10

const robotsTTL = 24 * time.Hour

// roundTrip answers a request for /robots.txt, fetching it with next
// the first time for its scheme and host. Errors are not cached.
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
			if e.err != nil || time.Since(e.fetched) > robotsTTL {
				ok = false
			}
		default:
		}
	}
	if !ok {
		e = &robotsEntry{ready: make(chan struct{})}
		c.hosts[key] = e
		c.mu.Unlock()
		e.fetch(req, next)
	} else {
		c.mu.Unlock()
		select {
		case <-e.ready:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
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

func (e *robotsEntry) fetch(req *http.Request, next func(*http.Request) (*http.Response, error)) {
	defer close(e.ready)
	resp, err := next(req)
	if err != nil {
		e.err = err
		return
	}
	defer resp.Body.Close()
	e.body, e.err = io.ReadAll(io.LimitReader(resp.Body, robotsMaxBytes))
	e.status, e.header, e.fetched = resp.StatusCode, resp.Header, time.Now()
}
