package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// serverClient asks the s54 serve running on the data folder, over its
// socket (local.go).
type serverClient struct {
	hc    *http.Client
	token string
}

// server returns a client of the s54 serve running on the data folder,
// or nil when none runs there: the command then works alone.
func (g *globals) server() (*serverClient, error) {
	dir := g.serverDir()
	path := filepath.Join(dir, socketName)
	if abs, err := filepath.Abs(path); err != nil || len(abs) > maxSocketPath {
		return nil, nil // no server can listen there
	}
	other := func() error {
		return fmt.Errorf("s54 serve runs on %s as another user (%s is not yours): run this command as that user", g.data, dir)
	}
	conn, err := net.DialTimeout("unix", path, 5*time.Second)
	switch {
	case errors.Is(err, os.ErrPermission):
		return nil, other()
	case errors.Is(err, os.ErrNotExist), errors.Is(err, syscall.ECONNREFUSED):
		return nil, nil // none, or one that died: its lock says which
	case err != nil:
		return nil, fmt.Errorf("s54 serve's socket %s: %w", path, err)
	}
	conn.Close()
	token, err := os.ReadFile(filepath.Join(dir, tokenName))
	if errors.Is(err, os.ErrPermission) {
		return nil, other()
	}
	if err != nil {
		return nil, fmt.Errorf("s54 serve's token: %w", err)
	}
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}
	return &serverClient{hc: &http.Client{Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}}, token: strings.TrimSpace(string(token))}, nil
}

// call sends a request with a JSON body and returns the answer, whose
// status is 2xx; an error answer becomes an error with the server's
// words, which usage turns into a usage error for 400s.
func (c *serverClient) call(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var b bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&b).Encode(body); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://s54"+path, &b)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("s54 serve: %w", err)
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	var e struct {
		Error string `json:"error"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
	if e.Error == "" {
		e.Error = resp.Status
	}
	return nil, &serverError{status: resp.StatusCode, msg: e.Error}
}

// serverError is an error answer of the server.
type serverError struct {
	status int
	msg    string
}

func (e *serverError) Error() string { return e.msg }

// search runs a query on the server's index.
func (c *serverClient) search(ctx context.Context, q index.Query) (*index.Result, error) {
	resp, err := c.call(ctx, http.MethodPost, "/v1/search", q)
	if se, ok := errors.AsType[*serverError](err); ok && se.status == http.StatusBadRequest {
		return nil, fmt.Errorf("%w: %s", index.ErrQuery, strings.TrimPrefix(se.msg, index.ErrQuery.Error()+": "))
	}
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var res index.Result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, fmt.Errorf("s54 serve: %w", err)
	}
	return &res, nil
}

// rebuild has the server make its index again.
func (c *serverClient) rebuild(ctx context.Context) (rebuildJSON, error) {
	return postJSON[rebuildJSON](ctx, c, "/v1/index/rebuild", nil)
}

// recheck has the server assess the stored statements again.
func (c *serverClient) recheck(ctx context.Context, req localRecheck) (recheckJSON, error) {
	return postJSON[recheckJSON](ctx, c, "/v1/recheck", req)
}

// postJSON posts body to the server and reads its JSON answer.
func postJSON[T any](ctx context.Context, c *serverClient, path string, body any) (T, error) {
	var out T
	resp, err := c.call(ctx, http.MethodPost, path, body)
	if se, ok := errors.AsType[*serverError](err); ok && se.status == http.StatusNotFound {
		return out, errors.New("the s54 serve running on this data folder is older than this s54 and cannot do this: restart it")
	}
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return out, fmt.Errorf("s54 serve: %w", err)
	}
	return out, nil
}

// crawl has the server crawl, and follows the run to its end: started
// gets the run's start, event each organisation done. When ctx ends
// (Ctrl-C) the run is stopped for req.By, and followed to its end still.
// The answer is the run's last event.
func (c *serverClient) crawl(ctx context.Context, req localCrawl, started func(localEvent), event func(pipeline.Event)) (localEvent, error) {
	resp, err := c.call(context.WithoutCancel(ctx), http.MethodPost, "/v1/crawl", req)
	if err != nil {
		return localEvent{}, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	stopped := make(chan struct{})
	defer close(stopped)
	for sc.Scan() {
		var ev localEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return localEvent{}, fmt.Errorf("s54 serve: %w", err)
		}
		switch ev.Event {
		case "started":
			started(ev)
			go func() {
				select {
				case <-ctx.Done():
					stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
					defer cancel()
					if r, err := c.call(stop, http.MethodPost, "/v1/runs/"+strconv.FormatInt(ev.RunID, 10)+"/stop",
						map[string]string{"by": req.By}); err == nil {
						r.Body.Close()
					}
				case <-stopped:
				}
			}()
		case "org":
			event(pipeline.Event{Org: store.OrgRecord{Org: statement.Org{CompanyNumber: ev.CompanyNumber, Name: ev.Name}},
				Outcome: ev.Outcome, URL: ev.URL, Reason: ev.Reason, Rating: ev.Rating, Done: ev.Done, Total: ev.Total})
		case "finished":
			return ev, nil
		}
	}
	err = sc.Err()
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return localEvent{}, fmt.Errorf("lost s54 serve before the crawl's end (%s): see its runs page", oneline.Of(err.Error()))
}
