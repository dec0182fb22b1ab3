package crawler

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// FuzzDiscovery feeds hostile HTML to the discovery code: it must not
// panic, and every candidate it returns is an absolute http(s) URL.
func FuzzDiscovery(f *testing.F) {
	f.Add(`<a href="/msa.pdf"><img alt="Modern slavery statement 2024/25"></a><a href="/legal">Legal</a>`)
	f.Add(`<meta http-equiv=refresh content="0;url=javascript:alert(1)"><a href="//evil">anti-slavery</a>`)
	f.Add(`<a href="http://[::1]:80/%zz">s54</a><a href="mailto:x">modern slavery</a><area href="/x" alt="MSA">`)
	f.Add("<script>document.write('<a href=/msa>Modern slavery</a>')</script>")
	f.Add("%PDF-1.7\n<a>")
	f.Add(`<body><noscript><p>Please enable <b>JavaScript</b></p><noscript><style>a{}</style></noscript></noscript><div id="root"><app-root ng-version="17"></app-root></div><script src=/b.js></script>`)
	f.Add(`<iframe src="/v?file=http:///x.pdf"></iframe><form action="file://www.company.example/etc/passwd"><button>Continue</button></form><p>cookies</p>`)
	f.Add(`<p>We use cookies.</p><form method=post action=/login><input type=hidden name=redirect value=/wp-admin/><button>Log in</button></form><a href=/ir>IR</a><a href=/hr>HR</a><a href=/uk>UK</a>`)
	f.Fuzz(func(t *testing.T, page string) {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
		if err != nil {
			return
		}
		base, _ := url.Parse("https://www.company.example/en-gb/")
		for _, relaxed := range []bool{false, true} {
			pl := findLinks(doc, base, relaxed)
			for _, l := range append(pl.statements, pl.hubs...) {
				u, err := url.Parse(l.URL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					t.Errorf("candidate %q is not an absolute web URL", l.URL)
				}
			}
			pl.years()
		}
		if to := metaRefresh(doc, base.String()); to != "" && !strings.HasPrefix(to, "http") {
			t.Errorf("meta refresh to %q", to)
		}
		web := func(what, to string) {
			if to == "" {
				return
			}
			if u, err := url.Parse(to); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Errorf("%s to %q", what, to)
			}
		}
		web("consent page", consentContinue(doc, base.String()))
		web("consent page", consentContinue(doc, base.String()+"?next=/home&return=file:///etc/passwd"))
		web("country chooser", localeHome(doc, base))
		policyPage(doc)
		ownYear(doc, 0)
		looksLikeStatement(doc)
		scriptHint(doc)
		scriptBuilt(doc)
		sniffKind([]byte(page), "text/html")
		yearOf(page)
	})
}
