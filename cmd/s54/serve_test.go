package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s54dev/s54/store"
)

// TestServeConfigProxies: web.trusted_proxies is read as CIDRs or single
// addresses.
func TestServeConfigProxies(t *testing.T) {
	t.Parallel()
	got, err := webConfig{TrustedProxies: []string{"127.0.0.1", "10.0.0.0/8", "::1", "192.168.1.7/24"}}.validate()
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("192.168.1.0/24")}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("trusted proxies %v %v, want %v", got, err, want)
	}
}

// TestServeBadConfig: a config s54 serve cannot use stops it before it
// opens the register or binds its address, with one line that names the
// setting and its value. The address is held by the test: a server that
// tried to listen first would fail on it instead.
func TestServeBadConfig(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, tc := range []struct{ yaml, want string }{
		{"schedule:\n  crawl: not a cron\n", `schedule.crawl "not a cron": not a cron expression`},
		{"schedule:\n  crawl: \"0 2 31 2 *\"\n", `schedule.crawl "0 2 31 2 *": not a cron expression (minute hour day month weekday): never due`},
		{"schedule:\n  time_zone: Mars/Olympus\n", `schedule.time_zone "Mars/Olympus": not a time zone`},
		{"web:\n  behind_proxy: true\n", "web.behind_proxy: gone: list your proxies' addresses in web.trusted_proxies"},
		{"web:\n  behind_proxy: false\n", "web.trusted_proxies"},
		{"web:\n  trusted_proxies: [127.0.0.1/33]\n", `web.trusted_proxies "127.0.0.1/33": not an address or a CIDR`},
		{"web:\n  trusted_proxies: [proxy.local]\n", `web.trusted_proxies "proxy.local": not an address or a CIDR`},
		{"crawl:\n  delay: -1s\n", `crawl.delay -1s: cannot be negative`},
		{"crawl:\n  max_bytes: 0\n", `crawl.max_bytes 0: at least 1024 bytes`},
		{"crawl:\n  browser: /no/such/chromium\n", `crawl.browser "/no/such/chromium": no such program`},
		{"email:\n  host: smtp.example.org\n  from: reports\n  to: [a@example.org]\n", `email.from "reports": not an email address`},
		{"email:\n  host: smtp.example.org\n  from: reports@example.org\n", `email.to "": required`},
		{"email:\n  host: smtp.example.org\n  from: reports@example.org\n  to: {narnia: [a@example.org]}\n", `email.to.narnia "narnia": no such region (known: `},
		{"email:\n  host: smtp.example.org\n  from: reports@example.org\n  to: {humber: [a@example.org, not an address]}\n", `email.to.humber[1] "not an address": not an email address`},
		{"email:\n  host: smtp.example.org\n  from: reports@example.org\n  to: {humber: {a: b}}\n", `email.to: want an address, a list of addresses, or a map of region id to addresses`},
		{"regions:\n  - {id: my-area, name: Mine, postcodes: [XX99 9]}\n", `regions[0] "my-area": region: my-area`},
	} {
		data := t.TempDir()
		if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		// a server that starts anyway stops with the context, and fails
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var out, errb bytes.Buffer
		code := Main(ctx, []string{"--data", data, "serve", "--addr", ln.Addr().String()}, strings.NewReader(""), &out, &errb, false)
		cancel()
		stderr := errb.String()
		if code != exitUnreadable || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%q: exit %d, stderr %q; want %d and one line with %q", tc.yaml, code, stderr, exitUnreadable, tc.want)
		}
		if _, err := os.Stat(filepath.Join(data, store.DBFile)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%q: the register was opened before the config was checked (%v)", tc.yaml, err)
		}
	}
}
