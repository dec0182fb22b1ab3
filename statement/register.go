package statement

import "time"

// RegisterEntry is one organisation's line in the compliance register: who
// it is and the latest result for it. Its JSON is the shape of DESIGN.md's
// `s54 register --json`, with more fields after those.
type RegisterEntry struct {
	OrgID int64 `json:"-"`
	// StatementID is the register's id of the latest statement, 0 when
	// none: a new id means a new version.
	StatementID   int64  `json:"-"`
	CompanyNumber string `json:"company_number"`
	Name          string `json:"name"`
	// Region is the id of the organisation's region (what filters use),
	// RegionName its name (what people read).
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	Website    string `json:"website"`
	// WebsiteSource says where the website came from.
	WebsiteSource WebsiteSource `json:"website_source,omitempty"`
	// StatementURL is where the latest statement was found.
	StatementURL string `json:"statement_url"`
	// HomepageLink is nil until a statement was found by crawling.
	HomepageLink *bool `json:"homepage_link"`
	// LinkNeedsScript: the homepage's link to the statement was found only
	// once the page's scripts had run (rendered in a browser); a visitor
	// without them, and some readers, do not see it.
	LinkNeedsScript bool           `json:"link_needs_script,omitempty"`
	Status          RegisterStatus `json:"status"`
	// Rating, Score and Criteria are of the latest assessed statement:
	// nil when none could be assessed.
	Rating    *Rating                `json:"rating"`
	Score     *int                   `json:"score"`
	PeriodEnd Date                   `json:"period_end"`
	Criteria  map[CriterionID]Status `json:"criteria"`
	// CheckedAt is when the latest statement was assessed.
	CheckedAt *time.Time `json:"checked_at"`

	Postcode string   `json:"postcode"`
	Sector   string   `json:"sector"`
	Turnover Turnover `json:"turnover"`
	Scope    Scope    `json:"scope"`
	// LastFetch is when the site was last fetched, and Failure what went
	// wrong then: a site that fails keeps its last good statement, marked
	// with the failure.
	LastFetch *time.Time `json:"last_fetch"`
	Failure   string     `json:"failure,omitempty"`
	// FollowUp is where staff stand with the organisation (none when no
	// one has written anything).
	FollowUp FollowUp `json:"follow_up"`
	// Findings are the kinds of finding the organisation has
	// (FindingKinds): a registry claim its statement does not bear out,
	// a statement mostly another's text, one re-dated without change.
	Findings []string `json:"findings,omitempty"`
}
