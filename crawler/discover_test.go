package crawler

import (
	"fmt"
	"net/url"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestYearOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		"Modern Slavery Statement 2024/25":       2025,
		"statement 2023-2024":                    2024,
		"msa-statement-2022_23.pdf":              2023,
		"XY2021":                                 0, // no word boundary: not a year
		"FY2021":                                 2021,
		"Modern Slavery Statement FY25":          2025,
		"MSA-Statement-FY24-25.pdf":              2025,
		"fy 2023/24":                             2024,
		"Statement for 2019 and 2020":            2020,
		"uploads/2025/07/statement.pdf":          2025,
		"Modern slavery statement":               0,
		"2015 statement (before the duty began)": 0,
		"2024/26 is not a financial year":        2024,
	} {
		if got := yearOf(in); got != want {
			t.Errorf("yearOf(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestSniffKind(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		body, mediaType, want string
	}{
		{"%PDF-1.7\n...", "application/octet-stream", KindPDF},
		{"\r\n%PDF-1.4", "text/html", KindPDF},
		{"PK\x03\x04rest", "application/octet-stream", KindDOCX},
		{"<!doctype html><title>x</title>", "application/octet-stream", KindHTML},
		{"<div><a href=/x>x</a></div>", "text/plain", KindHTML},
		{"Just words about our statement.", "text/plain", KindText},
		{"Just words", "text/html", KindHTML},
		{"\x89PNG\r\n\x1a\n", "application/pdf", KindOther},
	} {
		if got := sniffKind([]byte(c.body), c.mediaType); got != c.want {
			t.Errorf("sniffKind(%.20q, %s) = %s, want %s", c.body, c.mediaType, got, c.want)
		}
	}
}

func TestFindLinks(t *testing.T) {
	t.Parallel()
	const page = `<html><body>
<nav><ul><li><a href="/about/">About us</a><ul><li><a href="/about/msa/" title="Modern Slavery Act statement">Our commitment</a></li></ul></li>
<li><a href="/sustainability/">Sustainability</a></li><li><a href="/news/">News</a></li></ul></nav>
<main><p>Call the <a href="https://www.modernslaveryhelpline.org/">Modern Slavery Helpline</a>.</p>
<a href="/files/anti-slavery-2023.pdf"><img src="x.png" alt="Anti-slavery statement 2023"></a>
<a href="https://other.example/legal">Legal</a>
<a href="mailto:x@y.z">Modern slavery enquiries</a>
<a href="https://www.gov.uk/modern-slavery">Modern slavery guidance</a></main>
<footer><a href="/privacy-policy">Privacy policy</a><a href="/legal/">Legal</a>
<a href="/docs/s54-2024-25.pdf">Statement</a><a href="/about/msa/#top">again</a></footer></body></html>`
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://www.company.example/")
	pl := findLinks(doc, base, false)
	var got []string
	for _, l := range pl.statements {
		got = append(got, l.URL)
	}
	want := []string{
		"https://www.company.example/docs/s54-2024-25.pdf",        // 2025, by its URL
		"https://www.company.example/files/anti-slavery-2023.pdf", // 2023, by its image's alt
		"https://www.company.example/about/msa/",                  // no year, by its title
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("statements:\n got %q\nwant %q", got, want)
	}
	if pl.years() != 2 {
		t.Errorf("years = %d, want 2", pl.years())
	}
	got = got[:0]
	for _, l := range pl.hubs {
		got = append(got, l.URL)
	}
	// legal first (weight), then sustainability, then about; not news,
	// privacy, or another site's legal page
	want = []string{"https://www.company.example/legal/", "https://www.company.example/sustainability/", "https://www.company.example/about/"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("hubs:\n got %q\nwant %q", got, want)
	}
}

// TestFindLinksBeside: links that speak of slavery but name the Act, a
// policy or a news post are not taken before the statement, and hubs named
// beside "privacy" or "terms" are hubs.
func TestFindLinksBeside(t *testing.T) {
	t.Parallel()
	const page = `<html><head><base href="https://www.company.example/site/"></head><body>
<p><a href="/ukpga/2015/30/contents">Modern Slavery Act 2015</a></p>
<p><a href="/news/2025/10/modern-slavery-at-sea/">Tackling modern slavery at sea</a></p>
<p><a href="/wp-content/uploads/2025/05/modern-slavery-policy.pdf">Modern Slavery Policy</a></p>
<p><a href="https://parent.example/modern-slavery-statement/">Modern Slavery</a></p>
<p><a href="https://charity.example/">Anti-slavery charity</a></p>
<p><a href="modern-slavery-statement.html">Modern Slavery Statement</a></p>
<footer><a href="/terms-and-policies/">Terms &amp; Policies</a> <a href="/terms/">Terms</a>
<a href="/our-responsibilities/">Our responsibilities</a></footer></body></html>`
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://www.company.example/")
	pl := findLinks(doc, base, false)
	var got []string
	for _, l := range pl.statements {
		got = append(got, l.URL)
	}
	want := []string{
		"https://www.company.example/site/modern-slavery-statement.html", // by <base href>
		"https://parent.example/modern-slavery-statement/",               // another host, its URL names the statement
		"https://www.company.example/news/2025/10/modern-slavery-at-sea/",
		"https://www.company.example/wp-content/uploads/2025/05/modern-slavery-policy.pdf",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("statements:\n got %q\nwant %q", got, want)
	}
	if pl.years() != 0 {
		t.Errorf("years = %d, want 0: a news post and a policy make no statements index", pl.years())
	}
	got = got[:0]
	for _, l := range pl.hubs {
		got = append(got, l.URL)
	}
	want = []string{"https://www.company.example/terms-and-policies/", "https://www.company.example/our-responsibilities/"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("hubs:\n got %q\nwant %q", got, want)
	}
}

// TestFindLinksRelaxed: on a statements page, the year of a "Download"
// link is in the heading above it, and a PDF shown in a frame is a link.
func TestFindLinksRelaxed(t *testing.T) {
	t.Parallel()
	const page = `<html><body><main>
<section><h2>2022/23</h2><p><a href="/media/1/">Download (PDF)</a></p></section>
<h2>2023/24</h2><p><a href="/media/2/">Download (PDF)</a></p>
<table><tr><td>Year ending March 2025</td><td><a href="/media/3/">Download</a></td></tr></table>
<iframe src="/viewer/web/viewer.html?file=/uploads/msa.pdf"></iframe>
</main></body></html>`
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://www.company.example/modern-slavery/")
	pl := findLinks(doc, base, true)
	var got []string
	for _, l := range pl.statements {
		got = append(got, fmt.Sprint(l.URL, " ", l.Year))
	}
	want := []string{
		"https://www.company.example/media/3/ 2025",
		"https://www.company.example/media/2/ 2024",
		"https://www.company.example/media/1/ 2023",
		"https://www.company.example/uploads/msa.pdf 0",
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("statements:\n got %q\nwant %q", got, want)
	}
}

func TestScriptHint(t *testing.T) {
	t.Parallel()
	// a site's own menu, enough links and words that the page is not
	// taken for an empty shell by them alone
	menu := `<body><header><nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/products">Our products</a>
<a href="/careers">Careers</a> <a href="/news">News</a> <a href="/contact">Contact us</a></nav>
<p>Family-run makers of kitchen furniture since 1962, with showrooms across the Midlands and the North.</p></header>`
	for page, want := range map[string]string{
		`<footer><script>f.insertAdjacentHTML('beforeend','<a href="/modern-slavery">Modern slavery statement</a>')</script></footer>`: "JavaScript mentions",
		`<body><div id=app></div><script src="/app.js"></script></body>`:                                                               "built by JavaScript",
		`<body><p>` + strings.Repeat("Plenty of words here. ", 20) + `</p><script>track()</script></body>`:                             "",
		menu + `<div id="root"></div><script src="/bundle.js"></script></body>`:                                                        "JavaScript app",
		menu + `<noscript>You need to enable JavaScript to run this app.</noscript><script src="/b.js"></script></body>`:               "JavaScript app",
		// server-built pages with their footer in the HTML: a shop's
		// "JavaScript seems to be disabled" notice, a comments widget's
		// noscript, a widget's empty mount point
		menu + `<noscript><div class="message">JavaScript seems to be disabled in your browser. Please enable JavaScript.</div></noscript>` +
			`<div id="root"></div><script src="/b.js"></script><footer><a href="/terms">Terms</a></footer></body>`: "",
		menu + `<div id="disqus_thread"></div><noscript>Please enable JavaScript to view the comments.</noscript><script src="/b.js"></script>` +
			`<div class="site-footer"><a href="/privacy">Privacy</a></div></body>`: "",
		// noscripts whose markup, not words, names javascript
		menu + `<noscript><img src="https://t.example/javascript/pixel.gif" alt=""></noscript><script src="/b.js"></script></body>`:                                 "",
		`<html><head><noscript><style>.no-javascript .lazy{display:none}</style></noscript></head>` + menu[len("<body>"):] + `<script src="/b.js"></script></body>`: "",
		// a mount point the server filled, and a tag manager's noscript
		menu + `<div id="__next"><main>` + strings.Repeat("<p>Words the server wrote. </p>", 8) + `<a href="/about">About</a></main></div>` +
			`<noscript><iframe src="https://www.googletagmanager.com/ns.html"></iframe></noscript><script src="/b.js"></script></body>`: "",
	} {
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(page))
		got := scriptHint(doc)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("scriptHint(%.40q) = %q, want it to say %q", page, got, want)
		}
	}
}

func TestLooksLikeStatementKeepsThePage(t *testing.T) {
	t.Parallel()
	page := `<body><nav><a href="/a">A</a></nav><main>` + strings.Repeat("modern slavery words ", 100) + `</main><footer><a href="/b">B</a></footer></body>`
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(page))
	if !looksLikeStatement(doc) {
		t.Error("not a statement")
	}
	if n := doc.Find("a").Length(); n != 2 {
		t.Errorf("%d links left after looksLikeStatement, want 2", n)
	}
}

// TestParseHTMLAttributeBomb: a homepage of one link with 380,000
// attributes (4 MB, the most the crawler parses) is read for its link
// within a few times its size; x/net/html alone took about 160 MB.
// TestParseHTMLAttributeBomb is not parallel: it reads the process's
// allocations, which parallel tests would add to.
func TestParseHTMLAttributeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><body><a href="/modern-slavery-statement"`)
	for i := 0; b.Len() < maxHTMLBytes-64; i++ {
		fmt.Fprintf(&b, " a%d=1", i)
	}
	b.WriteString(">Modern slavery statement</a></body></html>")
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	before := sample[0].Value.Uint64()
	doc := parseHTML(&Document{Body: []byte(b.String()), ContentType: "text/html"})
	metrics.Read(sample)
	if mb := (sample[0].Value.Uint64() - before) >> 20; mb > 40 {
		t.Errorf("parsing 4 MB allocated %d MB", mb)
	}
	if doc == nil || doc.Find(`a[href="/modern-slavery-statement"]`).Length() != 1 {
		t.Error("the link was lost")
	}
}

func TestConsentContinue(t *testing.T) {
	t.Parallel()
	const head = `<html><body><h1>Before you continue</h1><p>We use cookies to run this site.</p>`
	for _, c := range []struct{ page, url, want string }{
		{head + `<a href="/home/">Continue to the site</a>`, "https://a.example/consent/", "https://a.example/home/"},
		{head + `<form action="/home/"><input type="hidden" name="consent" value="yes"><button>Continue to the site</button></form>`,
			"https://a.example/consent/", "https://a.example/home/?consent=yes"},
		{head + `<form method="post" action="/consent/save"><input type="hidden" name="next" value="/home/"><button name="c" value="all">Accept all cookies</button></form>`,
			"https://a.example/consent/", "https://a.example/home/"},
		{head + `<form method="post" action="/consent/save"><button>Accept all cookies</button></form>`,
			"https://a.example/consent/?next=%2Fhome%2F", "https://a.example/home/"},
		// another site's page, or no way on, is no way on
		{head + `<form method="post" action="/save"><button>Accept</button></form>`, "https://a.example/consent/?next=https://b.example/", ""},
		{head + `<form action="/home/"><button>Manage preferences</button></form>`, "https://a.example/consent/", ""},
		// no file: or other scheme, whatever the form says
		{head + `<form action="file://a.example/etc/passwd"><button>Continue</button></form>`, "https://a.example/consent/", ""},
		// a short page that mentions cookies and has a login form is no
		// consent page: its return field, and its own ?return=, are not
		// followed
		{`<html><body><p>Supplier portal. We use cookies.</p><form method="post" action="/wp-login.php"><input type="hidden" name="redirect_to" value="/wp-admin/"><button>Log in</button></form></body></html>`,
			"https://a.example/portal/?return=/account/delete", ""},
		// not a consent page: a statement with a cookie banner
		{`<html><body><p>We use cookies.</p><a href="/home/">Continue</a><h1>Modern slavery statement</h1></body></html>`, "https://a.example/?next=/x/", ""},
	} {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(c.page))
		if err != nil {
			t.Fatal(err)
		}
		if got := consentContinue(doc, c.url); got != c.want {
			t.Errorf("consentContinue(%.60q…, %s) = %q, want %q", c.page[len(head)-10:], c.url, got, c.want)
		}
	}
}

// TestLinkBoxBounded: a page of thousands of "Read more" links, each read
// with its card (linkBox), is read in a time that grows with the page,
// not with its square (10 s for 8,000 links before the bound; see
// BenchmarkFindLinksReadMore).
func TestLinkBoxBounded(t *testing.T) {
	t.Parallel()
	doc := readMorePage(t, 8000)
	base, _ := url.Parse("https://a.example/")
	for _, relaxed := range []bool{false, true} {
		if pl := findLinks(doc, base, relaxed); len(pl.statements) != 1 || pl.statements[0].URL != "https://a.example/msa-2025.pdf" {
			t.Errorf("relaxed %v: %+v", relaxed, pl.statements)
		}
	}
}

// readMorePage is a flat page of n "Read more" links in one element, and
// one card whose heading names the statement.
func readMorePage(t testing.TB, n int) *goquery.Document {
	var b strings.Builder
	b.WriteString(`<html><body><main><div>`)
	for i := range n {
		fmt.Fprintf(&b, `<span><a href="/news/%d">Read more</a></span>`, i)
	}
	b.WriteString(`</div><section><h3>Modern slavery statement 2025</h3><div><a href="/msa-2025.pdf">Download</a></div></section></main></body></html>`)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func BenchmarkFindLinksReadMore(b *testing.B) {
	doc := readMorePage(b, 8000)
	base, _ := url.Parse("https://a.example/")
	for b.Loop() {
		findLinks(doc, base, true)
	}
}

func TestViewedDocumentHasAHost(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://a.example/viewer?file=http:///x.pdf")
	if d := viewedDocument(u); d != nil {
		t.Errorf("viewedDocument = %v, want none", d)
	}
	u, _ = url.Parse("https://a.example/viewer?file=/files/msa.pdf")
	if d := viewedDocument(u); d == nil || d.String() != "https://a.example/files/msa.pdf" {
		t.Errorf("viewedDocument = %v", d)
	}
}

func TestLocaleHome(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ page, want string }{
		{`<a href="/de/" hreflang="de-DE">Deutschland</a><a href="/uk/" hreflang="en-GB">United Kingdom</a><a href="/us/" hreflang="en-US">USA</a>`, "https://a.example/uk/"},
		{`<a href="/fr-fr/">France</a><a href="/de-de/">Deutschland</a><a href="/en/">English</a>`, "https://a.example/en/"},
		{`<a href="/fr/">Français</a><a href="/es/">España</a><a href="/global/">Rest of the world</a>`, "https://a.example/global/"},
		// two locales are not a chooser; "/ir" (investors) and "/hr"
		// (careers) are no countries
		{`<a href="/fr-fr/">France</a><a href="/en/">English</a>`, ""},
		{`<a href="/ir">Investors</a><a href="/hr">Careers</a><a href="/uk">UK sites</a>`, ""},
		// no English choice; one locale link; another site's
		{`<a href="/fr/">France</a><a href="/de/">Deutschland</a>`, ""},
		{`<a href="/uk/">United Kingdom</a><a href="/about/">About us</a>`, ""},
		{`<a href="https://b.example/uk/">United Kingdom</a><a href="https://b.example/de/">Deutschland</a>`, ""},
		// a page with a text of its own is no chooser
		{`<p>` + strings.Repeat("Our products and services. ", 40) + `</p><a href="/uk/">UK</a><a href="/de/">DE</a>`, ""},
	} {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader("<html><body>" + c.page + "</body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		base, _ := url.Parse("https://a.example/")
		if got := localeHome(doc, base); got != c.want {
			t.Errorf("localeHome(%.80q) = %q, want %q", c.page, got, c.want)
		}
	}
}

func TestScriptedLinks(t *testing.T) {
	t.Parallel()
	const page = `<html><body>
<a href="javascript:void(0)" onclick="window.open('/files/msa-2025.pdf', '_blank')">Modern Slavery Statement</a>
<button onclick="location.href = '/anti-slavery/'">Anti-slavery</button>
<button onclick="openModal()">Modern slavery policy</button>
<a href="#" data-href="https://investors.company.example/governance/">Governance</a>
<a href="https://other.example/governance/">Governance elsewhere</a>
</body></html>`
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://www.company.example/")
	pl := findLinks(doc, base, false)
	var got []string
	for _, l := range pl.statements {
		got = append(got, l.URL)
	}
	for _, l := range pl.hubs {
		got = append(got, "hub "+l.URL)
	}
	want := []string{
		"https://www.company.example/files/msa-2025.pdf",
		"https://www.company.example/anti-slavery/",
		"hub https://investors.company.example/governance/", // a subdomain of the same domain
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("links:\n got %q\nwant %q", got, want)
	}
}

func TestOnlyYear(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"2024 25": true, "2025": true, "fy25": true, "fy 2024 25": true,
		"25": false, "2014": false, "statement 2025": false, "download": false,
	} {
		if got := onlyYear(in); got != want {
			t.Errorf("onlyYear(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSitemapRank(t *testing.T) {
	t.Parallel()
	for loc, want := range map[string]int{
		"https://a.example/page-sitemap.xml":                     0,
		"https://a.example/wp-sitemap-posts-page-1.xml":          0,
		"https://a.example/sitemap-pages.xml.gz":                 0,
		"https://a.example/sitemap.xml":                          1,
		"https://a.example/post-sitemap.xml":                     2,
		"https://a.example/product_cat-sitemap.xml":              2,
		"https://a.example/wp-sitemap-taxonomies-post_tag-1.xml": 2,
	} {
		if got := sitemapRank(loc); got != want {
			t.Errorf("sitemapRank(%s) = %d, want %d", loc, got, want)
		}
	}
}

// TestCardLinks: a "Download" or "Read more" link is what its card's
// heading says.
func TestCardLinks(t *testing.T) {
	t.Parallel()
	const page = `<html><body><main>
<div class="card"><h3>Quality policy</h3><a href="/files/1.pdf">Download</a></div>
<div class="card"><h3>Modern slavery policy</h3><a href="/files/2.pdf">Download PDF 120 KB</a></div>
<div class="card"><h3>Modern Slavery Statement</h3><p>Our statement for 2024/25.</p><a href="/files/3.pdf">Download</a></div>
<h3>Gender pay gap</h3><p><a href="/files/4.pdf">Read more</a></p>
</main></body></html>`
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://www.company.example/policies/")
	pl := findLinks(doc, base, false)
	var got []string
	for _, l := range pl.statements {
		got = append(got, fmt.Sprint(l.URL, " ", l.Year, " ", l.Weak))
	}
	want := []string{
		"https://www.company.example/files/3.pdf 2025 false",
		"https://www.company.example/files/2.pdf 0 true",
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("statements:\n got %q\nwant %q", got, want)
	}
}

func TestStatementWords(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"Slavery & Trafficking Statement":  true,
		"Modern-day slavery":               true,
		"Transparency in Supply Chains":    true,
		"Transparency in the supply chain": true,
		"Slavery and Human Trafficking":    true,
		"Supply chains":                    false,
		"Trafficking of goods":             false,
		"Transparency report":              false,
		"Modern day living":                false,
	} {
		if got := statementWords().MatchString(words(in)); got != want {
			t.Errorf("statementWords(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPolicyPage(t *testing.T) {
	t.Parallel()
	for page, want := range map[string]bool{
		`<h1>Anti-Slavery Policy</h1><p>1. Policy statement. This policy applies to all persons working for us. Breaches of this policy lead to disciplinary action.</p>`: true,
		`<h1>Anti-Slavery Policy</h1><p>This statement is made under section 54 of the Modern Slavery Act 2015 for the financial year ending 31 March 2025.</p>`:          false,
		`<h1>Modern Slavery Policy and Statement</h1><p>This policy applies to all staff.</p>`:                                                                            false,
		`<title>Supplier Code of Conduct</title><p>Suppliers must not use forced labour.</p>`:                                                                             true,
		`<h1>Modern slavery</h1><p>We do not tolerate slavery.</p>`:                                                                                                       false,
		// a small firm's statement titled as a policy: left to the checker
		`<h1>Anti-Slavery Policy</h1><p>This policy sets out the steps we took during the year ending 31 March 2025.</p>`: false,
		`<h1>Anti-Slavery Policy</h1><p>This policy was approved by the board on 2 May 2025.</p>`:                         false,
	} {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader("<html><head></head><body>" + page + "</body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		if got := policyPage(doc); got != want {
			t.Errorf("policyPage(%.60q) = %v, want %v", page, got, want)
		}
	}
}
