// Package web is s54's HTTP server: the staff pages (search, register,
// organisation history with the evidence highlighted, crawl runs) behind a
// login, the public self-check page where a business checks its draft, and
// a JSON API. Templates and assets are embedded: the server works offline
// and loads nothing from elsewhere.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Config is what the server needs.
type Config struct {
	Store   *store.Store
	Checker *checker.Checker
	// Index may be nil: search then says there is none yet.
	Index   *index.Index
	Regions *region.Set
	// Extract bounds the reading of an uploaded draft (its MaxBytes is
	// capped at MaxUpload, its Timeout replaced by CheckTimeout).
	Extract extract.Options
	// CheckTimeout bounds the reading of a draft on the public page and
	// API (10 s when 0): a statement takes well under a second, and a
	// document that takes longer holds memory and a place for nobody.
	CheckTimeout time.Duration
	// MaxUpload bounds an uploaded draft (20 MB when 0); a form may add
	// 1 MB to it.
	MaxUpload int64
	// MaxChecks bounds the self-checks running at once (4 when 0); more
	// are told to try again.
	MaxChecks int

	// The upload budget bounds the memory that uploads can hold, however
	// many arrive and however slowly they are sent. Each upload reserves
	// its declared length (its Content-Length; the most an upload may be,
	// MaxUpload and the form, when none is given) before a byte of it is
	// read, until its check is done; one that does not fit is told at
	// once to try again (503 with Retry-After), its body unread.

	// UploadBudget is the bytes all uploads may hold at once (when 0:
	// three of the largest uploads, with the form, and UploadReserve:
	// 79 MB for 20 MB uploads).
	UploadBudget int64
	// UploadReserve is the part of UploadBudget only small uploads may
	// use (16 MB when 0), so that a draft of a few pages is still checked
	// while large uploads hold the rest. One client's small uploads may
	// hold half of it at most.
	UploadReserve int64
	// UploadPerClient is the bytes the large uploads of one client
	// address (an IPv6 /64) may hold at once (when 0: one of the largest,
	// with the form, 21 MB). Small uploads do not count against it.
	UploadPerClient int64
	// SmallUpload is the largest upload that counts as small (2 MB when
	// 0): a statement of a few pages, as text, Word or PDF.
	SmallUpload int64
	// SecureCookies marks cookies Secure (set when served over TLS, or
	// behind a proxy that terminates it).
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed: a request from one of them is counted (by the login
	// limits and the upload budgets) against the right-most address of
	// X-Forwarded-For that is not itself a trusted proxy. Empty: the
	// header is ignored and the peer's address counts.
	TrustedProxies []netip.Prefix
	// Log receives one line per request: method, path, status, time.
	// Never a query string or a body: drafts are confidential.
	Log *slog.Logger
	// DraftShared, when set, is the share of a draft's text (names,
	// dates and figures set aside) found in one of the statements in the
	// register; ok is false while it cannot be known. It keeps nothing of
	// the text and names no statement: a draft mostly template text is
	// told so, never whose text it is.
	DraftShared func(text string) (share float64, ok bool)
	// Crawls, when set, are the server's crawls: staff start and stop
	// them on the runs page and through the API, and follow them there.
	Crawls Crawls

	// CheckURL checks a website or statement address staff give as the
	// crawler would before fetching it (http or https, a public host);
	// nil: pipeline.CheckURL, with the crawler's own limits.
	CheckURL func(ctx context.Context, rawURL string) error
	// MakeReport makes a month's report into the data folder's
	// reports/YYYY-MM (reports/YYYY-MM/REGION for a region), as s54 report
	// does. Nil: staff cannot make one from the web.
	MakeReport func(ctx context.Context, month time.Time, region string) error
	// ImportList imports a list of organisations (CSV or XLSX) as s54 orgs
	// import does, by a member of staff, and says what it did in the
	// command's words. Nil: no import from the web.
	ImportList func(ctx context.Context, file string, r io.Reader, by string) (string, error)
	// CheckOrg crawls and checks one organisation now, as a crawl run
	// started by a member of staff, at once or, while another run holds
	// the turn, when it ends (s54 serve's runner). Nil: no check now from
	// the web.
	CheckOrg func(ctx context.Context, number, by string) (CheckRun, error)
	// CheckWait is how long POST /api/orgs/{number}/check waits for the
	// check before it answers 202 with the run's id (60 s when 0).
	CheckWait time.Duration
}

// Server serves the web interface.
type Server struct {
	cfg    Config
	pages  map[string]*template.Template
	checks chan struct{}
	// uploads is the upload budget
	uploads *uploadBudget
	// searches bounds the searches running at once to the processors:
	// more at once only share them, and a queue served in order keeps the
	// slowest answers near the typical one
	searches chan struct{}
	logins   *loginLimiter
	mux      *http.ServeMux
	// past keeps the register as it stood at the last past time asked for
	// (the start of this month, for the home page): a past register never
	// changes, and reading it from the history takes a quarter of a second
	// at 20,000 organisations
	past pastRegister
}

// DefaultMaxUpload is the largest draft accepted.
const DefaultMaxUpload = 20 << 20

// DefaultCheckTimeout bounds the reading of a draft on the public page.
const DefaultCheckTimeout = 10 * time.Second

// New returns a server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Checker == nil {
		return nil, errors.New("web: a store and a checker are needed")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.MaxChecks <= 0 {
		cfg.MaxChecks = 4
	}
	if cfg.CheckTimeout <= 0 {
		cfg.CheckTimeout = DefaultCheckTimeout
	}
	largest := cfg.MaxUpload + formOverhead
	if cfg.SmallUpload <= 0 {
		cfg.SmallUpload = min(2<<20, largest)
	}
	if cfg.UploadReserve <= 0 {
		cfg.UploadReserve = max(16<<20, 2*cfg.SmallUpload)
	}
	if cfg.UploadBudget <= 0 {
		cfg.UploadBudget = 3*largest + cfg.UploadReserve
	}
	if cfg.UploadPerClient <= 0 {
		cfg.UploadPerClient = largest
	}
	if cfg.UploadBudget-cfg.UploadReserve < largest || cfg.UploadPerClient < largest {
		return nil, fmt.Errorf("web: the upload budget (%d MB, %d MB kept for small drafts, %d MB a client) must hold an upload of %d MB",
			cfg.UploadBudget>>20, cfg.UploadReserve>>20, cfg.UploadPerClient>>20, largest>>20)
	}
	if cfg.CheckURL == nil {
		cfg.CheckURL = pipeline.CheckURL
	}
	if cfg.CheckWait <= 0 {
		cfg.CheckWait = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Regions == nil {
		r, err := region.Default()
		if err != nil {
			return nil, err
		}
		cfg.Regions = r
	}
	s := &Server{cfg: cfg, checks: make(chan struct{}, cfg.MaxChecks), uploads: newUploadBudget(cfg), logins: newLoginLimiter(time.Now),
		searches: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /healthz", s.healthz)

	// public
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /check", s.checkForm)
	m.HandleFunc("POST /check", s.checkSubmit)
	m.HandleFunc("POST /check/new", s.checkAnother)
	m.HandleFunc("GET /login", s.loginForm)
	m.HandleFunc("POST /login", s.loginSubmit)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("POST /api/check", s.apiCheck)

	// staff
	m.Handle("GET /search", s.staff(s.searchPage))
	m.Handle("GET /register", s.staff(s.registerPage))
	m.Handle("GET /register.csv", s.staff(s.registerCSV))
	m.Handle("GET /register.xlsx", s.staff(s.registerXLSX))
	m.Handle("GET /orgs/{number}", s.staff(s.orgPage))
	m.Handle("GET /orgs/{number}/changes", s.staff(s.changesPage))
	m.Handle("GET /findings", s.staff(s.findingsPage))
	m.Handle("GET /snapshots/{sha}", s.staff(s.snapshot))
	m.Handle("GET /runs", s.staff(s.runsPage))
	m.Handle("GET /runs/new", s.staff(s.newCrawlPage))
	m.Handle("POST /runs", s.staff(s.startCrawl))
	m.Handle("POST /runs/{id}/stop", s.staff(s.stopCrawl))
	m.Handle("GET /api/runs", s.staff(s.apiRuns))
	m.Handle("POST /api/runs", s.staff(s.apiStartRun))
	m.Handle("POST /api/runs/{id}/stop", s.staff(s.apiStopRun))
	m.Handle("GET /api/search", s.staff(s.apiSearch))
	m.Handle("GET /api/register", s.staff(s.apiRegister))
	m.Handle("GET /api/orgs/{number}", s.staff(s.apiOrg))

	// the staff's work: the month, the reports, an organisation's
	// addresses, its follow-up and a check now, imports, the audit log
	m.Handle("GET /reports", s.staff(s.reportsPage))
	m.Handle("POST /reports", s.staff(s.makeReport))
	m.Handle("GET /reports/{month}", s.staff(s.reportPage))
	m.Handle("GET /reports/{month}/{file}", s.staff(s.reportFile))
	m.Handle("POST /orgs/{number}", s.staff(s.orgLinksForm))
	m.Handle("POST /api/orgs/{number}", s.staff(s.apiOrgLinks))
	m.Handle("POST /orgs/{number}/follow-up", s.staff(s.followUpForm))
	m.Handle("POST /api/orgs/{number}/follow-up", s.staff(s.apiFollowUp))
	m.Handle("POST /orgs/{number}/check", s.staff(s.checkNowForm))
	m.Handle("POST /api/orgs/{number}/check", s.staff(s.apiCheckNow))
	m.Handle("GET /import", s.staff(s.importForm))
	m.Handle("POST /import", s.staff(s.importSubmit))
	m.Handle("GET /audit", s.staff(s.auditPage))
	m.Handle("GET /audit.csv", s.staff(s.auditCSV))
	m.Handle("GET /api/audit", s.staff(s.apiAudit))
	s.mux = m
}

// Handler is the server's handler: the routes behind the security
// headers, protection against cross-site requests and the access log.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, http.StatusForbidden, "This form was sent from another site, so it was refused.")
	}))
	return s.logRequests(securityHeaders(cop.Handler(s.mux)))
}

// securityHeaders: no script but our own files, no framing, no sniffing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs method, path (no query: it may hold a search or a
// token), status and duration.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.cfg.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", time.Since(start).Milliseconds())
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.cfg.Store.CountOrgs(ctx); err != nil {
		http.Error(w, "register unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// home is the staff's home page (home.go) for a member of staff, the
// self-check for the public.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.session(r); ok {
		s.staff(s.homePage).ServeHTTP(w, r)
		return
	}
	http.Redirect(w, r, "/check", http.StatusSeeOther)
}
