package crawler

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// politeTransport lets at most one request at a time reach each host, with
// a pause between the end of one and the start of the next, however many
// sites are crawled at once: two organisations on one host (a group and
// its subsidiaries) share the host's turn. A request holds the host until
// its body is closed.
type politeTransport struct {
	next  http.RoundTripper
	delay time.Duration
	// timeout bounds each request from the moment it has the host's
	// turn to the end of its body: time spent waiting for the turn (a
	// group's subsidiaries queue on one host) is not the server's fault.
	timeout time.Duration

	mu    sync.Mutex
	hosts map[string]*hostTurn
}

type hostTurn struct {
	turn  chan struct{} // holds one token while a request is in flight
	next  time.Time     // earliest start of the next request (guarded by turn)
	users int           // waiting or in flight (guarded by politeTransport.mu)
}

func newPoliteTransport(next http.RoundTripper, delay, timeout time.Duration) *politeTransport {
	return &politeTransport{next: next, delay: delay, timeout: timeout, hosts: map[string]*hostTurn{}}
}

func (t *politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := strings.ToLower(req.URL.Host)
	h, err := t.acquire(req.Context(), host)
	if err != nil {
		return nil, err
	}
	cancel := context.CancelFunc(func() {})
	if t.timeout > 0 {
		var ctx context.Context
		ctx, cancel = context.WithTimeout(req.Context(), t.timeout)
		req = req.WithContext(ctx)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		cancel()
		t.release(host, h)
		return nil, err
	}
	resp.Body = &afterClose{ReadCloser: resp.Body, after: func() { cancel(); t.release(host, h) }}
	return resp, nil
}

// acquire waits for the host's turn and its politeness delay.
func (t *politeTransport) acquire(ctx context.Context, host string) (*hostTurn, error) {
	t.mu.Lock()
	h := t.hosts[host]
	if h == nil {
		h = &hostTurn{turn: make(chan struct{}, 1)}
		t.hosts[host] = h
	}
	h.users++
	t.mu.Unlock()
	select {
	case h.turn <- struct{}{}:
	case <-ctx.Done():
		t.leave(host, h)
		return nil, ctx.Err()
	}
	if wait := time.Until(h.next); wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			<-h.turn
			t.leave(host, h)
			return nil, ctx.Err()
		}
	}
	return h, nil
}

func (t *politeTransport) release(host string, h *hostTurn) {
	h.next = time.Now().Add(t.delay)
	<-h.turn
	t.leave(host, h)
}

// leave forgets a host nobody waits for once its delay has passed (now,
// or in a sweep when there are many), so a crawl of many sites does not
// keep one entry per host for ever.
func (t *politeTransport) leave(host string, h *hostTurn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h.users--
	now := time.Now()
	if h.users == 0 && !now.Before(h.next) {
		delete(t.hosts, host)
	}
	if len(t.hosts) > politeSweepAt {
		for k, e := range t.hosts {
			if e.users == 0 && !now.Before(e.next) {
				delete(t.hosts, k)
			}
		}
	}
}

// politeSweepAt is the number of hosts remembered past which the idle
// ones are forgotten.
const politeSweepAt = 256

// afterClose runs after, once, when the body is closed: it gives the
// host's turn back, ends a request's context.
type afterClose struct {
	io.ReadCloser
	once  sync.Once
	after func()
}

func (b *afterClose) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.after)
	return err
}
