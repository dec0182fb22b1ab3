package main

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestServeConfigProxies: web.trusted_proxies is read as CIDRs or single
// addresses, and a config that still says behind_proxy stops s54 serve
// (before it listens) with one line naming the new key.
func TestServeConfigProxies(t *testing.T) {
	got, err := webConfig{TrustedProxies: []string{"127.0.0.1", "10.0.0.0/8", "::1", "192.168.1.7/24"}}.trustedProxies()
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("192.168.1.0/24")}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("trusted proxies %v %v, want %v", got, err, want)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"web:\n  behind_proxy: true\n", "web.trusted_proxies"},
		{"web:\n  behind_proxy: false\n", "web.trusted_proxies"},
		{"web:\n  trusted_proxies: [127.0.0.1/33]\n", `"127.0.0.1/33" is not an address or a CIDR`},
		{"web:\n  trusted_proxies: [proxy.local]\n", `"proxy.local" is not an address or a CIDR`},
	} {
		data := t.TempDir()
		os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(tc.yaml), 0o644)
		// a server that starts anyway stops with the context, and fails
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var out, errb bytes.Buffer
		code := Main(ctx, []string{"--data", data, "serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errb, false)
		cancel()
		stderr := errb.String()
		if code != exitUnreadable || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%q: exit %d, stderr %q; want %d and one line with %q", tc.yaml, code, stderr, exitUnreadable, tc.want)
		}
	}
}
