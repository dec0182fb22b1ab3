package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	gocron "github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
	"github.com/spf13/cobra"

	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// scheduledJob is the job the scheduler runs: crawl, then report, then
// email; its runs are recorded under this name.
const scheduledJob = "scheduled"

// scheduler runs the crawl and the report on time, with gocron: at most
// one run at a time (gocron's limit: a run due while another goes on is
// skipped), and a run missed while the server was down made at start as a
// one-time job. Each run gets the context gocron gives the task, cancelled
// when the scheduler stops: a crawl stops cleanly and the next run
// resumes it.
type scheduler struct {
	s     gocron.Scheduler
	job   gocron.Job
	st    *store.Store
	clock clockwork.Clock
	cron  gocron.Cron
	loc   *time.Location
	work  func(context.Context) error
	log   *slog.Logger
}

// stopTimeout bounds the wait for a run told to stop.
const stopTimeout = time.Minute

// newScheduler schedules work by the config, on clock. The scheduler
// records each run in the register's job runs. Stop releases it.
func newScheduler(st *store.Store, conf scheduleConfig, clock clockwork.Clock, log *slog.Logger, work func(context.Context) error) (*scheduler, error) {
	expr, loc, cron, err := conf.spec()
	if err != nil {
		return nil, err
	}
	gs, err := gocron.NewScheduler(gocron.WithLocation(loc), gocron.WithClock(clock),
		gocron.WithLimitConcurrentJobs(1, gocron.LimitModeReschedule), gocron.WithStopTimeout(stopTimeout))
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	sc := &scheduler{s: gs, st: st, clock: clock, cron: cron, loc: loc, work: work, log: log}
	if sc.job, err = gs.NewJob(gocron.CronJob(expr, false), gocron.NewTask(sc.run), gocron.WithName(scheduledJob)); err != nil {
		gs.Shutdown()
		return nil, fmt.Errorf("schedule: %w", err)
	}
	return sc, nil
}

// run does the work once and records it.
func (sc *scheduler) run(ctx context.Context) {
	id, err := sc.st.StartJob(ctx, scheduledJob)
	if err != nil {
		sc.log.Error("scheduled run", "err", err)
		return
	}
	sc.log.Info("scheduled run started")
	err = sc.work(ctx)
	state, detail := statement.RunCompleted, ""
	stoppedBy, stopped := errStoppedBy(err)
	switch {
	case stopped:
		// staff stopped the crawl: no report, and the run is not made
		// again by itself
		state, detail = statement.RunStopped, "the crawl was stopped by "+stoppedBy
		sc.log.Info("scheduled run stopped", "by", stoppedBy)
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		// the server is stopping: not a failure; the next start makes
		// the run again, and its crawl resumes where this one stopped.
		// The server's own context ends before the scheduler's, so the
		// crawl may be cut while ctx still lives.
		state, detail = statement.RunInterrupted, "the server stopped"
		sc.log.Info("scheduled run interrupted: the server is stopping; it is made again at the next start")
	case err != nil:
		state, detail = statement.RunFailed, err.Error()
		sc.log.Error("scheduled run failed", "err", err)
	default:
		sc.log.Info("scheduled run completed")
	}
	if err := sc.st.FinishJob(context.WithoutCancel(ctx), id, state, detail); err != nil {
		sc.log.Error("scheduled run", "err", err)
	}
}

// missed reports whether the job was due, within the last year, since
// the last run that completed or that staff stopped (a run that failed or
// was interrupted is made again) and since the data folder was first served: a folder never
// served, or served for the first time now, has missed nothing.
func (sc *scheduler) missed(ctx context.Context) (bool, error) {
	first, served, err := sc.st.FirstServed(ctx)
	if err != nil || !served {
		return false, err
	}
	last, err := sc.st.LastSettledJob(ctx, scheduledJob)
	if err != nil {
		return false, err
	}
	now := sc.clock.Now().In(sc.loc)
	from := now.AddDate(-1, 0, 0)
	for _, t := range []time.Time{last, first} {
		if t.After(from) {
			from = t
		}
	}
	due := sc.cron.Next(from)
	return !due.IsZero() && !due.After(now), nil
}

// Start starts the scheduler, with a one-time run at once when one was
// missed.
func (sc *scheduler) Start(ctx context.Context) error {
	missed, err := sc.missed(ctx)
	if err != nil {
		return err
	}
	if missed {
		sc.log.Info("a scheduled run was missed while s54 was not running: running it now")
		if _, err := sc.s.NewJob(gocron.OneTimeJob(gocron.OneTimeJobStartImmediately()), gocron.NewTask(sc.run),
			gocron.WithName(scheduledJob+" (catch-up)")); err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
	}
	sc.s.Start()
	return nil
}

// NextRuns are the next n times the job is due, once started.
func (sc *scheduler) NextRuns(n int) ([]time.Time, error) {
	return sc.job.NextRuns(n)
}

// Stop stops the scheduler: a run going on is told to stop and waited
// for (up to stopTimeout).
func (sc *scheduler) Stop() error { return sc.s.Shutdown() }

// scheduledWork is what s54 serve runs on schedule: crawl every
// organisation (in the runner's turn: after a crawl staff started, if one
// goes on), make this month's report, email it when configured. now is
// the scheduler's clock. A crawl someone stopped ends the run there.
func (g *globals) scheduledWork(rn *runner, st *store.Store, conf *config, now func() time.Time, log *slog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		orgs, err := st.Orgs(ctx, store.OrgFilter{})
		if err != nil {
			return err
		}
		if len(orgs) > 0 {
			lr, err := rn.start(ctx, crawlJob{selection: "all", orgs: orgs, by: scheduleBy, fresh: true, cc: conf.Crawl, reach: rn.reach}, true, nil)
			if err != nil {
				return fmt.Errorf("crawl: %w", err)
			}
			<-lr.ended
			if lr.err != nil {
				return lr.err
			}
		}
		src := registerSource(st, store.OrgFilter{}, conf.regions)
		// the month of this crawl: with a crawl a month, the register at
		// the month's end is the register now
		at := now()
		month := at.In(report.London)
		paths, r, err := makeReport(ctx, src, month, reportOptions{links: conf.Web.URL}, at, g.data)
		if err != nil {
			return err
		}
		log.Info("report", "month", month.Format("2006-01"), "files", paths)
		if conf.Email.Configured() {
			sent, err := g.emailReports(ctx, st, conf, month, at, reportOptions{}, r, paths)
			for _, s := range sent {
				log.Info("report sent", "region", s.region, "to", strings.Join(s.to, ", "))
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func newScheduleCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "schedule",
		Short: "Show when s54 serve will next crawl and report, and the last runs",
		Long: `Show when s54 serve will next crawl and report (s54.yaml schedule:), and
the last scheduled runs.

  schedule:
    crawl: "0 2 1 * *"        # minute hour day month weekday: the 1st at 02:00
    time_zone: Europe/London
    off: false`,
		Args: noArgs("schedule"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			conf, err := g.loadConfig()
			if err != nil {
				return err
			}
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			// a clock stopped now: gocron says when the job is due, and
			// it never comes
			sc, err := newScheduler(st, conf.Schedule, clockwork.NewFakeClockAt(time.Now()), slog.New(slog.DiscardHandler), nil)
			if err != nil {
				return err
			}
			sc.s.Start()
			next, err := sc.NextRuns(3)
			if serr := sc.Stop(); err == nil {
				err = serr
			}
			if err != nil {
				return fmt.Errorf("schedule: %w", err)
			}
			if conf.Schedule.Off {
				fmt.Fprintln(g.stdout, "The schedule is off (schedule.off in s54.yaml): s54 serve does not crawl by itself.")
			} else {
				fmt.Fprintln(g.stdout, "Next crawls, each followed by the report:")
				for _, t := range next {
					fmt.Fprintf(g.stdout, "  %s\n", t.Format("Mon 2 Jan 2006 15:04 MST"))
				}
			}
			if missed, err := sc.missed(cmd.Context()); err == nil && missed && !conf.Schedule.Off {
				fmt.Fprintln(g.stdout, "A run is due and was missed: s54 serve will run it when it starts.")
			}
			runs, err := st.Jobs(cmd.Context(), scheduledJob, 5)
			if err != nil {
				return err
			}
			if len(runs) > 0 {
				fmt.Fprintln(g.stdout, "Last scheduled runs:")
			}
			for _, r := range runs {
				line := string(r.State)
				if r.Detail != "" {
					line += ": " + r.Detail // "interrupted: the server stopped"
				}
				fmt.Fprintf(g.stdout, "  %s  %s\n", r.StartedAt.In(report.London).Format("2 Jan 2006 15:04"), line)
			}
			return nil
		},
	}
}
