package web

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// TestHomepageLinkShown renders the register and the organisation page
// (its status line and its visits) for a statement linked, not linked and
// not checked, and for an organisation with no statement: a pointer to
// false once printed "yes".
func TestHomepageLinkShown(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	cases := []struct {
		name      string
		link      *bool
		statement bool
		want      string
	}{
		{"linked", &yes, true, "linked"},
		{"not linked", &no, true, "not linked"},
		{"not checked", nil, true, "not checked"},
		{"no statement", &no, false, "—"},
		{"no statement, not read", nil, false, "—"},
	}
	s := &Server{}
	if err := s.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	// the homepage link's cell, before the findings' and the follow-up's,
	// the row's last
	cell := regexp.MustCompile(`<td>([^<]*)</td>\s*<td>[^\n]*</td>\s*<td>[^<]*</td>\s*</tr>`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := statement.RegisterEntry{CompanyNumber: "09000001", Name: "Acme Ltd", Status: statement.Found, HomepageLink: tc.link}
			f := store.FetchRecord{Outcome: statement.Found, HomepageLink: tc.link}
			if tc.statement {
				e.StatementURL, f.URL = "https://acme.example/msa", "https://acme.example/msa"
			} else {
				e.Status, f.Outcome = statement.NoStatement, statement.NoStatement
			}
			reg := s.renderString(t, "register", registerData{Entries: []statement.RegisterEntry{e}, SortURL: func(string) string { return "" }})
			if m := cell.FindStringSubmatch(reg); m == nil || m[1] != tc.want {
				t.Errorf("register cell %q, want %q", m, tc.want)
			}
			org := s.renderString(t, "org", orgData{Entry: &e, Fetches: []store.FetchRecord{f}})
			for _, wrong := range []string{"linked", "not linked", "not checked"} {
				if wrong != tc.want && strings.Contains(org, "homepage link: "+wrong+"<") ||
					wrong != tc.want && strings.Contains(org, "homepage link: <strong>"+wrong+"<") {
					t.Errorf("organisation page says %q", wrong)
				}
			}
			if tc.statement && strings.Count(org, tc.want) < 2 {
				t.Errorf("organisation page lacks %q in its status and visits:\n%s", tc.want, org)
			}
		})
	}
}

// TestLinkNeedsScriptShown: a link found only once the homepage's scripts
// ran is said so in the register, the organisation's status and its visits.
func TestLinkNeedsScriptShown(t *testing.T) {
	t.Parallel()
	s := &Server{}
	if err := s.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	yes := true
	for _, needs := range []bool{true, false} {
		e := statement.RegisterEntry{CompanyNumber: "09000001", Name: "Acme Ltd", Status: statement.Found, HomepageLink: &yes,
			StatementURL: "https://acme.example/msa", LinkNeedsScript: needs}
		f := store.FetchRecord{Outcome: statement.Found, URL: e.StatementURL, HomepageLink: &yes, LinkNeedsScript: needs}
		reg := s.renderString(t, "register", registerData{Entries: []statement.RegisterEntry{e}, SortURL: func(string) string { return "" }})
		org := s.renderString(t, "org", orgData{Entry: &e, Fetches: []store.FetchRecord{f}})
		if got := strings.Contains(reg, "only once its scripts run"); got != needs {
			t.Errorf("needs script %v: the register says so: %v", needs, got)
		}
		if got := strings.Contains(org, "written by the homepage's scripts") && strings.Contains(org, "linked, only once its scripts run"); got != needs {
			t.Errorf("needs script %v: the organisation page says so: %v\n%s", needs, got, org)
		}
	}
}

func (s *Server) renderString(t *testing.T, page string, data any) string {
	t.Helper()
	w := httptest.NewRecorder()
	s.render(w, httptest.NewRequest("GET", "/", nil), 200, page, "t", data)
	if w.Code != 200 {
		t.Fatalf("%s: %d %s", page, w.Code, w.Body)
	}
	return w.Body.String()
}
