package report_test

import (
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/s54dev/s54/report"
)

// TestRecipientsYAML: email.to is an address (as older configs had it), a
// list, or a map of region id to an address or a list.
func TestRecipientsYAML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		yaml string
		want report.Recipients
	}{
		{`to: steering@example.org`, report.To("steering@example.org")},
		{`to: [a@example.org, b@example.org]`, report.To("a@example.org", "b@example.org")},
		{"to:\n  humber: [h@example.org]\n  west-mercia: w@example.org\n",
			report.Recipients{Regions: map[string][]string{"humber": {"h@example.org"}, "west-mercia": {"w@example.org"}}}},
		{`to: []`, report.Recipients{All: []string{}}},
	} {
		var c report.MailConfig
		if err := yaml.Unmarshal([]byte(tc.yaml), &c); err != nil {
			t.Errorf("%q: %v", tc.yaml, err)
			continue
		}
		if !reflect.DeepEqual(c.To, tc.want) {
			t.Errorf("%q: %#v, want %#v", tc.yaml, c.To, tc.want)
		}
	}
	var c report.MailConfig
	if err := yaml.Unmarshal([]byte("to: {humber: {a: b}}"), &c); err == nil {
		t.Errorf("a map of maps: %#v", c.To)
	}
	by := report.Recipients{All: []string{"s@example.org"}, Regions: map[string][]string{"west-mercia": {"w@example.org"}, "humber": {"h@example.org"}, "empty": nil}}
	if got := by.String(); got != "s@example.org; humber: h@example.org; west-mercia: w@example.org" {
		t.Errorf("String: %q", got)
	}
	if (report.Recipients{Regions: map[string][]string{"humber": nil}}).Empty() != true || by.Empty() {
		t.Error("Empty")
	}
}
