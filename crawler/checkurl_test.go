package crawler

import (
	"context"
	"errors"
	"testing"
)

// TestCheckURL: an address staff give is checked as the crawler would
// fetch it: http or https with a host, a public address (IP literals and
// opts.Hosts here: no test looks a name up).
func TestCheckURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := DefaultFetchOptions()
	for _, c := range []struct {
		url     string
		private bool // refused as a private address; else refused as not http(s)
	}{
		{"ftp://93.184.215.14/", false},
		{"javascript:alert(1)", false},
		{"https://", false},
		{"www.example.com", false},
		{"http://127.0.0.1:8080/", true},
		{"http://10.1.2.3/", true},
		{"http://[::1]/", true},
		{"http://169.254.169.254/latest/meta-data/", true},
		{"http://198.51.100.7/", true},
	} {
		err := CheckURL(ctx, c.url, opts)
		if err == nil {
			t.Errorf("%s: accepted", c.url)
			continue
		}
		if errors.Is(err, ErrPrivateAddress) != c.private {
			t.Errorf("%s: %v", c.url, err)
		}
	}
	if err := CheckURL(ctx, "https://93.184.215.14/msa.pdf", opts); err != nil {
		t.Errorf("a public address: %v", err)
	}
	mapped := opts
	mapped.Hosts = map[string]string{"site.test:80": "127.0.0.1:4321"}
	if err := CheckURL(ctx, "http://site.test/", mapped); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("a name mapped to loopback: %v", err)
	}
	mapped.AllowPrivate = true
	if err := CheckURL(ctx, "http://site.test/", mapped); err != nil {
		t.Errorf("loopback allowed: %v", err)
	}
	mapped.AllowPrivate, mapped.AllowAddrs = false, []string{"127.0.0.1:4321"}
	if err := CheckURL(ctx, "http://site.test/", mapped); err != nil {
		t.Errorf("the one address allowed: %v", err)
	}
}
