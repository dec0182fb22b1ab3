package fakeweb

import (
	"fmt"
	"strings"
	"time"
)

type sector struct {
	name      string // part of the company name
	what      string // "we ..." what the business does
	inputs    string // what it buys
	risky     string // where the risk of forced labour lies
	countries string // where its suppliers are
	staff     string // who works there
}

var sectors = []sector{
	{"Cold Chain", "stores and delivers chilled and frozen food for supermarkets, wholesalers and caterers", "refrigerated vehicles, fuel, packaging, pallets and agency warehouse staff", "agency labour in warehouses and the seasonal picking of produce that passes through our depots", "Spain, the Netherlands, Poland and Morocco", "drivers, warehouse operatives and office staff"},
	{"Foods", "makes sandwiches, salads and chilled ready meals for retailers and coffee shops", "fresh produce, meat, dairy, flour, packaging and temporary production staff", "fruit and vegetable harvesting, seafood processing and the recruitment of temporary factory workers", "Spain, Italy, Kenya, Thailand and Peru", "production operatives, engineers and technical staff"},
	{"Engineering", "designs and builds precision components for the aerospace, rail and energy industries", "steel, aluminium, castings, electronic parts, tooling and subcontract machining", "raw material extraction, electronics assembly and labour-only subcontracting", "Germany, China, India, Turkey and Malaysia", "machinists, engineers and apprentices"},
	{"Facilities", "provides cleaning, security and building maintenance services to offices, schools and hospitals", "cleaning chemicals, uniforms, equipment and subcontracted labour", "low-paid outsourced roles, subcontracted cleaning crews and workers recruited through third parties", "the United Kingdom, China and Pakistan", "cleaners, security officers and site supervisors"},
	{"Apparel", "designs and sells clothing and footwear through its shops and its website", "finished garments, fabric, trims, shoes and logistics services", "cotton farming, spinning, garment factories and home working at the lower tiers of the supply chain", "Bangladesh, India, Turkey, China and Portugal", "retail colleagues, designers and distribution staff"},
	{"Construction", "builds and refurbishes homes, schools and commercial buildings", "timber, bricks, steel, solar panels, plant hire and labour-only subcontractors", "labour supplied through gangmasters, building materials from high-risk regions and solar supply chains", "the United Kingdom, China, Brazil and the Baltic states", "site managers, tradespeople and quantity surveyors"},
	{"Care", "runs residential care homes and home care services for older people", "food, medical supplies, personal protective equipment and agency care staff", "international recruitment of care workers, agency staffing and gloves made in South-East Asia", "the United Kingdom, Malaysia, India and the Philippines", "carers, nurses, cooks and housekeepers"},
	{"Logistics", "moves parcels and pallets across the UK and Europe for manufacturers and online retailers", "vehicles, fuel, subcontracted couriers, warehouse labour and packaging", "self-employed delivery drivers, agency warehouse workers and vehicle washing", "the United Kingdom, Ireland, France and Romania", "drivers, transport planners and warehouse operatives"},
	{"Technology", "develops software and provides IT support and hardware to businesses and public bodies", "laptops, phones, servers, cloud hosting and offshore development services", "electronics manufacturing, mineral extraction for components and outsourced support centres", "the United States, China, Taiwan, India and Ireland", "software engineers, support analysts and sales staff"},
	{"Hospitality", "operates hotels, restaurants and event venues in towns and cities across England", "food and drink, linen, cleaning, furniture and outsourced housekeeping", "outsourced room cleaning, kitchen portering and seasonal staff recruited through agencies", "the United Kingdom, France, Italy and Vietnam", "chefs, housekeepers, front-of-house and events staff"},
	{"Printing", "prints books, magazines, packaging and marketing material for publishers and brands", "paper, board, inks, printing plates and finishing services", "pulp and paper production, ink pigments and hand finishing by home workers", "Finland, Sweden, China and Indonesia", "printers, finishers and account managers"},
	{"Furniture", "makes and sells sofas, beds and office furniture", "timber, foam, fabric, metal frames and delivery services", "illegal logging, foam and fabric mills and upholstery workshops", "Poland, Lithuania, Vietnam, China and India", "upholsterers, joiners, drivers and showroom staff"},
}

var prefixes = []string{
	"Ashby", "Bramley", "Calder", "Dunmore", "Elmridge", "Farleigh", "Glenholme", "Harwood", "Ingleby", "Kelsall",
	"Langdale", "Marston", "Netherby", "Oakhurst", "Penrose", "Quarrydale", "Redbourne", "Saltmarsh", "Thornbury", "Upton Vale",
	"Whitlock", "Yardley", "Alderwick", "Blackmore", "Coniston", "Denby", "Eastwick", "Foxley", "Greenhow", "Hatherley",
	"Ivybridge", "Kingsmead", "Lowther", "Millbrook", "Northcote", "Orchard", "Pemberton", "Rushmere", "Stanwick", "Tenbury",
	"Wendover", "Brackenridge", "Cleeve", "Dovecote", "Everleigh", "Fernside", "Goldcrest", "Hollowell", "Kestle", "Lindfield",
}

type town struct{ name, area string }

var towns = []town{
	{"Leeds", "LS"}, {"Sheffield", "S"}, {"Bristol", "BS"}, {"Nottingham", "NG"}, {"Leicester", "LE"},
	{"Norwich", "NR"}, {"Exeter", "EX"}, {"Preston", "PR"}, {"Reading", "RG"}, {"Coventry", "CV"},
	{"Derby", "DE"}, {"York", "YO"}, {"Hull", "HU"}, {"Stoke-on-Trent", "ST"}, {"Peterborough", "PE"},
	{"Cardiff", "CF"}, {"Newcastle upon Tyne", "NE"}, {"Bolton", "BL"}, {"Warrington", "WA"}, {"Swindon", "SN"},
}

var streets = []string{"Station Road", "Mill Lane", "Victoria Street", "Park Way", "Church Street", "Canal Side", "Riverside Drive", "Enterprise Park", "Bridge Street", "Harbour Road"}

var firstNames = []string{"Alison", "Ben", "Catherine", "David", "Eleanor", "Farhan", "Grace", "Harry", "Imogen", "James", "Karen", "Liam", "Maya", "Nikhil", "Olivia", "Peter", "Rachel", "Sanjay", "Tom", "Victoria"}

var surnames = []string{"Ainsworth", "Brennan", "Chadwick", "Dawson", "Ellison", "Fairbairn", "Gill", "Holloway", "Iqbal", "Jarvis", "Kowalski", "Lister", "Moorcroft", "Nwosu", "Okafor", "Pritchard", "Quayle", "Rowntree", "Sutcliffe", "Thackeray"}

// section is a heading and the sentence templates it draws from; pick is
// how many it uses.
type section struct {
	heading string
	pick    int
	text    []string
}

var statementSections = []section{
	{"Introduction", 4, []string{
		"This statement is made under section 54 of the Modern Slavery Act 2015 and sets out the steps {co} has taken during the {fy} to prevent modern slavery and human trafficking in its business and its supply chains.",
		"We recognise that modern slavery can take many forms, including forced labour, debt bondage, human trafficking and the exploitation of children, and that no sector is free of it.",
		"This is our {nth} statement, and it reports on what we committed to do in our {prev} statement as well as on the new work begun this year.",
		"We take a zero-tolerance approach to slavery and human trafficking, and we expect the same of everyone who works for us or with us.",
		"We publish this statement on our website, with a link from our homepage, and we share it with our employees, our main suppliers and our customers.",
		"Our aim is not only to comply with the law but to find and fix problems, and to be open about what we find.",
	}},
	{"Our structure and business", 5, []string{
		"{co} is a private company registered in England and Wales with its head office in {town}.",
		"The company {what}.",
		"In the {fy} we employed around {emp} people at {sites} sites, most of them {staff}.",
		"Our annual turnover was above the threshold of £36 million set by the Act, and most of our revenue comes from customers in the United Kingdom.",
		"All our directly employed staff are paid at least the real Living Wage, and we check the right to work of every new starter before they begin.",
		"We use recruitment agencies at busy times of the year, and in the {fy} agency workers made up about {agency} per cent of the hours worked at our sites.",
		"The board of directors is responsible for this statement, and day-to-day responsibility sits with our {owner}, who reports to the board every quarter.",
	}},
	{"Our supply chains", 5, []string{
		"We buy from around {suppliers} suppliers, the largest of which supply {inputs}.",
		"Our direct suppliers are mostly in the United Kingdom, but their own suppliers reach further, to {countries}.",
		"We have mapped all of our direct suppliers and, for our highest-spend categories, the suppliers behind them as far as the second tier.",
		"About {pct} per cent of our spend goes to suppliers with whom we have worked for more than five years, which gives us the relationships we need to raise difficult questions.",
		"We know that the further a product is from us in the supply chain, the less we can see of the conditions in which it was made.",
		"Services such as cleaning, catering and security at our sites are bought from contractors, whose workers we treat as part of our own workforce for the purposes of this statement.",
		"New suppliers are approved by our procurement team only after they have completed our ethical trading questionnaire.",
	}},
	{"Our policies", 5, []string{
		"Our anti-slavery and human trafficking policy sets out what we expect of our staff and our suppliers and who to contact with a concern.",
		"Our supplier code of conduct, based on the Ethical Trading Initiative Base Code, forbids forced, bonded and involuntary labour and the charging of recruitment fees to workers.",
		"Every supplier must accept the code before we place an order, and our standard contracts allow us to audit them and to end the relationship if a serious breach is not put right.",
		"Our whistleblowing policy lets employees, agency workers and suppliers' workers raise a concern in confidence, through a telephone line and a website run by an independent provider.",
		"Our responsible recruitment policy requires the agencies we use to be licensed where the law requires it, to pay workers directly and on time, and never to hold their identity documents.",
		"Our procurement policy requires buyers to consider human rights risks alongside price, quality and delivery when they choose a supplier.",
		"All of these policies are reviewed every year by the board and were last updated in {review}.",
	}},
	{"Due diligence", 5, []string{
		"Before we take on a supplier in a high-risk category, we ask for evidence of its own checks on labour standards and, where we can, we visit its sites.",
		"In the {fy} we carried out {audits} ethical audits of supplier sites, {unannounced} of them unannounced, using independent auditors.",
		"Where an audit finds a problem we agree a corrective action plan with the supplier, with dates, and we check that each action has been completed.",
		"This year audits found {findings} cases where workers had paid fees to recruiters, and in each case the supplier agreed to repay the workers in full.",
		"We share audit results through Sedex so that our suppliers do not face repeated audits from different customers.",
		"We check the right to work of all agency workers at our own sites, and we look for warning signs such as several workers sharing one bank account or address.",
		"We did not identify any case of modern slavery in our own operations during the year.",
	}},
	{"Risk assessment", 4, []string{
		"We assess the risk of modern slavery for each category of spend by looking at the country of origin, the type of work, the use of migrant or agency labour and the visibility we have of the supply chain.",
		"Our highest risks are in {risky}.",
		"We rated {highrisk} of our suppliers as high risk this year and have put each of them on an enhanced programme of monitoring.",
		"We use published indices and the guidance of the Gangmasters and Labour Abuse Authority to keep our assessment up to date.",
		"Our own operations carry a lower risk, because almost all of our workers are directly employed, but we recognise the risk from agencies and contractors.",
		"The risk register is reviewed by the {owner} twice a year and by the board once a year.",
	}},
	{"Measuring effectiveness", 4, []string{
		"We measure our progress with the following indicators, which we report to the board.",
		"By the end of the year {trained} per cent of our employees had completed modern slavery training this year, against a target of 95 per cent.",
		"At the end of the year {coverage} per cent of our spend with high-risk suppliers was covered by a current ethical audit at the end of the year.",
		"We received {calls} concerns through our whistleblowing channels, of which {msa} related to working conditions; each was investigated and none showed evidence of forced labour.",
		"All corrective actions from last year's audits were closed within the agreed time, except two which remain open and are being followed up.",
		"Every new supplier in a high-risk category was screened before its first order.",
	}},
	{"Training", 3, []string{
		"All new employees complete an introduction to modern slavery as part of their induction.",
		"Buyers, recruiters and site managers, who are most likely to see the signs, receive more detailed training each year, delivered with a specialist charity.",
		"We ran two workshops for our main suppliers on responsible recruitment and on how to spot the signs of exploitation.",
		"Posters in several languages at every site explain the signs of modern slavery and how to report a concern.",
		"Our board received a briefing on the Modern Slavery Act and on our risk assessment during the year.",
	}},
	{"Our plans for the coming year", 3, []string{
		"In the coming year we will extend our supply chain mapping to the third tier for our highest-risk categories.",
		"We will ask our largest suppliers to publish their own statements and to share their audit results with us.",
		"We will review how we buy from recruitment agencies and reduce the number we use.",
		"We will join an industry group so that we can work with other companies on risks that no single buyer can address.",
		"We will set a target for the share of high-risk spend covered by audits and report against it next year.",
	}},
}

// statementYear is the year of the statement's end of financial year.
type statementYear struct {
	fyEnd, signed, board time.Time
	label, prev          string
}

func (g *gen) year(y int) statementYear {
	end := time.Date(y, g.fyMonth+1, 0, 0, 0, 0, 0, time.UTC) // last day of fyMonth
	if g.fyMonth > time.June {
		end = end.AddDate(-1, 0, 0)
	}
	r := g.fork(uint64(y) + 7)
	board := end.AddDate(0, 3+r.intn(2), 1+r.intn(20))
	label := fmt.Sprintf("%d", end.Year())
	prev := fmt.Sprintf("%d", end.Year()-1)
	if end.Month() != time.December {
		label = fmt.Sprintf("%d/%02d", end.Year()-1, end.Year()%100)
		prev = fmt.Sprintf("%d/%02d", end.Year()-2, (end.Year()-1)%100)
	}
	return statementYear{fyEnd: end, board: board, signed: board.AddDate(0, 0, r.intn(5)), label: label, prev: prev}
}

const dateLayout = "2 January 2006"

// statement returns the title and sections of the statement for the
// financial year ending in year y.
func (g *gen) statement(y int) (string, []section) {
	sy := g.year(y)
	r := g.fork(uint64(y))
	ordinals := []string{"fifth", "sixth", "seventh", "eighth", "ninth"}
	fill := strings.NewReplacer(
		"{co}", g.co, "{town}", g.town, "{what}", g.sector.what, "{inputs}", g.sector.inputs,
		"{risky}", g.sector.risky, "{countries}", g.sector.countries, "{staff}", g.sector.staff,
		"{fy}", "financial year ending "+sy.fyEnd.Format(dateLayout), "{prev}", sy.prev,
		"{nth}", ordinals[(y-2021+g.i)%len(ordinals)],
		"{emp}", fmt.Sprint(250+r.intn(4000)), "{sites}", fmt.Sprint(2+r.intn(30)),
		"{agency}", fmt.Sprint(5+r.intn(25)), "{suppliers}", fmt.Sprint(120+r.intn(2500)),
		"{pct}", fmt.Sprint(40+r.intn(45)), "{audits}", fmt.Sprint(6+r.intn(60)),
		"{unannounced}", fmt.Sprint(1+r.intn(5)), "{findings}", []string{"two", "three", "four", "five"}[r.intn(4)],
		"{highrisk}", fmt.Sprint(8+r.intn(40)), "{trained}", fmt.Sprint(78+r.intn(22)),
		"{coverage}", fmt.Sprint(55+r.intn(45)), "{calls}", fmt.Sprint(3+r.intn(30)), "{msa}", []string{"none", "one", "two"}[r.intn(3)],
		"{review}", sy.fyEnd.AddDate(0, -r.intn(9), 0).Format("January 2006"),
		"{owner}", []string{"Head of Procurement", "Chief Operating Officer", "Director of People", "Head of Compliance", "General Counsel"}[r.intn(5)],
	)
	var out []section
	for _, s := range statementSections {
		idx := make([]int, len(s.text))
		for i := range idx {
			idx[i] = i
		}
		// Choose s.pick sentences, keeping their order.
		for len(idx) > s.pick {
			k := r.intn(len(idx))
			idx = append(idx[:k], idx[k+1:]...)
		}
		var sents []string
		for _, i := range idx {
			sents = append(sents, fill.Replace(s.text[i]))
		}
		// Two paragraphs a section.
		h := (len(sents) + 1) / 2
		out = append(out, section{heading: s.heading, text: []string{strings.Join(sents[:h], " "), strings.Join(sents[h:], " ")}})
	}
	out = append(out, section{heading: "Approval", text: []string{
		fmt.Sprintf("This statement covers the financial year ending %s. It was approved by the board of directors of %s on %s.",
			sy.fyEnd.Format(dateLayout), g.co, sy.board.Format(dateLayout)),
		fmt.Sprintf("Signed: %s, %s, %s", g.director, g.role, sy.signed.Format(dateLayout)),
	}})
	return fmt.Sprintf("%s Modern Slavery Statement %s", g.co, sy.label), out
}

func (g *gen) statementText(y int) string {
	title, secs := g.statement(y)
	var b strings.Builder
	b.WriteString(title + "\n\n")
	for _, s := range secs {
		b.WriteString(s.heading + "\n\n")
		for _, p := range s.text {
			if p != "" {
				b.WriteString(p + "\n\n")
			}
		}
	}
	return b.String()
}

func (g *gen) statementHTML(y int) []byte {
	title, secs := g.statement(y)
	var b strings.Builder
	fmt.Fprintf(&b, "<article class=\"statement\">\n<h1>%s</h1>\n", htmlEscape(title))
	for _, s := range secs {
		fmt.Fprintf(&b, "<h2>%s</h2>\n", s.heading)
		for _, p := range s.text {
			if p != "" {
				fmt.Fprintf(&b, "<p>%s</p>\n", htmlEscape(p))
			}
		}
	}
	b.WriteString("</article>\n")
	return g.page(title, b.String())
}

var newsTopics = []string{
	"opens a new site in %s", "wins a regional business award", "welcomes twelve new apprentices",
	"raises £%d,000 for a local hospice", "completes the switch to electric vans", "publishes its gender pay gap report",
	"sponsors the %s half marathon", "launches a new range for spring", "celebrates 25 years in %s",
	"cuts packaging waste by a third", "appoints a new operations director", "partners with %s College on skills",
}

// homePage is 10–30 KB: a hero, services and a news list whose length
// depends on the site.
func (g *gen) homePage() []byte {
	r := g.fork(1)
	var b strings.Builder
	fmt.Fprintf(&b, `<section class="hero">
<h1>%s</h1>
<p>%s %s. Based in %s, we work with customers across the United Kingdom.</p>
<p><a class="button" href="/contact/">Talk to our team</a> <a class="button" href="/services/">What we do</a></p>
</section>
<section class="services">
<h2>What we do</h2>
<ul class="cards">
`, htmlEscape(g.co), htmlEscape(g.short), g.sector.what, g.town)
	for _, m := range menus[:3] {
		for _, c := range m.children {
			fmt.Fprintf(&b, "<li class=\"card\"><h3><a href=\"%s\">%s</a></h3><p>Find out more about %s at %s.</p></li>\n", c.path, c.text, strings.ToLower(c.text), htmlEscape(g.short))
		}
	}
	b.WriteString("</ul>\n</section>\n<section class=\"news\">\n<h2>Latest news</h2>\n<ul class=\"news-list\">\n")
	n := 15 + (g.i*13)%50
	for k := range n {
		topic := newsTopics[(k+g.i)%len(newsTopics)]
		if strings.Contains(topic, "%s") {
			topic = fmt.Sprintf(topic, g.town)
		} else if strings.Contains(topic, "%d") {
			topic = fmt.Sprintf(topic, 2+r.intn(40))
		}
		day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -9*k-r.intn(9))
		fmt.Fprintf(&b, `<li class="news-item">
<time datetime="%s">%s</time>
<h3><a href="/news/">%s %s</a></h3>
<p>%s %s. The team in %s marked the occasion with colleagues, customers and neighbours, and thanked everyone who made it possible. Read the full story in our news section.</p>
</li>
`, day.Format("2006-01-02"), day.Format(dateLayout), htmlEscape(g.short), topic, htmlEscape(g.short), topic, g.town)
	}
	b.WriteString("</ul>\n</section>\n")
	return g.page("Home", b.String())
}

func (g *gen) simplePage(title string) []byte {
	return g.page(title, fmt.Sprintf(`<h1>%s</h1>
<p>This page tells you about %s at %s. We are updating it and will add more detail soon.</p>
<p>If you have a question, please <a href="/contact/">contact us</a> or write to us at our registered office in %s.</p>
`, htmlEscape(title), strings.ToLower(title), htmlEscape(g.co), g.town))
}

func (g *gen) legalPage() []byte {
	return g.page("Legal", `<h1>Legal information</h1>
<p>The documents below explain how we use your data, the terms on which we trade and the statements we publish each year.</p>
<ul class="legal-list">
<li><a href="/privacy/">Privacy notice</a></li>
<li><a href="/cookies/">Cookie policy</a></li>
<li><a href="/terms/">Terms of use</a></li>
<li><a href="/legal/modern-slavery-statement/">Modern slavery statement</a></li>
</ul>
`)
}

func (g *gen) indexPage() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<h1>Modern slavery</h1>\n<p>%s publishes a statement each year under the Modern Slavery Act 2015. Our current and previous statements are below.</p>\n<ul class=\"documents\">\n", htmlEscape(g.co))
	for y := 2025; y >= 2023; y-- {
		fmt.Fprintf(&b, "<li><a href=\"/modern-slavery/%d/\">Modern Slavery Statement %s</a></li>\n", y, g.year(y).label)
	}
	b.WriteString("</ul>\n")
	return g.page("Modern slavery", b.String())
}

func (g *gen) policiesPage() []byte {
	var b strings.Builder
	b.WriteString("<h1>Our policies</h1>\n<p>We hold ourselves to high standards. These policies apply to everyone who works for us.</p>\n<ul>\n")
	for _, l := range policyLinks[3:] {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", l.path, l.text)
	}
	b.WriteString("</ul>\n")
	return g.page("Policies", b.String())
}
