package fakeweb

import (
	"fmt"
	"strings"
	"time"

	"github.com/s54dev/s54/statement"
)

// Generate returns a synthetic web of n sites, site0001.test onwards, for
// the crawl benchmark. It is deterministic: site i is the same in every
// call. The sites rotate through five patterns:
//
//	50%  a footer link to an HTML statement
//	20%  a footer "Legal" page that links to an HTML statement
//	10%  a footer link to a PDF statement
//	10%  a statements index with three years of HTML statements
//	10%  no statement
//
// Every site has a robots.txt allowing all, a homepage of 10–30 KB with
// drop-down navigation and a footer, and small pages behind every link.
// Files are rendered when first requested.
func Generate(n int) *Web {
	sites := make([]*Site, n)
	for i := range n {
		sites[i] = generateSite(i + 1)
	}
	w, err := newWeb(sites)
	if err != nil {
		panic(err) // a bug in Generate
	}
	return w
}

// Generated site patterns.
const (
	patFooter = iota
	patLegal
	patPDF
	patIndex
	patNone
)

var patterns = [10]int{patFooter, patFooter, patFooter, patFooter, patFooter, patLegal, patLegal, patPDF, patIndex, patNone}

// gen holds what one generated site is made of.
type gen struct {
	i        int
	r        rng
	co       string // "Ashby Cold Chain Ltd"
	short    string // "Ashby"
	sector   sector
	number   string
	postcode string
	town     string
	pattern  int
	fyMonth  time.Month
	director string
	role     string
	files    genFS

	footerExtra []link // the pattern's footer links
}

// newGen makes generated organisation i: name, sector, place, year end,
// director.
func newGen(i int) *gen {
	g := &gen{i: i, r: rng(uint64(i)*0x9e3779b97f4a7c15 + 1)}
	g.short = prefixes[(i*7)%len(prefixes)]
	g.sector = sectors[(i*5+i/len(prefixes))%len(sectors)]
	g.co = g.short + " " + g.sector.name + " " + []string{"Ltd", "Limited", "plc", "Ltd", "Group Ltd"}[i%5]
	g.number = fmt.Sprintf("%08d", 12000000+i)
	t := towns[g.r.intn(len(towns))]
	g.town = t.name
	g.postcode = fmt.Sprintf("%s%d %d%c%c", t.area, 1+g.r.intn(20), 1+g.r.intn(9), 'A'+rune(g.r.intn(26)), 'A'+rune(g.r.intn(26)))
	g.pattern = patterns[(i-1)%10]
	g.fyMonth = []time.Month{time.March, time.March, time.June, time.December, time.September}[g.r.intn(5)]
	g.director = firstNames[g.r.intn(len(firstNames))] + " " + surnames[g.r.intn(len(surnames))]
	g.role = []string{"Director", "Managing Director", "Chief Executive Officer", "Finance Director", "Chair"}[g.r.intn(5)]
	return g
}

func generateSite(i int) *Site {
	g := newGen(i)

	host := fmt.Sprintf("site%04d.test", i)
	s := &Site{
		Host:          host,
		CompanyNumber: g.number,
		Name:          g.co,
		Postcode:      g.postcode,
		About:         patternAbout[g.pattern],
	}
	g.files = genFS{
		"robots.txt":      func() []byte { return []byte("User-agent: *\nDisallow:\n") },
		"assets/site.css": func() []byte { return []byte(siteCSS) },
	}
	footer := []link{}
	yes, no := true, false
	switch g.pattern {
	case patFooter:
		v := g.i % len(footerLinks)
		p := footerLinks[v].path
		footer = append(footer, link{footerLinks[v].text, p})
		g.files[filePath(p)] = func() []byte { return g.statementHTML(2025) }
		s.Expect = Expect{Outcome: statement.Found, StatementURL: s.URL(p), HomepageLink: &yes}
	case patLegal:
		footer = append(footer, link{"Legal", "/legal/"})
		g.files["legal/index.html"] = g.legalPage
		g.files["legal/modern-slavery-statement/index.html"] = func() []byte { return g.statementHTML(2025) }
		s.Expect = Expect{Outcome: statement.Found, StatementURL: s.URL("/legal/modern-slavery-statement/"), HomepageLink: &no}
	case patPDF:
		p := "/documents/modern-slavery-statement-2025.pdf"
		footer = append(footer, link{"Modern Slavery Statement (PDF)", p})
		g.files["documents/modern-slavery-statement-2025.txt"] = func() []byte { return []byte(g.statementText(2025)) }
		s.Routes = []Route{{Path: p, PDFFrom: "documents/modern-slavery-statement-2025.txt"}}
		s.Expect = Expect{Outcome: statement.Found, StatementURL: s.URL(p), HomepageLink: &yes}
	case patIndex:
		footer = append(footer, link{"Modern slavery", "/modern-slavery/"})
		g.files["modern-slavery/index.html"] = g.indexPage
		for y := 2025; y >= 2023; y-- {
			g.files[fmt.Sprintf("modern-slavery/%d/index.html", y)] = func() []byte { return g.statementHTML(y) }
		}
		s.Expect = Expect{Outcome: statement.Found, StatementURL: s.URL("/modern-slavery/2025/"), HomepageLink: &yes,
			History: []string{s.URL("/modern-slavery/2024/"), s.URL("/modern-slavery/2023/")}}
	case patNone:
		footer = append(footer, link{"Policies", "/policies/"})
		g.files["policies/index.html"] = g.policiesPage
		s.Expect = Expect{Outcome: statement.NoStatement}
	}
	g.footerExtra = footer
	g.files["index.html"] = g.homePage
	for _, m := range menus {
		g.addSimple(m.link)
		for _, c := range m.children {
			g.addSimple(c)
		}
	}
	for _, l := range footerCommon {
		g.addSimple(l)
	}
	for _, l := range policyLinks {
		if g.pattern == patNone || l.path == "/privacy/" || l.path == "/cookies/" || l.path == "/terms/" {
			g.addSimple(l)
		}
	}
	s.files = g.files
	return s
}

var patternAbout = map[int]string{
	patFooter: "generated: footer link to an HTML statement",
	patLegal:  "generated: footer Legal page links to an HTML statement",
	patPDF:    "generated: footer link to a PDF statement",
	patIndex:  "generated: statements index with three years of HTML statements",
	patNone:   "generated: no statement",
}

func (g *gen) addSimple(l link) {
	name := filePath(l.path)
	if _, ok := g.files[name]; !ok {
		g.files[name] = func() []byte { return g.simplePage(l.text) }
	}
}

// rng is splitmix64: tiny, fast and the same on every platform.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// fork returns a generator for one purpose, so that rendering files in
// any order gives the same text.
func (g *gen) fork(salt uint64) *rng {
	r := rng(uint64(g.i)*0x2545f4914f6cdd1d + salt*0x9e3779b97f4a7c15)
	return &r
}

type link struct{ text, path string }

type menu struct {
	link
	children []link
}

var menus = []menu{
	{link{"About us", "/about/"}, []link{{"Our history", "/about/history/"}, {"Leadership", "/about/leadership/"}, {"Where we work", "/about/locations/"}, {"Awards", "/about/awards/"}}},
	{link{"What we do", "/services/"}, []link{{"Products", "/services/products/"}, {"Services", "/services/support/"}, {"Case studies", "/services/case-studies/"}, {"Quality", "/services/quality/"}}},
	{link{"Responsibility", "/responsibility/"}, []link{{"Environment", "/responsibility/environment/"}, {"Our people", "/responsibility/people/"}, {"Community", "/responsibility/community/"}}},
	{link{"News", "/news/"}, []link{{"Press releases", "/news/press/"}, {"Blog", "/news/blog/"}, {"Events", "/news/events/"}}},
	{link{"Careers", "/careers/"}, []link{{"Vacancies", "/careers/vacancies/"}, {"Apprenticeships", "/careers/apprenticeships/"}, {"Life here", "/careers/life/"}}},
}

var footerCommon = []link{
	{"Contact us", "/contact/"}, {"Careers", "/careers/"}, {"Suppliers", "/suppliers/"}, {"Accessibility", "/accessibility/"}, {"Sitemap", "/sitemap/"},
}

var policyLinks = []link{
	{"Privacy notice", "/privacy/"}, {"Cookie policy", "/cookies/"}, {"Terms of use", "/terms/"},
	{"Environmental policy", "/policies/environment/"}, {"Anti-bribery policy", "/policies/anti-bribery/"},
	{"Health and safety policy", "/policies/health-and-safety/"}, {"Whistleblowing policy", "/policies/whistleblowing/"},
}

var footerLinks = []link{
	{"Modern Slavery Statement", "/modern-slavery-statement/"},
	{"Modern slavery statement", "/about/modern-slavery/"},
	{"Modern Slavery Act Statement", "/modern-slavery-act-statement/"},
	{"Slavery and Human Trafficking Statement", "/slavery-and-human-trafficking-statement/"},
	{"Anti-slavery statement", "/anti-slavery-statement/"},
}

const siteCSS = `body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#222}
.site-header{display:flex;justify-content:space-between;padding:1em 2em;background:#f4f4f4}
.menu,.sub-menu{list-style:none;margin:0;padding:0}
.menu>li{display:inline-block;position:relative;margin-right:1.5em}
.sub-menu{display:none;position:absolute;background:#fff;box-shadow:0 2px 6px #0003}
.menu>li:hover .sub-menu{display:block}
main{max-width:60em;margin:2em auto;padding:0 1em}
.site-footer{background:#222;color:#ddd;padding:2em}
.site-footer a{color:#fff}
`

// page wraps main in the site's header and footer.
func (g *gen) page(title, main string) []byte {
	var b strings.Builder
	b.Grow(len(main) + 5000)
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s | %s</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header">
<a class="logo" href="/">%s</a>
<nav aria-label="Main">
<ul class="menu">
`, htmlEscape(title), htmlEscape(g.co), htmlEscape(g.short))
	for _, m := range menus {
		fmt.Fprintf(&b, "<li class=\"has-children\"><a href=\"%s\">%s</a>\n<ul class=\"sub-menu\">\n", m.path, m.text)
		for _, c := range m.children {
			fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", c.path, c.text)
		}
		b.WriteString("</ul>\n</li>\n")
	}
	b.WriteString("<li><a href=\"/contact/\">Contact</a></li>\n</ul>\n</nav>\n</header>\n<main id=\"content\">\n")
	b.WriteString(main)
	b.WriteString("</main>\n<footer class=\"site-footer\">\n<div class=\"footer-cols\">\n<ul>\n")
	for _, l := range footerCommon {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", l.path, l.text)
	}
	b.WriteString("</ul>\n<ul>\n")
	for _, l := range policyLinks[:3] {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", l.path, l.text)
	}
	for _, l := range g.footerExtra {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", l.path, l.text)
	}
	fmt.Fprintf(&b, `</ul>
</div>
<p>&copy; 2025 %s. Registered in England and Wales, company number %s. Registered office: %d %s, %s %s.</p>
</footer>
</body>
</html>
`, htmlEscape(g.co), g.number, 1+g.i%90, streets[g.i%len(streets)], g.town, g.postcode)
	return []byte(b.String())
}

// Statement is a generated organisation's statement, for benchmarks that
// need many statements without a web: the search index's.
type Statement struct {
	Number, Name, Postcode, Sector string
	Text                           string
}

// GenerateStatement returns the statement of generated organisation i for
// the financial year ending in year, about 1,500 words: the statement, then
// a review of the year before drawn from other sentences. Deterministic.
func GenerateStatement(i, year int) Statement {
	g := newGen(i)
	text := g.statementText(year)
	_, prev := g.statement(year - 1)
	var b strings.Builder
	b.WriteString(text)
	b.WriteString("Progress since our last statement\n\n")
	for _, sec := range prev {
		if sec.heading == "Approval" {
			continue
		}
		for _, p := range sec.text {
			if p != "" {
				b.WriteString(p + "\n\n")
			}
		}
		if len(strings.Fields(b.String())) > 1500 {
			break
		}
	}
	return Statement{Number: g.number, Name: g.co, Postcode: g.postcode, Sector: g.sector.name, Text: b.String()}
}
