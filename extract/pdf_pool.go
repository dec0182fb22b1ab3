package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PoolOptions size a pool of PDF workers; zero values take the defaults.
type PoolOptions struct {
	// Workers is how many documents are read at once (the processors).
	Workers int
	// MaxDocuments: a worker is replaced after reading this many (200),
	MaxDocuments int
	// MaxResident: or once its resident memory passes this (400 MB),
	MaxResident int64
	// IdleTimeout: or once it has waited this long for work (1 minute).
	IdleTimeout time.Duration
	// MemoryLimit is each worker's hard memory limit (1 GB; Linux only).
	MemoryLimit int64
}

// Pool reads PDFs in long-lived worker processes, as many at once as it
// has workers. A worker that passes its deadline is killed, one that
// crashes (its memory limit, a fatal runtime error) is reported in one
// line, and either is replaced when the next document comes.
type Pool struct {
	opts  PoolOptions
	slots chan struct{}

	mu     sync.Mutex
	idle   []*pdfWorker
	closed bool

	started atomic.Int64
}

// Started is how many worker processes the pool has started: one per
// worker at first, then one for each replaced.
func (p *Pool) Started() int { return int(p.started.Load()) }

// NewPool returns a pool; workers start when documents come.
func NewPool(opts PoolOptions) *Pool {
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.MaxDocuments <= 0 {
		opts.MaxDocuments = 200
	}
	if opts.MaxResident <= 0 {
		opts.MaxResident = 400 << 20
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = time.Minute
	}
	if opts.MemoryLimit <= 0 {
		opts.MemoryLimit = workerMemoryLimit
	}
	return &Pool{opts: opts, slots: make(chan struct{}, opts.Workers)}
}

// defaultPool serves Bytes, File and Reader.
var defaultPool = sync.OnceValue(func() *Pool { return NewPool(PoolOptions{}) })

// Close stops the idle workers; busy ones stop when their document is done.
func (p *Pool) Close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, w := range idle {
		w.close()
	}
}

// extract reads one PDF in a worker within timeout.
func (p *Pool) extract(ctx context.Context, data []byte, req workerRequest, progress func(done, total int)) (pdfResult, error) {
	req.Progress = progress != nil
	select {
	case p.slots <- struct{}{}:
		defer func() { <-p.slots }()
	case <-ctx.Done():
		return pdfResult{}, ctx.Err()
	}
	w, err := p.take()
	if err != nil {
		return pdfResult{}, err
	}
	tctx, cancel := context.WithTimeout(ctx, req.Timeout)
	defer cancel()

	type answer struct {
		resp workerResponse
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := w.exchange(data, req, progress)
		done <- answer{resp, err}
	}()
	var a answer
	select {
	case a = <-done:
	case <-tctx.Done():
		w.kill()
		<-done // the pipes break once it is dead
		if errors.Is(ctx.Err(), context.Canceled) {
			return pdfResult{}, ctx.Err()
		}
		return pdfResult{}, fmt.Errorf("%w after %s", ErrTimeout, req.Timeout)
	}
	if a.err != nil {
		w.kill()
		return pdfResult{}, &pdfError{ErrCorrupt, w.crash(p.opts.MemoryLimit)}
	}
	p.put(w)
	if a.resp.Result != nil {
		return *a.resp.Result, nil
	}
	if kind := pdfErrorKinds[a.resp.Kind]; kind != nil {
		return pdfResult{}, &pdfError{kind, a.resp.Detail}
	}
	return pdfResult{}, errors.New(a.resp.Detail)
}

// take returns an idle worker or starts one.
func (p *Pool) take() (*pdfWorker, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		w.idleTimer.Stop()
		return w, nil
	}
	p.mu.Unlock()
	p.started.Add(1)
	return startWorker(p.opts.MemoryLimit)
}

// put returns a worker for the next document, or ends it when it has read
// enough, holds too much memory or the pool is closed.
func (p *Pool) put(w *pdfWorker) {
	w.docs++
	if w.docs >= p.opts.MaxDocuments || residentBytes(w.cmd.Process.Pid) > p.opts.MaxResident {
		w.close()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		go w.close()
		return
	}
	p.idle = append(p.idle, w)
	if w.idleTimer == nil {
		w.idleTimer = time.AfterFunc(p.opts.IdleTimeout, func() { p.retire(w) })
	} else {
		w.idleTimer.Reset(p.opts.IdleTimeout)
	}
}

// retire ends a worker that has waited too long, if it is still idle.
func (p *Pool) retire(w *pdfWorker) {
	p.mu.Lock()
	for i, iw := range p.idle {
		if iw == w {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			p.mu.Unlock()
			w.close()
			return
		}
	}
	p.mu.Unlock()
}

// pdfWorker is one worker process.
type pdfWorker struct {
	cmd       *exec.Cmd
	in        io.WriteCloser
	out       *bufio.Reader
	stderr    *tailBuffer
	docs      int
	idleTimer *time.Timer
	waited    chan struct{} // closed once the process is reaped
}

func startWorker(memoryLimit int64) (*pdfWorker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start the PDF reader: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), workerEnv+"="+strconv.FormatInt(memoryLimit, 10))
	w := &pdfWorker{cmd: cmd, stderr: &tailBuffer{max: 16 << 10}, waited: make(chan struct{})}
	cmd.Stderr = w.stderr
	cmd.WaitDelay = 2 * time.Second // a grandchild may hold stderr open
	if w.in, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("start the PDF reader: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start the PDF reader: %w", err)
	}
	w.out = bufio.NewReader(out)
	isolateChild(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the PDF reader: %w", err)
	}
	go func() {
		cmd.Wait()
		close(w.waited)
	}()
	return w, nil
}

// exchange sends one document and reads the answer, telling progress of
// the frames of progress before it.
func (w *pdfWorker) exchange(data []byte, req workerRequest, progress func(done, total int)) (workerResponse, error) {
	w.stderr.Reset()
	hdr, err := json.Marshal(req)
	if err != nil {
		return workerResponse{}, err
	}
	if err := writeFrame(w.in, hdr); err != nil {
		return workerResponse{}, err
	}
	if err := writeFrame(w.in, data); err != nil {
		return workerResponse{}, err
	}
	for {
		frame, err := readFrame(w.out, maxWorkerFrame)
		if err != nil {
			return workerResponse{}, err
		}
		var resp workerResponse
		if err := json.Unmarshal(frame, &resp); err != nil || resp.Progress == nil {
			return resp, err
		}
		if progress != nil {
			progress(resp.Progress[0], resp.Progress[1])
		}
	}
}

// close lets the worker finish: it exits when its input ends.
func (w *pdfWorker) close() {
	w.in.Close()
	go func() {
		select {
		case <-w.waited:
		case <-time.After(5 * time.Second):
			killGroup(w.cmd.Process)
		}
	}()
}

// kill ends the worker at once and waits for it.
func (w *pdfWorker) kill() {
	select {
	case <-w.waited: // reaped: its process id may be another's now
	default:
		killGroup(w.cmd.Process)
	}
	w.in.Close()
	<-w.waited
}

// crash says in one line why a dead worker gave no answer: its memory
// limit, the runtime's fatal error (a stack overflow), a signal, or its
// exit status.
func (w *pdfWorker) crash(memoryLimit int64) string {
	<-w.waited
	out := w.stderr.String()
	// the last is the race detector's allocator, in a -race build
	for _, sign := range []string{"out of memory", "cannot allocate memory", "pthread_create failed", "failed to allocate"} {
		if strings.Contains(out, sign) {
			return fmt.Sprintf("reading it needs more than the %d MB of memory a PDF reader may use", memoryLimit>>20)
		}
	}
	msg := ""
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		if m, ok := strings.CutPrefix(line, "fatal error: "); ok {
			msg = m
			break
		}
		if msg == "" && line != "" && !strings.HasPrefix(line, "goroutine ") {
			msg = line
		}
	}
	if msg == "" {
		msg = w.cmd.ProcessState.String()
	}
	return "the PDF reader failed on it (" + strings.TrimPrefix(msg, "runtime: ") + ")"
}

// tailBuffer keeps the first max bytes a worker writes to stderr for its
// current document.
type tailBuffer struct {
	mu  sync.Mutex
	b   bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - t.b.Len(); room > 0 {
		t.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (t *tailBuffer) Reset() {
	t.mu.Lock()
	t.b.Reset()
	t.mu.Unlock()
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}
