// Package urlfetch stands in for google.golang.org/appengine/urlfetch.
//
// colly imports the App Engine SDK only for Collector.Appengine, which
// runs a collector on classic App Engine and which s54 never calls. The
// real SDK's package initialisers register its protobuf types: about
// 2.5 ms at the start of every s54 process, including the child process
// that reads each PDF (measured with GODEBUG=inittrace=1). go.mod replaces
// the module with this one; its only function refuses to fetch anything,
// so nothing can bypass the crawler's guarded transport through it.
package urlfetch

import (
	"context"
	"errors"
	"net/http"
)

// Client returns an HTTP client that fails every request.
func Client(context.Context) *http.Client {
	return &http.Client{Transport: unsupported{}}
}

type unsupported struct{}

func (unsupported) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("App Engine urlfetch is not available in s54")
}
