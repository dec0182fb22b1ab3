package crawler

// This file renders pages whose links exist only once their script has
// run (single-page apps, footers written by JavaScript) in headless
// Chromium, driven with chromedp. Every request the browser makes goes
// through renderproxy.go; the browser is a fresh one for each page, with a
// temporary profile removed after it (no cookies or storage kept), and is
// killed at its time or memory bound. One page is rendered at a time in the
// whole process.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
)

// RenderOptions bound the rendering of a page in headless Chromium.
type RenderOptions struct {
	// Browser is Chromium's path. "" finds it: $S54_CHROMIUM, else
	// chromium, chromium-browser, google-chrome on the PATH. BrowserOff
	// renders nothing.
	Browser string
	// Timeout bounds the page's loading and settling; the browser is
	// killed a few seconds after it if the page cannot be read.
	Timeout time.Duration
	// MaxRequests bounds the requests the browser makes for one page.
	MaxRequests int
	// MaxBytes bounds the bytes the browser is given for one page.
	MaxBytes int64
	// MaxMemory bounds the resident memory of the browser's processes.
	MaxMemory int64
	// MaxPages bounds the pages rendered for one site.
	MaxPages int
}

// BrowserOff in RenderOptions.Browser turns rendering off.
const BrowserOff = "off"

// DefaultRenderOptions are the rendering limits.
func DefaultRenderOptions() RenderOptions {
	return RenderOptions{Timeout: 20 * time.Second, MaxRequests: 60, MaxBytes: 16 << 20, MaxMemory: 1 << 30, MaxPages: 3}
}

// browserNames are the names Chromium goes by.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"}

// FindBrowser returns the path of Chromium: $S54_CHROMIUM when it names a
// program, else the first of its usual names on the PATH; "" when there is
// none.
func FindBrowser() string {
	if p := os.Getenv("S54_CHROMIUM"); p != "" {
		if p == BrowserOff {
			return ""
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
		return ""
	}
	for _, n := range browserNames {
		if path, err := exec.LookPath(n); err == nil {
			return path
		}
	}
	return ""
}

// Renders reports whether the crawler renders script-built pages: Chromium
// was found and rendering is not off.
func (c *Crawler) Renders() bool { return c.browser != "" }

// renderSlot lets one page be rendered at a time in the process: a browser
// takes hundreds of megabytes.
var renderSlot = make(chan struct{}, 1)

// renderGrace is how long after its Timeout a page is given to be read
// before the browser is killed.
const renderGrace = 5 * time.Second

// settleQuiet is how long no request must be in flight for a loaded page
// to count as settled.
const settleQuiet = 500 * time.Millisecond

// rendered is a page read from the browser.
type rendered struct {
	URL  string // the page's URL after its scripts ran
	Body []byte // its HTML, serialised from the DOM
	html *goquery.Document
	// Requests the browser made through the proxy; Refused names those
	// refused (a private address, robots.txt); Cut says why the render
	// was cut short, "" when it was not.
	Requests int
	Refused  []string
	Cut      string
}

// errRenderMemory is the memory bound reached.
var errRenderMemory = errors.New("the browser used more memory than allowed")

// renderDOM is what the page gives back: its URL and HTML.
type renderDOM struct {
	URL  string `json:"url"`
	HTML string `json:"html"`
}

// renderScript reads the DOM, cut at maxHTMLBytes characters.
var renderScript = fmt.Sprintf(`(() => {
	const h = document.documentElement ? document.documentElement.outerHTML : "";
	return {url: String(location.href), html: h.length > %d ? h.slice(0, %d) : h};
})()`, maxHTMLBytes, maxHTMLBytes)

// render loads d, a page colly fetched, in a fresh headless Chromium and
// returns its DOM once the page has settled (loaded, and no request in
// flight for a moment) or its time is up.
func (c *Crawler) render(ctx context.Context, d *Document) (*rendered, error) {
	if c.browser == "" {
		return nil, errors.New("no browser to render with")
	}
	select {
	case renderSlot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-renderSlot }()

	opts := c.opts.Render
	hard, cancel := context.WithTimeout(ctx, opts.Timeout+renderGrace)
	defer cancel()
	proxy, err := newRenderProxy(hard, c, opts, d)
	if err != nil {
		return nil, err
	}
	defer proxy.close()

	alloc, cancelAlloc := chromedp.NewExecAllocator(hard, c.browserFlags(proxy.addr())...)
	defer cancelAlloc()
	quiet := func(string, ...any) {} // the outcome says what failed
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithLogf(quiet), chromedp.WithErrorf(quiet))
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil { // starts the browser
		return nil, fmt.Errorf("starting %s: %s", c.browser, shortError(err))
	}
	memErr := make(chan error, 1)
	overMemory := func(used int64) error {
		return fmt.Errorf("%w: %s of %s", errRenderMemory, sizeString(used), sizeString(opts.MaxMemory))
	}
	pid := 0
	if b := chromedp.FromContext(tab).Browser; b != nil && b.Process() != nil {
		pid = b.Process().Pid
		go watchMemory(hard, pid, opts.MaxMemory, func(used int64) {
			memErr <- overMemory(used)
			cancelAlloc()
		})
	}

	soft, cancelSoft := context.WithTimeout(tab, opts.Timeout)
	defer cancelSoft()
	navErr := chromedp.Do(soft, chromedp.Navigate(d.URL))
	var load *chromedp.LoadError
	if errors.As(navErr, &load) {
		return nil, fmt.Errorf("the browser could not load the page: %s", load.ErrorText)
	}
	for navErr == nil && soft.Err() == nil && proxy.idle() < settleQuiet {
		select {
		case <-soft.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	cut := ""
	if soft.Err() != nil && ctx.Err() == nil {
		cut = fmt.Sprintf("the page had not settled after %s", opts.Timeout)
	}
	read, cancelRead := context.WithTimeout(tab, renderGrace)
	defer cancelRead()
	dom, err := chromedp.Run(read, chromedp.Evaluate[renderDOM](renderScript))
	select {
	case e := <-memErr:
		return nil, e
	default:
		// the watchdog samples now and then: a page read between two
		// samples is measured once more before it is taken
		if used := treeRSS(pid); pid != 0 && used > opts.MaxMemory {
			return nil, overMemory(used)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if cut != "" {
			return nil, errors.New(cut + ", and its scripts did not let it be read")
		}
		return nil, fmt.Errorf("reading the rendered page: %s", shortError(err))
	}
	requests, refused, proxyCut := proxy.report()
	if cut == "" && proxyCut != "" {
		cut = "the browser's requests were cut at " + proxyCut
	}
	r := &rendered{URL: dom.URL, Body: []byte(dom.HTML), Requests: requests, Refused: refused, Cut: cut}
	if !strings.HasPrefix(r.URL, "http://") && !strings.HasPrefix(r.URL, "https://") {
		r.URL = d.URL
	}
	r.html = parseHTML(&Document{URL: r.URL, Body: r.Body, ContentType: "text/html; charset=utf-8"})
	if r.html == nil {
		return nil, errors.New("the rendered page could not be parsed")
	}
	return r, nil
}

// browserFlags start Chromium headless, with every request through the
// proxy (loopback included), its own DNS resolution off (the proxy
// resolves and checks addresses), WebRTC kept to the proxy, no background
// services, images off, and the JavaScript heap bounded.
func (c *Crawler) browserFlags(proxy string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(c.browser),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.UserAgent(c.opts.Fetch.UserAgent),
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("proxy-server", proxy),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.Flag("ignore-certificate-errors", true), // the proxy's certificate; the proxy checks the sites'
		chromedp.Flag("force-webrtc-ip-handling-policy", "disable_non_proxied_udp"),
		chromedp.Flag("webrtc-ip-handling-policy", "disable_non_proxied_udp"),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("dns-prefetch-disable", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,InterestFeedContentSuggestions,AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying"),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("blink-settings", "imagesEnabled=false"),
		chromedp.Flag("js-flags", "--max-old-space-size=256"),
	}
}

// watchMemory calls over, once, when the resident memory of pid and its
// descendants passes limit, checking until ctx ends.
func watchMemory(ctx context.Context, pid int, limit int64, over func(used int64)) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if used := treeRSS(pid); used > limit {
			over(used)
			return
		}
	}
}
