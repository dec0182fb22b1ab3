package main

// The -web mode: the index just built behind the web server, loaded by
// concurrent staff searching, then by businesses checking a draft PDF.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/internal/testpdf"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// webBench is what -web measures.
type webBench struct {
	clients  int // staff searching at once
	searches int // search requests timed, after the warm-up
	checkers int // drafts checked at once
	checks   int // self-checks at most
	checkFor time.Duration
}

// searchURL is the search page's URL for q.
func searchURL(q index.Query) string {
	v := url.Values{}
	v.Set("q", q.Text)
	if q.Region != "" {
		v.Set("region", q.Region)
	}
	if q.Year != 0 {
		v.Set("year", strconv.Itoa(q.Year))
	}
	if q.AllVersions {
		v.Set("all", "1")
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
		if q.Offset > 0 {
			v.Set("page", strconv.Itoa(q.Offset/q.Limit+1))
		}
	}
	return "/search?" + v.Encode()
}

// runWeb serves x and loads the server. statements is the size of the
// index, for the report.
func runWeb(ctx context.Context, x *index.Index, statements int, b webBench) {
	dir, err := os.MkdirTemp("", "indexbench-web")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, dir)
	if err != nil {
		fail(err)
	}
	defer st.Close()

	// a staff member logged in: a session made directly in the register
	pw, err := web.HashPassword("indexbench password")
	if err != nil {
		fail(err)
	}
	if err := st.AddUser(ctx, "bench", pw); err != nil {
		fail(err)
	}
	u, err := st.UserByName(ctx, "bench")
	if err != nil {
		fail(err)
	}
	token, hash := web.NewToken()
	csrf, _ := web.NewToken()
	if err := st.CreateSession(ctx, u.ID, hash, csrf, time.Now().Add(time.Hour)); err != nil {
		fail(err)
	}

	srv, err := web.New(web.Config{Store: st, Checker: checker.Default(), Index: x, MaxChecks: b.checkers})
	if err != nil {
		fail(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConns: 128, MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute}}
	defer client.CloseIdleConnections()

	searchLoad(ctx, client, hs.URL, token, statements, b)
	checkLoad(ctx, client, hs.URL, b)
}

// searchLoad: b.clients staff search at once, cycling through queries.
func searchLoad(ctx context.Context, client *http.Client, base, token string, statements int, b webBench) {
	urls := make([]string, len(queries))
	for i, q := range queries {
		urls[i] = base + searchURL(q)
	}
	get := func(u string) time.Duration {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			fail(err)
		}
		req.AddCookie(&http.Cookie{Name: "s54_session", Value: token})
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			fail(fmt.Errorf("GET %s: %w", u, err))
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil {
			fail(fmt.Errorf("GET %s: %w", u, err))
		}
		if resp.StatusCode != http.StatusOK {
			fail(fmt.Errorf("GET %s: status %d, want 200: %.300s", u, resp.StatusCode, body))
		}
		if !bytes.Contains(body, []byte("statements match")) {
			fail(fmt.Errorf("GET %s: 200 but no results on the page (not logged in?): %.300s", u, body))
		}
		return took
	}

	// warm-up: every query by every client once, which also opens the
	// connections
	var wg sync.WaitGroup
	for c := range b.clients {
		wg.Go(func() {
			for k := range urls {
				get(urls[(c+k)%len(urls)])
			}
		})
	}
	wg.Wait()

	lat := make([]time.Duration, b.searches)
	var next atomic.Int64
	start := time.Now()
	for range b.clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= b.searches {
					return
				}
				lat[i] = get(urls[i%len(urls)])
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	slices.Sort(lat)
	p99 := pct(lat, 0.99)
	verdict := "meets"
	if p99 >= 200*time.Millisecond {
		verdict = "MISSES"
	}
	fmt.Printf("web search at %7d: %d clients, %d GET /search: p50 %6.2f ms, p95 %6.2f ms, p99 %6.2f ms, max %6.2f ms, %6.0f requests/s"+
		" (target: p99 < 200 ms at 10,000 statements: %s)\n",
		statements, b.clients, b.searches, ms(pct(lat, 0.50)), ms(pct(lat, 0.95)), ms(p99), ms(lat[len(lat)-1]),
		float64(b.searches)/wall.Seconds(), verdict)
}

// checkLoad: b.checkers businesses check a five-page draft at once, for
// b.checkFor or b.checks checks, whichever comes first.
func checkLoad(ctx context.Context, client *http.Client, base string, b webBench) {
	pdf, words := draftPDF()
	pages := bytes.Count(pdf, []byte("/Type /Page /Parent"))
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, err := mw.CreateFormFile("file", "draft.pdf")
	if err != nil {
		fail(err)
	}
	fw.Write(pdf)
	mw.Close()
	body, ctype := form.Bytes(), mw.FormDataContentType()

	post := func() time.Duration {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/check", bytes.NewReader(body))
		if err != nil {
			fail(err)
		}
		req.Header.Set("Content-Type", ctype)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			fail(fmt.Errorf("POST /api/check: %w", err))
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil {
			fail(fmt.Errorf("POST /api/check: %w", err))
		}
		if resp.StatusCode != http.StatusOK {
			fail(fmt.Errorf("POST /api/check: status %d, want 200: %.300s", resp.StatusCode, out))
		}
		if !bytes.Contains(out, []byte(`"rating"`)) {
			fail(fmt.Errorf("POST /api/check: 200 but no assessment: %.300s", out))
		}
		return took
	}
	post() // warm-up

	var (
		mu   sync.Mutex
		lat  []time.Duration
		next atomic.Int64
		wg   sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(b.checkFor)
	for range b.checkers {
		wg.Go(func() {
			for time.Now().Before(deadline) && next.Add(1) <= int64(b.checks) {
				d := post()
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	slices.Sort(lat)
	fmt.Printf("web self-check: %d clients, %d POST /api/check of a %d-page PDF (%d words, %d KB) in %.1f s: %5.1f checks/s, p50 %6.0f ms, p95 %6.0f ms\n",
		b.checkers, len(lat), pages, words, len(pdf)>>10, wall.Seconds(), float64(len(lat))/wall.Seconds(),
		ms(pct(lat, 0.50)), ms(pct(lat, 0.95)))
}

func pct(sorted []time.Duration, q float64) time.Duration {
	return sorted[int(q*float64(len(sorted)-1))]
}

// draftPDF is a fictional statement of about 2,500 words, five pages of
// testpdf.Text, and its word count.
func draftPDF() ([]byte, int) {
	sites := []string{"Ashby", "Brackley", "Corby", "Daventry", "Evesham", "Fakenham", "Goole", "Hexham"}
	countries := []string{"Poland", "Romania", "Spain", "Morocco", "Kenya", "India", "Vietnam", "Turkey", "Peru", "Brazil"}
	categories := []string{"fresh vegetables", "cardboard packaging", "cleaning services", "haulage", "seasonal labour",
		"uniforms", "machine parts", "cold storage", "canteen supplies", "pallets"}
	var paras []string
	add := func(format string, a ...any) { paras = append(paras, fmt.Sprintf(format, a...)) }

	add("This statement is made under section 54(1) of the Modern Slavery Act 2015. It describes the steps that Tallow Brook Produce Limited took during the financial year ending 31 March 2025 to make sure that slavery and human trafficking are not taking place in any of its supply chains or in any part of its own business.")
	add("Our structure and business. Tallow Brook Produce Limited grows, packs and distributes vegetables for retailers and caterers in the United Kingdom. We employ about 2,300 people across %d sites, and up to 900 more are supplied by labour providers at the height of the harvest. Our turnover in the year was 212 million pounds.", len(sites))
	for i, s := range sites {
		add("Our %s site employs %d permanent colleagues and, in the busiest weeks, up to %d workers supplied by %d licensed labour providers. The site manager at %s is responsible for the checks described in this statement and reports on them each month to the operations director.",
			s, 120+37*i, 40+23*i, 1+i%3, s)
	}
	add("Our supply chains. We buy from about 540 suppliers in %d countries. The main categories we buy are %s.", len(countries), strings.Join(categories, ", "))
	for i, c := range categories {
		add("For %s we work with %d suppliers, the largest of which are in %s and %s. We have mapped this category to the second tier of the supply chain for %d per cent of our spend, and we know the farms, factories or depots where the work is done.",
			c, 8+5*i, countries[i%len(countries)], countries[(i+3)%len(countries)], 40+5*i)
	}
	add("Our policies. Our Anti-Slavery and Human Trafficking Policy applies to everyone who works for us and prohibits forced, bonded, compulsory and child labour. Our Responsible Recruitment Policy commits us to the Employer Pays Principle: no worker should pay for a job. Our Supplier Code of Conduct requires every supplier to respect the same standards, to pay at least the legal minimum wage, to let workers keep their own identity documents and to let them leave their employment freely. Our Whistleblowing Policy lets any worker raise a concern in confidence, in their own language, through an independent helpline.")
	add("The policies were reviewed by the board in the year, and the review added a requirement that labour providers show us their fee policies and the accommodation they arrange for workers.")
	add("Due diligence. Every new supplier completes a questionnaire on labour standards before it is approved, and we check that its answers agree with what we know of its country and category. Suppliers that our risk assessment rates as high risk must hold a current ethical audit, which we review, and we visit them ourselves at least once a year. Our contracts with labour providers let us inspect their records, and we check the payslips of a sample of agency workers at each site every quarter.")
	for i, c := range countries {
		add("In %s we had %d suppliers at the end of the year. %d of them were audited in the year, and the audits found %d non-conformances on working hours, wages or documents, of which %d were closed within ninety days. Where a supplier did not close a non-conformance we met its managers and agreed a plan with dates.",
			c, 6+4*i, 3+2*i, 2+i, 1+i)
	}
	add("Risk assessment and management. We assess every supplier against a risk matrix that scores the country, the category, the use of temporary or migrant labour and what we know of the supplier. The parts of our business and supply chains at highest risk are seasonal labour at our own sites, fresh vegetables grown in southern Europe and North Africa, and cleaning and security services on our sites, where work is often subcontracted. We review the matrix each year and whenever we learn of a new risk.")
	add("Training. All site managers, buyers and human resources staff complete training on modern slavery each year. In the year 1,180 colleagues completed the course, and every new starter is told at induction how to recognise the signs of forced labour and how to report a concern. Our buyers completed further training on responsible purchasing practices, so that the prices and lead times we set do not push suppliers to cut corners on labour standards.")
	add("Effectiveness and key performance indicators. We measure how effective our steps are with these indicators: the share of high-risk suppliers with a current ethical audit (93 per cent, up from 85 per cent); the share of non-conformances closed within ninety days (81 per cent); the number of staff trained (1,180); the number of concerns raised through the helpline (eleven, of which two concerned recruitment fees and were resolved by the labour provider repaying the fees); and the share of labour providers that have signed our fee policy (all of them).")
	for i, s := range sites {
		add("At %s we interviewed %d agency workers in their own language during the year. %d said they had paid nobody for their job; the others were referred to the labour provider's manager and the matter was followed up by our human resources team until it was closed.",
			s, 15+3*i, 14+3*i)
	}
	add("Next year we will extend the mapping of our supply chains to the third tier for fresh vegetables, publish the list of our first-tier production sites, and ask each labour provider to share the results of an annual survey of its workers.")
	add("This statement was approved by the Board of Directors of Tallow Brook Produce Limited on 24 July 2025.")
	add("Signed: Imogen Farrant, Director, 24 July 2025")
	words := 0
	for _, p := range paras {
		words += len(strings.Fields(p))
	}
	return testpdf.Text("Tallow Brook Produce Limited: Modern Slavery Statement 2024/25", paras...), words
}
