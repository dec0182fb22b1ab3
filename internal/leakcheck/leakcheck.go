// Package leakcheck fails a package's tests when they leave goroutines
// running (go.uber.org/goleak), but for those meant to outlive a test:
// the PDF pool's idle workers (extract), waiting for their next document,
// Bleve's analysis workers, started when it loads, and the idle
// connections of HTTP clients.
package leakcheck

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// settle is how long the goroutines of the last tests are given to end
// before those left count as leaked. goleak alone looks again for about
// 0.4 s, which a loaded machine (-race, every package's tests at once)
// can spend before a goroutine ending with its test is run at all: a
// server's connection after Close, a serve's background work after its
// context ended. A goroutine leaked is there still after settle.
const settle = 30 * time.Second

// Main runs the tests, then checks that no goroutine is left but the
// ones above; it does not return.
func Main(m *testing.M, also ...goleak.Option) {
	code := m.Run()
	if code == 0 {
		if err := find(settle, append(Ignored(), also...)...); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: Errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// find is goleak.Find, looking again until no goroutine is left or
// within has passed.
func find(within time.Duration, opts ...goleak.Option) error {
	deadline := time.Now().Add(within)
	for {
		err := goleak.Find(opts...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Ignored are the goroutines that outlive a test on purpose.
func Ignored() []goleak.Option {
	return []goleak.Option{
		// an idle PDF worker's process, reaped when it ends
		goleak.IgnoreAnyFunction("github.com/s54dev/s54/extract.startWorker.func1"),
		// the copy of a worker's stderr, which ends with it
		goleak.IgnoreAnyFunction("os/exec.(*Cmd).writerDescriptor.func1"),
		// a retired worker given its last seconds to exit
		goleak.IgnoreAnyFunction("github.com/s54dev/s54/extract.(*pdfWorker).close.func1"),
		// Bleve's package-wide analysis queue
		goleak.IgnoreTopFunction("github.com/blevesearch/bleve_index_api.AnalysisWorker"),
		// keep-alive connections of the HTTP clients the tests use
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	}
}
