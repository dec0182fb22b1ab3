package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gocolly/colly/v2"

	"github.com/s54dev/s54/internal/oneline"
	"github.com/s54dev/s54/statement"
)

// errBudget: the site's request bound was reached.
var errBudget = errors.New("request limit for the site reached")

// statusError is an HTTP status other than 200.
type statusError struct{ code int }

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.code, http.StatusText(e.code))
}

// cannotConnect reports whether err is a failure to reach the server at
// all (a name that does not resolve, a refused connection, a TLS
// failure), not an answer or a time-out.
func cannotConnect(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	var st *statusError
	if errors.As(err, &st) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrPrivateAddress) || errors.Is(err, errBudget) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	m := err.Error()
	return errors.As(err, &dns) || errors.As(err, &op) || strings.Contains(m, "tls:") ||
		strings.Contains(m, "x509:") || strings.Contains(m, "HTTP response to HTTPS client")
}

// classify turns a fetch error into an outcome, a one-line reason and the
// HTTP status, if any.
func classify(err error) (statement.RegisterStatus, string, int) {
	var st *statusError
	var ne net.Error
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return statement.RobotsBlocked, "disallowed by robots.txt for s54's User-Agent", 0
	case errors.As(err, &st):
		if st.code >= 500 {
			return statement.Unreachable, "the server answered " + st.Error(), st.code
		}
		return statement.CrawlError, "the server answered " + st.Error(), st.code
	case errors.Is(err, ErrPrivateAddress):
		return statement.CrawlError, shortError(err), 0
	case errors.Is(err, ErrTooLarge):
		return statement.CrawlError, shortError(err), 0
	case errors.Is(err, errBudget):
		return statement.CrawlError, shortError(err), 0
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return statement.Unreachable, "timed out", 0
	case errors.As(err, &dns):
		return statement.Unreachable, "the name does not resolve: " + dns.Name, 0
	case errors.As(err, &op):
		return statement.Unreachable, "cannot connect: " + shortError(err), 0
	}
	return statement.CrawlError, shortError(err), 0
}

// shortError is an error without the *url.Error wrapper that repeats the
// URL.
func shortError(err error) string {
	return oneline.Of(unwrapURLError(err).Error())
}

func sizeString(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}
