package report

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"

	mail "github.com/wneessen/go-mail"
)

// MailConfig is the email: section of s54.yaml. The password is never in
// the file: PasswordEnv names the environment variable that holds it.
type MailConfig struct {
	Host        string   `yaml:"host"`
	Port        int      `yaml:"port"` // 587 when 0
	Username    string   `yaml:"username"`
	PasswordEnv string   `yaml:"password_env"`
	From        string   `yaml:"from"`
	To          []string `yaml:"to"`
	// TLSConfig overrides the TLS settings (tests trust their own
	// certificate with it); not in the file.
	TLSConfig *tls.Config `yaml:"-"`
}

// Configured reports whether there is somewhere to send reports.
func (c MailConfig) Configured() bool { return c.Host != "" && c.From != "" && len(c.To) > 0 }

// Send emails the report: a summary in the body, the report and the
// register attached. STARTTLS is required; authentication when a user
// name is set.
func (r *Report) Send(ctx context.Context, c MailConfig, attachments []string) error {
	if !c.Configured() {
		return errors.New("report: email: set email.host, email.from and email.to in s54.yaml")
	}
	port := c.Port
	if port == 0 {
		port = 587
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTLSPortPolicy(mail.TLSMandatory)}
	if c.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(c.TLSConfig))
	}
	if c.Username != "" {
		pw := os.Getenv(c.PasswordEnv)
		if c.PasswordEnv == "" || pw == "" {
			return fmt.Errorf("report: email: the password goes in an environment variable named by email.password_env (%q is empty)", c.PasswordEnv)
		}
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(c.Username), mail.WithPassword(pw))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return fmt.Errorf("report: email: %w", err)
	}
	m := mail.NewMsg()
	if err := m.From(c.From); err != nil {
		return fmt.Errorf("report: email: from: %w", err)
	}
	if err := m.To(c.To...); err != nil {
		return fmt.Errorf("report: email: to: %w", err)
	}
	title := "Modern slavery statements: " + r.Month.Format("January 2006")
	if r.Region != "" {
		title += " (" + r.Region + ")"
	}
	m.Subject(title)
	m.SetBodyString(mail.TypeTextPlain, r.Summary())
	for _, a := range attachments {
		m.AttachFile(a)
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("report: email: %w", err)
	}
	return nil
}

// Summary is the report in a few lines of plain text.
func (r *Report) Summary() string {
	h := r.Headline
	var b strings.Builder
	fmt.Fprintf(&b, "Modern slavery statements, %s", r.Month.Format("January 2006"))
	if r.Region != "" {
		fmt.Fprintf(&b, ", region %s", r.Region)
	}
	fmt.Fprintf(&b, "\n\n%d organisations followed; %d with a statement found, %d meeting the legal minimum, %d out of date.\n",
		h.Organisations, h.Found, h.MeetsMinimum, h.OutOfDate)
	fmt.Fprintf(&b, "%d with no statement found; %d sites could not be read.\n", h.NoStatement, h.Unreachable)
	c := r.Changes
	fmt.Fprintf(&b, "This month: %d new statements, %d new versions, %d rated higher, %d rated lower, %d no longer found, %d sites newly failing.\n",
		len(c.NewStatements), len(c.NewVersions), len(c.RatingUp), len(c.RatingDown), len(c.Disappeared), len(c.NewlyFailing))
	if len(c.Redated) > 0 {
		fmt.Fprintf(&b, "%d of the new statements are the year before's re-dated, otherwise unchanged.\n", len(c.Redated))
	}
	fmt.Fprintf(&b, "To act on: %d with no statement, %d below the legal minimum, %d not linked from the homepage, %d awaiting a reply.\n",
		len(r.NoStatement), len(r.BelowMinimum), len(r.NoHomepageLink), len(r.AwaitingReply))
	if len(r.RegistryClaims)+len(r.Templates) > 0 {
		fmt.Fprintf(&b, "Findings: %d whose registry claims their statement does not bear out, %d whose statement is mostly other organisations' text.\n",
			len(r.RegistryClaims), len(r.Templates))
	}
	b.WriteString("\nThe full report (report.html) and the register (CSV, Excel) are attached.\n")
	return b.String()
}
