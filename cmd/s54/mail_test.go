package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/csv"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/report"
)

// mailbox is an in-process SMTP server offering STARTTLS (as the report
// package's tests run one), which keeps each message with its recipients.
type mailbox struct {
	mu       sync.Mutex
	messages []mailed
	addr     string
	tls      *tls.Config // what a client must trust
}

// mailed is a message received: the envelope's recipients, the text.
type mailed struct {
	to   []string
	data string
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{b: b}, nil }

type mailSession struct {
	b  *mailbox
	to []string
}

func (x *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	x.b.mu.Lock()
	defer x.b.mu.Unlock()
	x.b.messages = append(x.b.messages, mailed{to: slices.Sorted(slices.Values(x.to)), data: string(data)})
	return err
}
func (x *mailSession) Reset()        { x.to = nil }
func (x *mailSession) Logout() error { return nil }

// startMailbox serves a mailbox on loopback with a certificate of its own.
func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	b := &mailbox{tls: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	srv := smtp.NewServer(b)
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	b.addr = ln.Addr().String()
	return b
}

// registerCSV is the company numbers of a message's register.csv.
func registerCSV(t *testing.T, data string) []string {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no register.csv attached: %v", err)
		}
		if p.FileName() != "register.csv" {
			continue
		}
		raw, _ := io.ReadAll(p)
		dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
		if err != nil {
			dec = raw
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(dec, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var numbers []string
		for _, row := range rows[1:] {
			numbers = append(numbers, row[0])
		}
		slices.Sort(numbers)
		return numbers
	}
}

// TestReportEmailByRegion: with email.to a map of region to list, each
// region's recipients receive that region's report only (its figures and
// its register), and no one else's; --region sends one region's to its
// own; a single address, as older configs had it, still receives the
// whole register's.
func TestReportEmailByRegion(t *testing.T) {
	t.Parallel()
	web, hosts, orgs := serveFakeWeb(t)
	box := startMailbox(t)
	host, port, _ := net.SplitHostPort(box.addr)
	data := t.TempDir()
	writeConf := func(to string) {
		t.Helper()
		conf := fastCrawl + "email:\n  host: " + host + "\n  port: " + port + "\n  from: reports@partnership.example\n  to:" + to
		if err := os.WriteFile(filepath.Join(data, "s54.yaml"), []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeConf("\n    humber: [humber@partnership.example]\n    hampshire-iow: [hants@partnership.example, iow@partnership.example]\n")
	if code, _, stderr := run(t, "", "--data", data, "orgs", "import", orgs); code != 0 {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	if code, _, stderr := runOn(t, hosts, "--data", data, "crawl", "--allow-private"); code != 0 {
		t.Fatalf("crawl: exit %d %s", code, stderr)
	}
	regions, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, s := range web.Sites {
		id := regions.Match(s.Postcode)
		want[id] = append(want[id], s.CompanyNumber)
	}
	for _, id := range []string{"humber", "hampshire-iow"} {
		if len(want[id]) == 0 || len(want[id]) == len(web.Sites) {
			t.Fatalf("the fake web has %d of its %d sites in %s: no test of a region's report", len(want[id]), len(web.Sites), id)
		}
		slices.Sort(want[id])
	}
	send := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		g := &globals{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, mailTLS: box.tls}
		code := g.main(t.Context(), append([]string{"--data", data, "report", "--email"}, args...))
		return code, out.String(), errb.String()
	}
	taken := func() []mailed {
		box.mu.Lock()
		defer box.mu.Unlock()
		m := box.messages
		box.messages = nil
		return m
	}

	// the reports kept are of the month when sent: the month before the
	// send or, had it passed into the next meanwhile, after
	before := time.Now().In(report.London).Format("2006-01")
	code, stdout, stderr := send()
	after := time.Now().In(report.London).Format("2006-01")
	if code != 0 || !strings.Contains(stdout, "Sent the report of humber to humber@partnership.example.") ||
		!strings.Contains(stdout, "Sent the report of hampshire-iow to hants@partnership.example, iow@partnership.example.") {
		t.Fatalf("report --email: exit %d\n%s\n%s", code, stdout, stderr)
	}
	got := taken()
	if len(got) != 2 {
		t.Fatalf("%d messages, want one a region", len(got))
	}
	for _, m := range got {
		id := "humber"
		if slices.Contains(m.to, "hants@partnership.example") {
			id = "hampshire-iow"
			if !slices.Equal(m.to, []string{"hants@partnership.example", "iow@partnership.example"}) {
				t.Errorf("hampshire's message went to %v", m.to)
			}
		} else if !slices.Equal(m.to, []string{"humber@partnership.example"}) {
			t.Errorf("a message to %v", m.to)
		}
		if !strings.Contains(m.data, "("+id+")") {
			t.Errorf("%s's message is not titled with its region:\n%.600s", id, m.data)
		}
		// the figures and the register are the region's organisations
		if figure := strconv.Itoa(len(want[id])) + " organisations followed"; !strings.Contains(m.data, figure) {
			t.Errorf("%s's message lacks %q:\n%.1200s", id, figure, m.data)
		}
		if numbers := registerCSV(t, m.data); !slices.Equal(numbers, want[id]) {
			t.Errorf("%s's register holds %v, want %v", id, numbers, want[id])
		}
	}
	for _, id := range []string{"humber", "hampshire-iow"} {
		if _, err := os.Stat(filepath.Join(data, "reports", before, id, "report.html")); err != nil {
			if _, err2 := os.Stat(filepath.Join(data, "reports", after, id, "report.html")); err2 != nil {
				t.Errorf("%s's report is not kept: %v", id, err)
			}
		}
	}

	// --region: that region's report, to its own recipients only
	if code, _, stderr := send("--region", "humber"); code != 0 {
		t.Fatalf("report --email --region humber: exit %d %s", code, stderr)
	}
	if got := taken(); len(got) != 1 || !slices.Equal(got[0].to, []string{"humber@partnership.example"}) ||
		!slices.Equal(registerCSV(t, got[0].data), want["humber"]) {
		t.Errorf("--region humber sent %d messages: %+v", len(got), got)
	}
	if code, _, stderr := send("--region", "west-mercia"); code != exitUsage || !strings.Contains(stderr, "names no one for region west-mercia") {
		t.Errorf("--region with no one to send to: exit %d %q", code, stderr)
	}

	// a single address, as older configs had it: the whole register's
	writeConf(" steering@partnership.example\n")
	if code, stdout, stderr := send(); code != 0 || !strings.Contains(stdout, "Sent the report to steering@partnership.example.") {
		t.Fatalf("report --email to one address: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := taken(); len(got) != 1 || len(registerCSV(t, got[0].data)) != len(web.Sites) {
		t.Errorf("the whole register's report: %d messages", len(got))
	}
}
