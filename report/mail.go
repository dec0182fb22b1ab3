package report

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	mail "github.com/wneessen/go-mail"
)

// MailConfig is the email: section of s54.yaml. The password is never in
// the file: PasswordEnv names the environment variable that holds it.
type MailConfig struct {
	Host        string     `yaml:"host"`
	Port        int        `yaml:"port"` // 587 when 0
	Username    string     `yaml:"username"`
	PasswordEnv string     `yaml:"password_env"`
	From        string     `yaml:"from"`
	To          Recipients `yaml:"to"`
	// TLSConfig overrides the TLS settings (tests trust their own
	// certificate with it); not in the file.
	TLSConfig *tls.Config `yaml:"-"`
}

// Recipients is email.to: either one list, whose addresses receive the
// report of the whole register, or a list for each region (by id), whose
// addresses receive that region's report only: a partnership that covers
// one region reads its own organisations, not everyone's. In s54.yaml an
// address, a list of addresses, or a map of region id to either:
//
//	to: [steering@partnership.example]
//	to:
//	  humber: [humber-msp@example.org]
//	  west-mercia: analyst@example.org
type Recipients struct {
	All     []string
	Regions map[string][]string
}

// To is the one list a report of the whole register goes to.
func To(addrs ...string) Recipients { return Recipients{All: addrs} }

// Empty reports whether there is no one to send to.
func (r Recipients) Empty() bool {
	if len(r.All) > 0 {
		return false
	}
	for _, to := range r.Regions {
		if len(to) > 0 {
			return false
		}
	}
	return true
}

// RegionIDs are the regions with recipients of their own, sorted.
func (r Recipients) RegionIDs() []string {
	ids := make([]string, 0, len(r.Regions))
	for id, to := range r.Regions {
		if len(to) > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// String says who receives what, for the log and the command line.
func (r Recipients) String() string {
	var parts []string
	if len(r.All) > 0 {
		parts = append(parts, strings.Join(r.All, ", "))
	}
	for _, id := range r.RegionIDs() {
		parts = append(parts, id+": "+strings.Join(r.Regions[id], ", "))
	}
	return strings.Join(parts, "; ")
}

// UnmarshalYAML reads an address, a list, or a map of region to either
// (the decoder's older Unmarshaler form: report needs no YAML package).
func (r *Recipients) UnmarshalYAML(unmarshal func(any) error) error {
	*r = Recipients{}
	var one string
	if err := unmarshal(&one); err == nil {
		if one != "" {
			r.All = []string{one}
		}
		return nil
	}
	if err := unmarshal(&r.All); err == nil {
		return nil
	}
	var byRegion map[string]addresses
	if err := unmarshal(&byRegion); err != nil {
		return errors.New("email.to: want an address, a list of addresses, or a map of region id to addresses")
	}
	r.All = nil
	r.Regions = make(map[string][]string, len(byRegion))
	for id, to := range byRegion {
		r.Regions[id] = to
	}
	return nil
}

// addresses is an address or a list of them.
type addresses []string

func (a *addresses) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*a = addresses{one}
		return nil
	}
	var list []string
	if err := unmarshal(&list); err != nil {
		return errors.New("want an address or a list of addresses")
	}
	*a = list
	return nil
}

// Configured reports whether there is somewhere to send reports.
func (c MailConfig) Configured() bool { return c.Host != "" && c.From != "" && !c.To.Empty() }

// Send emails the report to the addresses to: a summary in the body, the
// report and the register attached. STARTTLS is required; authentication
// when a user name is set.
func (r *Report) Send(ctx context.Context, c MailConfig, to []string, attachments []string) error {
	if c.Host == "" || c.From == "" || len(to) == 0 {
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
	if err := m.To(to...); err != nil {
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
