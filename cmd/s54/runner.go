package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/user"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/orglist"
	"github.com/s54dev/s54/pipeline"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
	"github.com/s54dev/s54/web"
)

// scheduleBy names the schedule as the one who started a run.
const scheduleBy = "schedule"

// runner runs s54 serve's crawls one at a time: the schedule's, those
// staff start at /runs or through the API, and those the command line
// hands over the local socket. It knows how the one going on stands,
// stops it on request, and lets others follow it. An index rebuild takes
// the same turn: it would lose what a crawl indexed meanwhile.
type runner struct {
	g     *globals
	st    *store.Store
	x     *index.Index
	conf  *config
	reach siteAccess
	log   *slog.Logger
	// base is the server's context: cancelled when it stops, which
	// interrupts the run going on (resumed at the next start).
	base context.Context
	// crawled, when set, runs after a crawl that found new statements.
	crawled func(context.Context)

	// turn is held by the crawl or rebuild going on
	turn chan struct{}
	mu   sync.Mutex
	live *liveRun
	// indexWork: what holds the turn when an index rebuild or a
	// recheck does ("" when none)
	indexWork string
	// queued are the checks now waiting for the turn, oldest first
	queued []*web.QueuedCheck
	wg     sync.WaitGroup
}

var _ web.Crawls = (*runner)(nil)

func newRunner(ctx context.Context, g *globals, st *store.Store, x *index.Index, conf *config, reach siteAccess, log *slog.Logger) *runner {
	return &runner{g: g, st: st, x: x, conf: conf, reach: reach, log: log, base: ctx, turn: make(chan struct{}, 1)}
}

// liveRun is the run going on; the runner's mu guards it.
type liveRun struct {
	web.LiveRun
	selection, by string
	cancel        context.CancelCauseFunc
	followers     []*follower
	// ready is closed once the run is recorded (ID set) or has failed
	// before; ended when it has ended, with sum and err.
	ready, ended chan struct{}
	sum          pipeline.Summary
	err          error
}

// crawlJob is a crawl for the runner.
type crawlJob struct {
	selection string
	orgs      []store.OrgRecord
	by        string
	// restart: an unfinished run is abandoned, not resumed; fresh (the
	// schedule's): a run someone stopped is abandoned, an interrupted
	// one resumed.
	restart, fresh bool
	cc             crawlConfig
	reach          siteAccess
}

// errBusy says what holds the turn.
func (rn *runner) errBusy() error {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if lr := rn.live; lr != nil {
		return fmt.Errorf("%w: run %d (%s), started by %s, %d of %d organisations done; wait for it to end, or stop it at /runs",
			web.ErrCrawlRunning, lr.ID, lr.selection, lr.by, lr.Done, lr.Total)
	}
	if rn.indexWork != "" {
		return busy{rn.indexWork + "; try again when it is done"}
	}
	return busy{"a crawl, an index rebuild or a recheck is running; try again when it is done"}
}

// busy is the refusal of work while other work holds the turn: it is a
// web.ErrCrawlRunning, worded for what holds it.
type busy struct{ msg string }

func (b busy) Error() string        { return b.msg }
func (b busy) Is(target error) bool { return target == web.ErrCrawlRunning }

// start starts a crawl once it has the turn (at once, or, with wait, when
// the run going on has ended) and returns it once recorded. f, when set,
// follows it from its start.
func (rn *runner) start(ctx context.Context, job crawlJob, wait bool, f *follower) (*liveRun, error) {
	if wait {
		select {
		case rn.turn <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	} else {
		select {
		case rn.turn <- struct{}{}:
		default:
			return nil, rn.errBusy()
		}
	}
	if err := rn.settle(ctx, job); err != nil {
		<-rn.turn
		return nil, err
	}
	runCtx, cancel := context.WithCancelCause(rn.base)
	lr := &liveRun{selection: job.selection, by: job.by, cancel: cancel, ready: make(chan struct{}), ended: make(chan struct{})}
	lr.Outcomes = map[statement.RegisterStatus]int{}
	if f != nil {
		lr.followers = append(lr.followers, f)
	}
	rn.mu.Lock()
	rn.live = lr
	rn.mu.Unlock()
	var readyOnce sync.Once
	started := func(s pipeline.Summary) {
		before := map[statement.RegisterStatus]int{}
		if s.Resumed {
			if r, err := rn.st.Run(runCtx, s.RunID); err == nil {
				before = r.Outcomes
			}
		}
		rn.mu.Lock()
		lr.ID, lr.Since, lr.DoneBefore, lr.Done, lr.Total = s.RunID, time.Now(), s.Done, s.Done, s.Total-s.NoWebsite
		lr.Outcomes = before
		rn.mu.Unlock()
		readyOnce.Do(func() { close(lr.ready) })
	}
	progress := func(ev pipeline.Event) {
		rn.mu.Lock()
		lr.Done, lr.Total = ev.Done, ev.Total
		lr.Outcomes[ev.Outcome]++
		followers := slices.Clone(lr.followers)
		rn.mu.Unlock()
		for _, f := range followers {
			f.push(ev)
		}
	}
	rn.wg.Add(1)
	go func() {
		defer rn.wg.Done()
		sum, err := rn.g.crawl(runCtx, rn.st, rn.x, rn.conf.regions, job.orgs, job.selection, job.cc, job.reach,
			crawlHooks{by: job.by, started: started, progress: progress})
		switch {
		case sum.StoppedBy != "":
			rn.log.Info("crawl stopped", "run", sum.RunID, "by", sum.StoppedBy, "summary", sum.String())
		case sum.Interrupted:
			rn.log.Info("crawl interrupted: the server is stopping; the run resumes at the next start", "run", sum.RunID)
		case err != nil:
			rn.log.Error("crawl failed", "run", sum.RunID, "err", err)
		default:
			rn.log.Info("crawl", "run", sum.RunID, "summary", sum.String())
		}
		if err == nil && sum.NewVersions > 0 && rn.crawled != nil {
			rn.crawled(runCtx)
		}
		rn.mu.Lock()
		lr.sum, lr.err = sum, err
		rn.live = nil
		rn.mu.Unlock()
		readyOnce.Do(func() { close(lr.ready) })
		close(lr.ended)
		cancel(nil)
		<-rn.turn
	}()
	<-lr.ready
	if lr.ID == 0 {
		<-lr.ended
		return nil, fmt.Errorf("crawl: %w", lr.err)
	}
	return lr, nil
}

// settle ends the unfinished run the job must not resume: any, on
// restart; one stopped on request, for the schedule.
func (rn *runner) settle(ctx context.Context, job crawlJob) error {
	if !job.restart && !job.fresh {
		return nil
	}
	run, ok, err := rn.st.UnfinishedRun(ctx)
	if err != nil || !ok || (!job.restart && run.State != statement.RunStopped) {
		return err
	}
	why := "started afresh by " + job.by
	if !job.restart {
		why = "stopped by " + run.StoppedBy + "; the schedule's run starts afresh"
	}
	return rn.st.FinishRun(ctx, run.ID, statement.RunAbandoned, why)
}

// Start is web.Crawls.Start: a crawl staff ask for.
func (rn *runner) Start(ctx context.Context, req web.CrawlRequest) (int64, error) {
	job, err := rn.jobFor(ctx, req)
	if err != nil {
		return 0, err
	}
	lr, err := rn.start(ctx, job, false, nil)
	if err != nil {
		return 0, err
	}
	return lr.ID, nil
}

// jobFor makes the crawl a request asks for, with the server's settings.
func (rn *runner) jobFor(ctx context.Context, req web.CrawlRequest) (crawlJob, error) {
	job := crawlJob{by: req.By, restart: req.Restart, cc: rn.conf.Crawl, reach: rn.reach}
	if req.OrgIDs != nil {
		all, err := rn.st.Orgs(ctx, store.OrgFilter{})
		if err != nil {
			return job, err
		}
		want := map[int64]bool{}
		for _, id := range req.OrgIDs {
			want[id] = true
		}
		for _, o := range all {
			if want[o.ID] {
				job.orgs = append(job.orgs, o)
			}
		}
		job.selection = req.Selection
	} else {
		filter, selection, err := crawlSelection(rn.conf, req.Region, req.CompanyNumbers)
		if err != nil {
			return job, fmt.Errorf("%w: %w", web.ErrCrawlRequest, err)
		}
		if job.orgs, err = rn.st.Orgs(ctx, filter); err != nil {
			return job, err
		}
		job.selection = selection
	}
	if len(job.orgs) == 0 {
		return job, fmt.Errorf("%w: no organisations selected; import some with 's54 orgs import FILE'", web.ErrCrawlRequest)
	}
	return job, nil
}

// Stop is web.Crawls.Stop: the run going on stops, recorded stopped by
// by; it returns once the run has recorded its end (or after a minute).
func (rn *runner) Stop(runID int64, by string) error {
	rn.mu.Lock()
	lr := rn.live
	if lr == nil || lr.ID != runID {
		rn.mu.Unlock()
		return fmt.Errorf("%w: run %d has ended already", web.ErrNotRunning, runID)
	}
	lr.cancel(&pipeline.Stop{By: by})
	rn.mu.Unlock()
	select {
	case <-lr.ended:
	case <-time.After(stopTimeout):
	}
	return nil
}

// Live is web.Crawls.Live.
func (rn *runner) Live() (web.LiveRun, bool) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.live == nil || rn.live.ID == 0 {
		return web.LiveRun{}, false
	}
	l := rn.live.LiveRun
	l.Outcomes = maps.Clone(l.Outcomes)
	return l, true
}

// Queued is web.Crawls.Queued.
func (rn *runner) Queued() []web.QueuedCheck {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	out := make([]web.QueuedCheck, len(rn.queued))
	for i, q := range rn.queued {
		out[i] = *q
	}
	return out
}

// rebuild makes the server's index again from the register, in the
// crawls' turn.
func (rn *runner) rebuild() (pipeline.RebuildStats, error) {
	var stats pipeline.RebuildStats
	err := rn.withIndexTurn("the search index is being made again", func(ctx context.Context) (err error) {
		stats, err = pipeline.Rebuild(ctx, rn.st, pipeline.IntoOpen(rn.x), pipeline.ExtractOptions(), rn.conf.regions.Match)
		return err
	})
	return stats, err
}

// recheck assesses the stored statements again with ck's rules and makes
// the server's index again with the new verdicts, in the crawls' turn,
// then refreshes the findings and what the self-check compares drafts
// with: s54 recheck beside the server.
func (rn *runner) recheck(ck *checker.Checker, all bool) (pipeline.RecheckStats, error) {
	var rs pipeline.RecheckStats
	err := rn.withIndexTurn("the statements are being assessed again", func(ctx context.Context) (err error) {
		rs, err = pipeline.Recheck(ctx, rn.st, ck, pipeline.IntoOpen(rn.x), pipeline.ExtractOptions(), rn.conf.regions.Match, all, time.Now())
		if err != nil {
			return err
		}
		if _, err := pipeline.RefreshFindings(ctx, rn.st, pipeline.ExtractOptions(), rn.conf.regions.Match); err != nil {
			return fmt.Errorf("findings: %w", err)
		}
		if rn.crawled != nil {
			rn.crawled(ctx)
		}
		return nil
	})
	if err == nil {
		rn.log.Info("recheck done", "rules", ck.RulesID(), "reassessed", rs.Reassessed, "rating_changed", rs.RatingChanged, "indexed", rs.Indexed)
	}
	return rs, err
}

// withIndexTurn runs work, which writes the whole index, in the crawls'
// turn; a crawl started meanwhile is refused with what (see errBusy).
// Like a crawl, the work belongs to the server, not to the command that
// asked for it: it goes on if that command is interrupted, ends when the
// server stops, and the server waits for it to end before it closes the
// store and the index.
func (rn *runner) withIndexTurn(what string, work func(context.Context) error) error {
	select {
	case rn.turn <- struct{}{}:
	default:
		return rn.errBusy()
	}
	defer func() { <-rn.turn }()
	if rn.base.Err() != nil {
		return errStopping
	}
	rn.mu.Lock()
	rn.indexWork = what
	rn.wg.Add(1)
	rn.mu.Unlock()
	defer func() {
		rn.mu.Lock()
		rn.indexWork = ""
		rn.mu.Unlock()
		rn.wg.Done()
	}()
	err := work(rn.base)
	if err != nil && rn.base.Err() != nil {
		return fmt.Errorf("%w: it was cut short (%s); run the same command again once s54 serve runs", errStopping, what)
	}
	return err
}

// errStopping: the server is stopping.
var errStopping = errors.New("s54 serve is stopping")

// resume resumes the run a crash or a shutdown cut short, when it was
// the last: in the background, with the organisations it was started for.
// The schedule's own is left to the schedule, which makes its missed run
// (and so resumes its crawl).
func (rn *runner) resume(ctx context.Context, cut []store.Run, scheduleOn bool) {
	last, ok, err := rn.st.UnfinishedRun(ctx)
	if err != nil || !ok || last.State != statement.RunInterrupted {
		return
	}
	if last.StartedBy == scheduleBy && scheduleOn {
		return
	}
	ids, err := rn.st.RunOrgIDs(ctx, last.ID)
	if err != nil || len(ids) == 0 {
		if err == nil && slices.ContainsFunc(cut, func(r store.Run) bool { return r.ID == last.ID }) {
			rn.log.Warn("a crawl run was cut short before s54 kept its organisations: run the same crawl again to finish it",
				"run", last.ID, "selection", last.Selection)
		}
		return
	}
	job, err := rn.jobFor(ctx, web.CrawlRequest{OrgIDs: ids, Selection: last.Selection, By: last.StartedBy})
	if err != nil {
		rn.log.Warn("the interrupted run cannot be resumed", "run", last.ID, "err", err)
		return
	}
	job.reach.allowPrivate = job.reach.allowPrivate || last.AllowPrivate
	fmt.Fprintf(rn.g.stdout, "resuming run %d (%s), cut short when s54 stopped\n", last.ID, last.Selection)
	go func() {
		if _, err := rn.start(ctx, job, true, nil); err != nil && ctx.Err() == nil {
			rn.log.Error("resume", "run", last.ID, "err", err)
		}
	}()
}

// Wait is web.Crawls.Wait: the run once it has ended, or as it stands
// when ctx ends first.
func (rn *runner) Wait(ctx context.Context, runID int64) (store.RunSummary, error) {
	rn.mu.Lock()
	lr := rn.live
	rn.mu.Unlock()
	// the run is read whatever ctx says: a row, at once
	read := context.WithoutCancel(ctx)
	if lr != nil && lr.ID == runID {
		select {
		case <-lr.ended:
		case <-ctx.Done():
			run, err := rn.st.Run(read, runID)
			if err != nil {
				return run, err
			}
			return run, ctx.Err()
		}
	}
	return rn.st.Run(read, runID)
}

// checkNow is web.Config.CheckOrg: a crawl of one organisation for a
// member of staff, a run like any other, started at once or, while
// another holds the turn, once that one has ended (the server's stop
// cancels the wait).
func (rn *runner) checkNow(ctx context.Context, number, by string) (web.CheckRun, error) {
	job, err := rn.jobFor(ctx, web.CrawlRequest{CompanyNumbers: []string{number}, By: by})
	if err != nil {
		return web.CheckRun{}, err
	}
	o := job.orgs[0]
	q := &web.QueuedCheck{CompanyNumber: o.CompanyNumber, Name: o.Name, Postcode: o.Postcode, By: by, Since: time.Now()}
	rn.mu.Lock()
	rn.queued = append(rn.queued, q)
	rn.mu.Unlock()
	ids, done := make(chan int64, 1), make(chan error, 1)
	go func() {
		lr, err := rn.start(rn.base, job, true, nil)
		rn.mu.Lock()
		rn.queued = slices.DeleteFunc(rn.queued, func(w *web.QueuedCheck) bool { return w == q })
		rn.mu.Unlock()
		if err != nil {
			done <- err
			return
		}
		ids <- lr.ID
		<-lr.ended
		switch {
		case lr.err != nil:
			done <- lr.err
		case lr.sum.StoppedBy != "":
			done <- fmt.Errorf("crawl: run %d was stopped by %s", lr.ID, lr.sum.StoppedBy)
		case lr.sum.Interrupted:
			done <- fmt.Errorf("crawl: run %d was interrupted: the server is stopping", lr.ID)
		default:
			done <- nil
		}
	}()
	return web.CheckRun{ID: ids, Done: done}, nil
}

// drain waits for the run going on to record its end.
func (rn *runner) drain() { rn.wg.Wait() }

// crawlSelection is the filter and the name of a crawl of a region's
// organisations, or of some by company number (each normalised), or of
// all: as s54 crawl names it, so a crawl from the web and one from the
// command line resume each other.
func crawlSelection(conf *config, regionID string, numbers []string) (store.OrgFilter, string, error) {
	filter, err := regionFilter(conf, regionID)
	if err != nil {
		return filter, "", err
	}
	selection := "all"
	if regionID != "" {
		selection = "region " + regionID
	}
	if len(numbers) > 0 {
		for _, n := range numbers {
			num, err := orglist.NormalizeCompanyNumber(n)
			if err != nil {
				return filter, "", usageError("crawl: --org %q: %v", n, err)
			}
			filter.CompanyNumbers = append(filter.CompanyNumbers, num)
		}
		selection += " orgs " + strings.Join(filter.CompanyNumbers, ",")
	}
	return filter, selection, nil
}

// commandLineUser names a command and who runs it, as a run's starter:
// "s54 crawl (alice)".
func commandLineUser(command string) string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		return command
	}
	return command + " (" + name + ")"
}

// follower receives a run's events as they come, however slowly it reads:
// they queue for it.
type follower struct {
	mu    sync.Mutex
	queue []pipeline.Event
	wake  chan struct{}
}

func newFollower() *follower { return &follower{wake: make(chan struct{}, 1)} }

func (f *follower) push(ev pipeline.Event) {
	f.mu.Lock()
	f.queue = append(f.queue, ev)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take returns the events queued, and empties the queue.
func (f *follower) take() []pipeline.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.queue
	f.queue = nil
	return q
}

// errStoppedBy is the error of a run someone stopped.
func errStoppedBy(err error) (string, bool) {
	if s, ok := errors.AsType[*pipeline.Stop](err); ok {
		return s.By, true
	}
	return "", false
}
