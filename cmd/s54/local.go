package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/atomicfile"
	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/web"
)

// While s54 serve runs it owns the search index (Bleve allows one process
// at a time), and the command line hands it the work that needs the
// index: s54 crawl, search and index rebuild. They talk over a Unix socket
// in the data folder, server/s54.sock, in a folder only the server's user
// may enter (0700), the socket itself 0600; each request carries the token
// the server writes beside it at its start (server/token, 0600), and on
// Linux the kernel's word on the peer's user is checked as well. The
// protocol is HTTP: JSON requests, JSON answers, and a crawl's events as
// they come, one JSON object a line.

// The server folder and its files.
const (
	serverDirName = "server"
	socketName    = "s54.sock"
	tokenName     = "token"
	lockName      = "lock"
	// maxSocketPath is the longest path a Unix socket may have (sun_path
	// holds 108 bytes on Linux, 104 on the BSDs and macOS).
	maxSocketPath = 103
)

// errFolderTaken: another s54 serve holds the data folder.
var errFolderTaken = errors.New("the data folder is served already")

func (g *globals) serverDir() string { return filepath.Join(g.data, serverDirName) }

// claimFolder makes the server folder and takes its lock for this server,
// held until release; another server holding it is refused in one line
// that says which.
func (g *globals) claimFolder() (lock *os.File, err error) {
	dir := g.serverDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if err := ownDir(dir); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errFolderTaken) {
			who, _ := os.ReadFile(filepath.Join(dir, lockName))
			if s := strings.TrimSpace(string(who)); s != "" {
				return nil, fmt.Errorf("serve: s54 serve is running on %s already (%s): stop it first, or give another --data", g.data, s)
			}
			return nil, fmt.Errorf("serve: s54 serve is running on %s already: stop it first, or give another --data", g.data)
		}
		return nil, fmt.Errorf("serve: lock %s: %w", dir, err)
	}
	return f, nil
}

// sayServing writes who holds the lock, for the message of a second
// server.
func sayServing(lock *os.File, addr string) {
	lock.Truncate(0)
	lock.WriteAt([]byte(fmt.Sprintf("pid %d, http://%s/\n", os.Getpid(), addr)), 0)
}

// localServer answers the command line on the socket.
type localServer struct {
	rn    *runner
	x     *index.Index
	addr  string
	token string
	log   *slog.Logger
}

// listenLocal writes a new token and listens on the socket; a socket left
// by a server that died is removed first (the lock says none runs). A
// data folder whose path is too long for a socket is served without one:
// the command line then finds the index in use, as before.
func (g *globals) listenLocal() (net.Listener, string, error) {
	dir := g.serverDir()
	path := filepath.Join(dir, socketName)
	if abs, err := filepath.Abs(path); err == nil && len(abs) > maxSocketPath {
		return nil, "", fmt.Errorf("the data folder's path is too long for a socket (%d bytes; %d at most)", len(abs), maxSocketPath)
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := hex.EncodeToString(b)
	if err := atomicfile.Write(filepath.Join(dir, tokenName), func(w io.Writer) error {
		_, err := io.WriteString(w, token)
		return err
	}); err != nil {
		return nil, "", err
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, "", err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, "", err
	}
	return peerListener{ln}, token, nil
}

// peerListener drops the connections of other users (peerAllowed).
type peerListener struct{ net.Listener }

func (l peerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil || peerAllowed(c) {
			return c, err
		}
		c.Close()
	}
}

func (ls *localServer) handler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /v1/hello", ls.hello)
	m.HandleFunc("POST /v1/crawl", ls.crawl)
	m.HandleFunc("POST /v1/runs/{id}/stop", ls.stop)
	m.HandleFunc("POST /v1/search", ls.search)
	m.HandleFunc("POST /v1/index/rebuild", ls.rebuild)
	m.HandleFunc("POST /v1/recheck", ls.recheck)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(tok), []byte(ls.token)) != 1 {
			localError(w, http.StatusUnauthorized, errors.New("the token of the server folder is needed"))
			return
		}
		m.ServeHTTP(w, r)
	})
}

func localError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": oneline.Of(err.Error())})
}

// helloJSON says which server answers.
type helloJSON struct {
	PID     int    `json:"pid"`
	Addr    string `json:"addr"`
	Version string `json:"version"`
}

func (ls *localServer) hello(w http.ResponseWriter, _ *http.Request) {
	json.NewEncoder(w).Encode(helloJSON{PID: os.Getpid(), Addr: ls.addr, Version: version})
}

// localCrawl is s54 crawl's request.
type localCrawl struct {
	Region       string   `json:"region"`
	Orgs         []string `json:"orgs"`
	Restart      bool     `json:"restart"`
	AllowPrivate bool     `json:"allow_private"`
	// Concurrency and Delay, when set, replace the server's settings.
	Concurrency int            `json:"concurrency,omitempty"`
	Delay       *time.Duration `json:"delay,omitempty"`
	By          string         `json:"by"`
}

// localEvent is a line of a crawl's answer: "started", then "org" for each
// organisation done, then "finished".
type localEvent struct {
	Event   string `json:"event"`
	RunID   int64  `json:"run_id,omitempty"`
	Resumed bool   `json:"resumed,omitempty"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	// an organisation done
	CompanyNumber string                   `json:"company_number,omitempty"`
	Name          string                   `json:"name,omitempty"`
	Outcome       statement.RegisterStatus `json:"outcome,omitempty"`
	URL           string                   `json:"url,omitempty"`
	Reason        string                   `json:"reason,omitempty"`
	Rating        statement.Rating         `json:"rating,omitempty"`
	// the end
	Summary   *pipeline.Summary  `json:"summary,omitempty"`
	State     statement.RunState `json:"state,omitempty"`
	StoppedBy string             `json:"stopped_by,omitempty"`
	Error     string             `json:"error,omitempty"`
}

// crawl runs s54 crawl's crawl and sends its events until it ends. A
// client that goes away leaves the run going: it stops the run first
// when it means to (Ctrl-C).
func (ls *localServer) crawl(w http.ResponseWriter, r *http.Request) {
	var req localCrawl
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		localError(w, http.StatusBadRequest, err)
		return
	}
	job, err := ls.rn.jobFor(r.Context(), web.CrawlRequest{Region: req.Region, CompanyNumbers: req.Orgs, Restart: req.Restart, By: req.By})
	if err != nil {
		localError(w, crawlStatus(err), err)
		return
	}
	if req.Concurrency > 0 {
		job.cc.Concurrency = req.Concurrency
	}
	if req.Delay != nil {
		job.cc.Delay = *req.Delay
	}
	job.reach.allowPrivate = job.reach.allowPrivate || req.AllowPrivate
	f := newFollower()
	lr, err := ls.rn.start(r.Context(), job, false, f)
	if err != nil {
		localError(w, crawlStatus(err), err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	flush := func() {
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
	}
	ls.rn.mu.Lock()
	start := localEvent{Event: "started", RunID: lr.ID, Resumed: lr.DoneBefore > 0, Done: lr.DoneBefore, Total: lr.Total}
	ls.rn.mu.Unlock()
	enc.Encode(start)
	flush()
	send := func() {
		for _, ev := range f.take() {
			enc.Encode(localEvent{Event: "org", Done: ev.Done, Total: ev.Total, CompanyNumber: ev.Org.CompanyNumber,
				Name: ev.Org.Name, Outcome: ev.Outcome, URL: ev.URL, Reason: ev.Reason, Rating: ev.Rating})
		}
		flush()
	}
	for {
		select {
		case <-f.wake:
			send()
			continue
		case <-lr.ended:
		case <-r.Context().Done():
			return
		}
		break
	}
	send()
	end := localEvent{Event: "finished", RunID: lr.ID, Summary: &lr.sum, Done: lr.sum.Done, Total: lr.sum.Total - lr.sum.NoWebsite,
		State: statement.RunCompleted, StoppedBy: lr.sum.StoppedBy}
	switch {
	case lr.sum.StoppedBy != "":
		end.State = statement.RunStopped
	case lr.sum.Interrupted:
		end.State = statement.RunInterrupted
	case lr.err != nil:
		end.State, end.Error = statement.RunFailed, lr.err.Error()
	}
	enc.Encode(end)
	flush()
}

// stop stops the run going on, for s54 crawl's Ctrl-C.
func (ls *localServer) stop(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		localError(w, http.StatusNotFound, err)
		return
	}
	var req struct {
		By string `json:"by"`
	}
	json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req)
	if err := ls.rn.Stop(id, req.By); err != nil {
		localError(w, crawlStatus(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// search is s54 search's query, answered from the server's index.
func (ls *localServer) search(w http.ResponseWriter, r *http.Request) {
	var q index.Query
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&q); err != nil {
		localError(w, http.StatusBadRequest, err)
		return
	}
	res, err := ls.x.Search(r.Context(), q)
	switch {
	case errors.Is(err, index.ErrQuery):
		localError(w, http.StatusBadRequest, err)
	case err != nil:
		localError(w, http.StatusInternalServerError, err)
	default:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(res)
	}
}

// rebuildJSON is what s54 index rebuild is told.
type rebuildJSON struct {
	Indexed    int    `json:"indexed"`
	Unreadable int    `json:"unreadable"`
	FirstError string `json:"first_error,omitempty"`
}

// rebuild makes the server's index again, in the crawls' turn.
func (ls *localServer) rebuild(w http.ResponseWriter, r *http.Request) {
	stats, err := ls.rn.rebuild()
	if err != nil {
		localError(w, crawlStatus(err), err)
		return
	}
	json.NewEncoder(w).Encode(rebuildResult(stats))
}

// rebuildResult is what an index made again says it did.
func rebuildResult(stats pipeline.RebuildStats) rebuildJSON {
	out := rebuildJSON{Indexed: stats.Indexed, Unreadable: stats.Unreadable}
	if stats.FirstError != nil {
		out.FirstError = stats.FirstError.Error()
	}
	return out
}

// localRecheck is s54 recheck's request: the rules it would read with
// (their id) and its --all.
type localRecheck struct {
	Rules string `json:"rules"`
	All   bool   `json:"all"`
}

// recheckJSON is what s54 recheck is told.
type recheckJSON struct {
	Rules         string   `json:"rules"`
	Reassessed    int      `json:"reassessed"`
	RatingChanged int      `json:"rating_changed"`
	Current       int      `json:"current"`
	NotStatements []string `json:"not_statements,omitempty"`
	rebuildJSON
}

// recheck assesses the stored statements again with the server's rules, in
// the crawls' turn. The command line must mean the same rules: a server
// started with other rules would otherwise put its own on the register.
func (ls *localServer) recheck(w http.ResponseWriter, r *http.Request) {
	var req localRecheck
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		localError(w, http.StatusBadRequest, err)
		return
	}
	// the rules the server's crawls read with, as each crawl loads them
	ck, err := ls.rn.g.checker()
	if err != nil {
		localError(w, http.StatusInternalServerError, err)
		return
	}
	if req.Rules != ck.RulesID() {
		localError(w, http.StatusConflict, fmt.Errorf("the s54 serve running on this data folder reads with the rules %s, not %s: restart it with the rules you mean, then run s54 recheck",
			ck.RulesID(), req.Rules))
		return
	}
	rs, err := ls.rn.recheck(ck, req.All)
	if err != nil {
		localError(w, crawlStatus(err), err)
		return
	}
	json.NewEncoder(w).Encode(recheckResult(ck, rs))
}

// crawlStatus is the status of a runner's error.
func crawlStatus(err error) int {
	switch {
	case errors.Is(err, web.ErrCrawlRunning), errors.Is(err, web.ErrNotRunning), errors.Is(err, errStopping):
		return http.StatusConflict
	case errors.Is(err, web.ErrCrawlRequest):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// serveLocal serves the command line on ln until stop is called, which
// waits a little for the answers going out (a crawl's last event).
func (ls *localServer) serveLocal(ln net.Listener) (stop func()) {
	hs := &http.Server{Handler: ls.handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(ls.log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			ls.log.Warn("local socket", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if hs.Shutdown(ctx) != nil {
			hs.Close()
		}
		<-done
	}
}
