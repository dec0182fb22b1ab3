// Package leakcheck fails a package's tests when they leave goroutines
// running (go.uber.org/goleak), but for those meant to outlive a test:
// the PDF pool's idle workers (extract), waiting for their next document,
// Bleve's analysis workers, started when it loads, and the idle
// connections of HTTP clients.
package leakcheck

import (
	"testing"

	"go.uber.org/goleak"
)

// Main runs the tests, then checks that no goroutine is left but the
// ones above; it does not return.
func Main(m *testing.M, also ...goleak.Option) {
	goleak.VerifyTestMain(m, append(Ignored(), also...)...)
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
