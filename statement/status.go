package statement

// RegisterStatus is where an organisation stands in the register: what
// the latest crawl found of its statement (DESIGN.md). It is not Status,
// which is a criterion's.
type RegisterStatus string

// Register statuses.
const (
	// NotChecked: no crawl has looked for the statement yet.
	NotChecked RegisterStatus = "not_checked"
	// Found: the statement was found and assessed.
	Found RegisterStatus = "found"
	// OutOfDate: the latest statement found covers a financial year that
	// ended 18 months ago or more.
	OutOfDate RegisterStatus = "out_of_date"
	// NoStatement: the site was read and no statement was found on it.
	NoStatement RegisterStatus = "no_statement"
	// Unreachable: the site did not answer, or answered with a server
	// error.
	Unreachable RegisterStatus = "unreachable"
	// RobotsBlocked: robots.txt keeps s54 from the homepage or the
	// statement.
	RobotsBlocked RegisterStatus = "robots_blocked"
	// CrawlError: the crawl failed otherwise (an HTTP error, a document too
	// large or unreadable, a private address).
	CrawlError RegisterStatus = "error"
)

// RegisterStatuses are every register status, in the order staff read
// them: found first, not checked last.
var RegisterStatuses = []RegisterStatus{Found, OutOfDate, NoStatement, Unreachable, RobotsBlocked, CrawlError, NotChecked}

// CrawlOutcomes are the statuses a crawl records for an organisation:
// out_of_date is found judged later, not_checked is the absence of a
// crawl.
var CrawlOutcomes = []RegisterStatus{Found, NoStatement, RobotsBlocked, Unreachable, CrawlError}

// Failing reports whether the site could not be read: unreachable,
// blocked by robots.txt, or an error.
func (s RegisterStatus) Failing() bool {
	return s == Unreachable || s == RobotsBlocked || s == CrawlError
}

// RunState is how a run stands: a crawl run, or a run of a scheduled job
// (the states of DESIGN.md's GET /api/runs, and abandoned).
type RunState string

// Run states.
const (
	RunRunning   RunState = "running"
	RunCompleted RunState = "completed"
	// RunStopped: stopped on request before the end; the next run for the
	// same selection resumes it, as an interrupted one.
	RunStopped RunState = "stopped"
	// RunFailed: the run itself failed (the register could not be written),
	// not a site.
	RunFailed RunState = "failed"
	// RunInterrupted: the process was stopped (Ctrl-C, the server shut
	// down) before the end; the next run for the same selection resumes it.
	RunInterrupted RunState = "interrupted"
	// RunAbandoned: an unfinished crawl run that a run for other
	// organisations replaced.
	RunAbandoned RunState = "abandoned"
)

// Unfinished reports whether a run did not reach its end and may be
// resumed: running (or killed while running), stopped or interrupted.
func (s RunState) Unfinished() bool {
	return s == RunRunning || s == RunStopped || s == RunInterrupted
}
