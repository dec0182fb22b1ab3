package report_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
)

// smtpServer is an in-process SMTP server that offers STARTTLS and AUTH
// PLAIN and keeps what it receives.
type smtpServer struct {
	mu       sync.Mutex
	messages []string
	users    []string
	tls      bool
}

func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{s: s, c: c}, nil
}

type smtpSession struct {
	s *smtpServer
	c *smtp.Conn
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "reports@partnership.example" || pass != "s3cret-from-env" {
			return errors.New("bad credentials")
		}
		x.s.mu.Lock()
		x.s.users = append(x.s.users, user)
		x.s.mu.Unlock()
		return nil
	}), nil
}
func (x *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	_, tlsOn := x.c.TLSConnectionState()
	x.s.tls = tlsOn
	x.s.messages = append(x.s.messages, string(b))
	return err
}
func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
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
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestSendOverSTARTTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	be := &smtpServer{}
	srv := smtp.NewServer(be)
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	dir := t.TempDir()
	att := filepath.Join(dir, "register.csv")
	os.WriteFile(att, []byte("company_number,name\n01000001,Solent Harbour Hotels Ltd\n"), 0o644)
	r := &report.Report{Month: time.Date(2025, 11, 1, 0, 0, 0, 0, report.London), Region: "hampshire-iow",
		Headline: report.Headline{Organisations: 3, Found: 2, Ratings: map[statement.Rating]int{}}}
	conf := report.MailConfig{Host: "127.0.0.1", Port: port, Username: "reports@partnership.example", PasswordEnv: "S54_TEST_SMTP_PASSWORD",
		From: "reports@partnership.example", To: report.To("steering@partnership.example"), TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}

	// the password comes from the environment, never the file
	t.Setenv("S54_TEST_SMTP_PASSWORD", "")
	if err := r.Send(context.Background(), conf, conf.To.All, nil); err == nil || !strings.Contains(err.Error(), "password_env") {
		t.Errorf("without the password: %v", err)
	}
	t.Setenv("S54_TEST_SMTP_PASSWORD", "s3cret-from-env")
	if err := r.Send(context.Background(), conf, conf.To.All, []string{att}); err != nil {
		t.Fatal(err)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	if len(be.messages) != 1 || len(be.users) != 1 || !be.tls {
		t.Fatalf("%d messages, %d logins, TLS %v", len(be.messages), len(be.users), be.tls)
	}
	m := be.messages[0]
	for _, want := range []string{"Subject: Modern slavery statements: November 2025 (hampshire-iow)", "3 organisations followed", "register.csv"} {
		if !strings.Contains(m, want) {
			t.Errorf("the message lacks %q:\n%s", want, m)
		}
	}
	// a server that does not offer STARTTLS is refused
	plain := smtp.NewServer(&smtpServer{})
	plain.AllowInsecureAuth = true
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	go plain.Serve(ln2)
	defer plain.Close()
	conf.Port = ln2.Addr().(*net.TCPAddr).Port
	if err := r.Send(context.Background(), conf, conf.To.All, nil); err == nil {
		t.Error("sent without TLS")
	}
}
