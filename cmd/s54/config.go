package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	gocron "github.com/go-co-op/gocron/v2"
	"gopkg.in/yaml.v3"

	"github.com/s54dev/s54/crawler"
	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/report"
)

// config is s54.yaml, in the data directory or --config: every setting of
// every command, in one place. A command reads it once, before it opens
// the register or listens, and passes it down; validate checks it whole,
// so a bad value stops the command at once, with the setting named.
type config struct {
	// Regions add to or replace (by id) the built-in regions.
	Regions []region.Region `yaml:"regions"`
	// Crawl settings (s54 crawl --help).
	Crawl crawlConfig `yaml:"crawl"`
	// Web settings (s54 serve).
	Web webConfig `yaml:"web"`
	// Email: where s54 report --email and the scheduler send reports.
	Email report.MailConfig `yaml:"email"`
	// Schedule: when s54 serve crawls and reports.
	Schedule scheduleConfig `yaml:"schedule"`

	// regions are the built-in regions with Regions laid over them, and
	// proxies the parsed Web.TrustedProxies: both set by validate.
	regions *region.Set
	proxies []netip.Prefix
}

// crawlConfig is the crawl: section.
type crawlConfig struct {
	// Contact is the URL website owners can read about the crawl and
	// write to; it goes in the User-Agent. The partnership's own page.
	Contact string `yaml:"contact"`
	// Delay is the pause between two requests to one host (--delay).
	Delay time.Duration `yaml:"delay"`
	// Concurrency is the number of sites crawled at once (--concurrency).
	Concurrency int `yaml:"concurrency"`
	// MaxRequests bounds the requests made for one site.
	MaxRequests int `yaml:"max_requests"`
	// Timeout bounds one request, body included.
	Timeout time.Duration `yaml:"timeout"`
	// MaxBytes bounds a document fetched.
	MaxBytes int64 `yaml:"max_bytes"`
	// Browser is the Chromium that renders homepages whose links only a
	// script writes: "" finds it ($S54_CHROMIUM, chromium on the PATH),
	// "off" renders nothing, else its path.
	Browser string `yaml:"browser"`
}

// webConfig is the web: section.
type webConfig struct {
	// URL is where staff reach s54 ("https://s54.example.org"): the
	// emailed report links organisations' names to their pages under it.
	URL string `yaml:"url"`
	// SecureCookies: the server is reached over HTTPS (a proxy in front
	// terminates TLS), so cookies are marked Secure.
	SecureCookies bool `yaml:"secure_cookies"`
	// TrustedProxies are the reverse proxies in front (CIDRs, or single
	// addresses) whose X-Forwarded-For is believed: the login limits and
	// the upload budgets count the client's address, not the proxy's.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// BehindProxy was the old setting, believing any loopback or private
	// peer; it is read only to be refused with a pointer to the new one.
	BehindProxy yaml.Node `yaml:"behind_proxy"`
}

// scheduleConfig is the schedule: section.
type scheduleConfig struct {
	// Crawl is when to crawl, a cron expression (minute hour day month
	// weekday) in TimeZone; the report follows the crawl.
	Crawl string `yaml:"crawl"`
	// TimeZone of Crawl.
	TimeZone string `yaml:"time_zone"`
	// Off: s54 serve does not crawl or report by itself.
	Off bool `yaml:"off"`
}

// The defaults: a crawl a month, on the 1st at 02:00 London time; one
// request a second per host, eight sites at once, the crawler's limits.
const (
	defaultCrawlCron   = "0 2 1 * *"
	defaultTimeZone    = "Europe/London"
	defaultConcurrency = 8
	defaultDelay       = time.Second
)

// defaultConfig is the config of a data directory without s54.yaml; a
// file changes what it names and keeps the rest.
func defaultConfig() config {
	co := crawler.DefaultOptions()
	return config{
		Crawl: crawlConfig{Delay: defaultDelay, Concurrency: defaultConcurrency, MaxRequests: co.MaxRequests,
			Timeout: co.Fetch.Timeout, MaxBytes: co.Fetch.MaxBytes},
		Email:    report.MailConfig{Port: 587},
		Schedule: scheduleConfig{Crawl: defaultCrawlCron, TimeZone: defaultTimeZone},
	}
}

// configFile is the config's name in the data directory.
const configFile = "s54.yaml"

// loadConfig reads --config, else s54.yaml in the data directory when it
// exists, over the defaults, and validates it. An unknown key is an error,
// so a misspelt setting is not silently ignored.
func (g *globals) loadConfig() (*config, error) {
	path, explicit := g.config, g.config != ""
	if !explicit {
		path = filepath.Join(g.data, configFile)
	}
	c := defaultConfig()
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && !explicit:
	case err != nil:
		return nil, fmt.Errorf("config: %w", err)
	default:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return &c, nil
}

// configError names a setting that is wrong, with its value.
type configError struct {
	Field string // as in the file: "schedule.crawl"
	Value string // quoted as written; "" when there is none to show
	Err   error
}

func (e *configError) Error() string {
	if e.Value == "" {
		return e.Field + ": " + e.Err.Error()
	}
	return e.Field + " " + e.Value + ": " + e.Err.Error()
}

func (e *configError) Unwrap() error { return e.Err }

// badSetting is a configError: value is shown quoted when a string, as
// it prints otherwise.
func badSetting(field string, value any, format string, a ...any) error {
	v := fmt.Sprint(value)
	if s, ok := value.(string); ok {
		v = fmt.Sprintf("%q", s)
	}
	return &configError{Field: field, Value: v, Err: fmt.Errorf(format, a...)}
}

// validate checks every setting, and sets what is derived from them.
func (c *config) validate() error {
	def, err := region.Default()
	if err != nil {
		return err
	}
	c.regions = def
	for i, r := range c.Regions {
		if err := r.Validate(); err != nil {
			return &configError{Field: fmt.Sprintf("regions[%d]", i), Value: fmt.Sprintf("%q", r.ID), Err: err}
		}
	}
	if len(c.Regions) > 0 {
		own, err := region.NewSet(c.Regions)
		if err != nil {
			return &configError{Field: "regions", Err: err}
		}
		c.regions = def.Merge(own)
	}
	if err := c.Crawl.validate(); err != nil {
		return err
	}
	if c.proxies, err = c.Web.validate(); err != nil {
		return err
	}
	if err := validateMail(c.Email, c.regions); err != nil {
		return err
	}
	_, _, _, err = c.Schedule.spec()
	return err
}

func (c crawlConfig) validate() error {
	if c.Contact != "" {
		u, err := url.Parse(c.Contact)
		if err != nil || u.Scheme == "" || strings.ContainsFunc(c.Contact, func(r rune) bool { return r <= ' ' }) {
			return badSetting("crawl.contact", c.Contact, "want the URL of a page about the crawl, such as https://partnership.example/s54")
		}
	}
	switch {
	case c.Delay < 0:
		return badSetting("crawl.delay", c.Delay, "cannot be negative")
	case c.Concurrency < 1:
		return badSetting("crawl.concurrency", c.Concurrency, "at least one site at a time")
	case c.MaxRequests < 1:
		return badSetting("crawl.max_requests", c.MaxRequests, "at least one request per site")
	case c.Timeout <= 0:
		return badSetting("crawl.timeout", c.Timeout, "must be more than zero, such as 30s")
	case c.MaxBytes < 1<<10:
		return badSetting("crawl.max_bytes", c.MaxBytes, "at least 1024 bytes (the default is 52428800, 50 MB)")
	}
	if c.Browser != "" && c.Browser != crawler.BrowserOff {
		if _, err := exec.LookPath(c.Browser); err != nil {
			return badSetting("crawl.browser", c.Browser, "no such program: give Chromium's path, leave it empty to find it, or say off")
		}
	}
	return nil
}

// validate refuses what the server would misread, and parses
// trusted_proxies; a single address is its own /32 (or /128).
func (c webConfig) validate() ([]netip.Prefix, error) {
	if !c.BehindProxy.IsZero() {
		return nil, &configError{Field: "web.behind_proxy",
			Err: errors.New("gone: list your proxies' addresses in web.trusted_proxies instead (e.g. trusted_proxies: [127.0.0.1/32])")}
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, badSetting("web.url", c.URL, "want the address staff open s54 at, such as https://s54.partnership.example")
		}
	}
	var out []netip.Prefix
	for _, s := range c.TrustedProxies {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			a, aerr := netip.ParseAddr(strings.TrimSpace(s))
			if aerr != nil {
				return nil, badSetting("web.trusted_proxies", s, "not an address or a CIDR such as 10.0.0.0/8")
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// unset names what a real service still lacks: the crawl's contact, the
// email that sends the reports.
func (c *config) unset() []string {
	var out []string
	if c.Crawl.Contact == "" {
		out = append(out, "crawl.contact (the page about your crawl, in the User-Agent every site sees)")
	}
	if !c.Email.Configured() {
		out = append(out, "email (the monthly reports are written to reports/ in the data folder, not sent)")
	}
	return out
}

// validateMail checks the email: section when any of it is set: where to
// send from and to, and that the password stays out of the file.
func validateMail(m report.MailConfig, regions *region.Set) error {
	if m.Host == "" && m.From == "" && m.To.Empty() && m.Username == "" {
		return nil
	}
	switch {
	case m.Host == "":
		return badSetting("email.host", m.Host, "required to send reports (the SMTP server)")
	case m.Port < 1 || m.Port > 65535:
		return badSetting("email.port", m.Port, "not a port (587 for STARTTLS)")
	case m.Username != "" && m.PasswordEnv == "":
		return badSetting("email.password_env", m.PasswordEnv, "required with email.username: the name of the environment variable that holds the password")
	case m.To.Empty():
		return badSetting("email.to", "", "required to send reports: a list of addresses, or a list for each region id")
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		return badSetting("email.from", m.From, "not an email address")
	}
	for i, to := range m.To.All {
		if _, err := mail.ParseAddress(to); err != nil {
			return badSetting(fmt.Sprintf("email.to[%d]", i), to, "not an email address")
		}
	}
	for _, id := range m.To.RegionIDs() {
		if _, ok := regions.Get(id); !ok {
			return badSetting("email.to."+id, id, "no such region (known: %s)", strings.Join(regions.IDs(), ", "))
		}
		for i, to := range m.To.Regions[id] {
			if _, err := mail.ParseAddress(to); err != nil {
				return badSetting(fmt.Sprintf("email.to.%s[%d]", id, i), to, "not an email address")
			}
		}
	}
	return nil
}

// spec is the schedule's cron expression, its time zone and the cron
// that reads it (the one gocron uses); an empty setting is the default.
func (c scheduleConfig) spec() (string, *time.Location, gocron.Cron, error) {
	expr, zone := c.Crawl, c.TimeZone
	if expr == "" {
		expr = defaultCrawlCron
	}
	if zone == "" {
		zone = defaultTimeZone
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return "", nil, nil, badSetting("schedule.time_zone", zone, "not a time zone such as Europe/London")
	}
	cron := gocron.NewDefaultCron(false)
	if err := cron.IsValid(expr, loc, time.Now()); err != nil {
		// gocron joins its own sentinel to the parser's reason
		if j, ok := err.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) > 1 {
			err = j.Unwrap()[len(j.Unwrap())-1]
		}
		if errors.Is(err, gocron.ErrCronJobInvalid) {
			err = errors.New("never due")
		}
		return "", nil, nil, badSetting("schedule.crawl", expr, "not a cron expression (minute hour day month weekday): %v", err)
	}
	return expr, loc, cron, nil
}
