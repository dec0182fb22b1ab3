package crawler

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// fakeServer is a RoundTripper that answers after taking its time, on the
// bubble's clock; it notes when each request started and how many were
// in flight at most.
type fakeServer struct {
	took     time.Duration
	mu       sync.Mutex
	starts   []time.Time
	inFlight atomic.Int32
	most     atomic.Int32
}

func (s *fakeServer) RoundTrip(req *http.Request) (*http.Response, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
	}
	s.mu.Lock()
	s.starts = append(s.starts, time.Now())
	s.mu.Unlock()
	select {
	case <-time.After(s.took):
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("<p>nothing</p>")),
		Request: req}, nil
}

func get(t *testing.T, rt http.RoundTripper, ctx context.Context, url string) error {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := rt.RoundTrip(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return err
}

// TestPoliteOneRequestAtATimePerHost: four organisations on one host take
// turns, with the delay from the end of one request to the start of the
// next.
func TestPoliteOneRequestAtATimePerHost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &fakeServer{took: 5 * time.Millisecond}
		const delay = 30 * time.Millisecond
		p := newPoliteTransport(srv, delay, time.Second)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				if err := get(t, p, context.Background(), "http://group.test/org"+string(rune('a'+i))+"/"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if srv.most.Load() != 1 {
			t.Errorf("%d requests at once on one host, want 1", srv.most.Load())
		}
		if len(srv.starts) != 4 {
			t.Fatalf("%d requests, want 4", len(srv.starts))
		}
		for i := 1; i < len(srv.starts); i++ {
			if gap := srv.starts[i].Sub(srv.starts[i-1]); gap != srv.took+delay {
				t.Errorf("request %d started %s after the previous, want %s", i, gap, srv.took+delay)
			}
		}
		// another host does not wait for this one's turn
		start := time.Now()
		if err := get(t, p, context.Background(), "http://other.test/"); err != nil || time.Since(start) != srv.took {
			t.Errorf("another host: %v after %s, want %s", err, time.Since(start), srv.took)
		}
	})
}

// TestWaitingForTheHostIsNotATimeout queues many organisations on one
// host: the time each waits for its turn must not count against its
// request's time limit (each takes 100 ms of its 500 ms; the queue, 1.2 s).
func TestWaitingForTheHostIsNotATimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &fakeServer{took: 100 * time.Millisecond}
		p := newPoliteTransport(srv, 0, 500*time.Millisecond)
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				if err := get(t, p, context.Background(), "http://group.test/sub"+string(rune('a'+i))+"/"); err != nil {
					t.Errorf("subsidiary %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		// and a request that takes longer than its limit is stopped
		slow := newPoliteTransport(&fakeServer{took: time.Second}, 0, 500*time.Millisecond)
		if err := get(t, slow, context.Background(), "http://slow.test/"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a request over its limit: %v, want a deadline", err)
		}
	})
}

// TestSharedRobotsSurvivesACancelledSite: a site stopped while the host's
// robots.txt is being fetched must not fail another site waiting for it;
// the file is fetched once for both.
func TestSharedRobotsSurvivesACancelledSite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &fakeServer{took: 300 * time.Millisecond}
		life, stop := context.WithCancel(context.Background())
		defer stop()
		c := &robotsCache{life: life}
		robots := func(ctx context.Context) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://group.test/robots.txt", nil)
			resp, err := c.roundTrip(req, srv.RoundTrip)
			if err == nil {
				resp.Body.Close()
			}
			return err
		}
		short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		stopped := make(chan error)
		go func() { stopped <- robots(short) }()
		synctest.Wait() // the first site waits for the file
		if err := robots(context.Background()); err != nil {
			t.Errorf("the site that waited: %v", err)
		}
		if err := <-stopped; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the stopped site: %v, want its deadline", err)
		}
		if len(srv.starts) != 1 {
			t.Errorf("robots.txt fetched %d times, want once", len(srv.starts))
		}
	})
}
