package crawler

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gocolly/colly/v2"
)

// siteTransport counts and bounds a site's requests, gives robots.txt
// requests the site's context (colly makes them without one), notes their
// status, and hides the charset from colly, which would otherwise re-encode
// bodies: the extractor reads the charset itself, from the header or the
// page's <meta>.
type siteTransport struct{ visit *visit }

// originalContentType keeps the Content-Type header as the server sent it.
const originalContentType = "X-S54-Content-Type"

func (t *siteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := t.visit
	if int(s.requests.Add(1)) > s.c.opts.MaxRequests {
		s.requests.Add(-1)
		return nil, errBudget
	}
	// the site's context stops every request, robots.txt included, which
	// colly makes without one
	ctx, cancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(s.ctx, cancel)
	req = req.WithContext(ctx)
	var resp *http.Response
	var err error
	if req.URL.Path == "/robots.txt" {
		resp, err = s.c.robots.roundTrip(req, s.c.polite.RoundTrip)
	} else {
		resp, err = s.c.polite.RoundTrip(req)
	}
	if err != nil {
		stop()
		cancel()
	} else {
		resp.Body = &afterClose{ReadCloser: resp.Body, after: func() { stop(); cancel() }}
	}
	if req.URL.Path == "/robots.txt" {
		if err == nil {
			s.robots[req.URL.Host] = resp.StatusCode
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → HTTP %d", req.URL.Redacted(), resp.StatusCode))
		} else {
			s.res.Tried = append(s.res.Tried, fmt.Sprintf("%s → %s", req.URL.Redacted(), shortError(err)))
		}
	}
	if err != nil {
		return nil, err
	}
	if !resp.Uncompressed {
		// colly would gunzip bodies whose Content-Encoding Go's transport
		// left alone (x-gzip; a gzip the transport did not ask for) after
		// its size limit, without one: decompress here, before it
		switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				resp.Body.Close()
				return nil, fmt.Errorf("bad gzip body: %w", err)
			}
			raw := resp.Body
			resp.Body = &afterClose{ReadCloser: io.NopCloser(zr), after: func() { raw.Close() }}
			resp.Header.Del("Content-Encoding")
			resp.ContentLength = -1
		}
		resp.Uncompressed = true // colly never decompresses again
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		resp.Header.Set(originalContentType, ct)
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			resp.Header.Set("Content-Type", mt)
		} else {
			resp.Header.Del("Content-Type")
		}
	}
	return resp, nil
}

func headerOf(r *colly.Response) http.Header {
	if r.Headers == nil {
		return http.Header{}
	}
	return *r.Headers
}
