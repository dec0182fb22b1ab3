package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	gocron "github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
	"github.com/spf13/cobra"

	"github.com/s54dev/s54/index"
	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// scheduledJob is the job the scheduler runs: crawl, then report, then
// email; its runs are recorded under this name.
const scheduledJob = "scheduled"

// scheduler runs the crawl and the report on time: never two at once, and
// a run missed while the server was down is made at start.
type scheduler struct {
	s     gocron.Scheduler
	st    *store.Store
	clock clockwork.Clock
	sched gocron.Cron
	loc   *time.Location
	run   func(context.Context) error
	log   *slog.Logger
	mu    sync.Mutex // held while the job runs
	// ctx is the runs' context, cancelled by Stop: a crawl stops cleanly
	// and the next run resumes it
	ctx    context.Context
	cancel context.CancelFunc
}

// newScheduler schedules run by the config. run does the work; the
// scheduler records each run in the register's job runs.
func newScheduler(st *store.Store, conf scheduleConfig, clock clockwork.Clock, log *slog.Logger, run func(context.Context) error) (*scheduler, error) {
	expr, loc, sched, err := conf.spec()
	if err != nil {
		return nil, err
	}
	gs, err := gocron.NewScheduler(gocron.WithLocation(loc), gocron.WithClock(clock))
	if err != nil {
		return nil, err
	}
	sc := &scheduler{s: gs, st: st, clock: clock, sched: sched, loc: loc, run: run, log: log}
	sc.ctx, sc.cancel = context.WithCancel(context.Background())
	_, err = gs.NewJob(gocron.CronJob(expr, false), gocron.NewTask(sc.job),
		gocron.WithName(scheduledJob), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	return sc, nil
}

// job runs the work once, unless a run is going on.
func (sc *scheduler) job() {
	if !sc.mu.TryLock() {
		sc.log.Info("scheduled run skipped: the previous one is still going")
		return
	}
	defer sc.mu.Unlock()
	ctx := sc.ctx
	if ctx.Err() != nil {
		return
	}
	id, err := sc.st.StartJob(ctx, scheduledJob)
	if err != nil {
		sc.log.Error("scheduled run", "err", err)
		return
	}
	sc.log.Info("scheduled run started")
	err = sc.run(ctx)
	state, detail := statement.RunCompleted, ""
	if err != nil {
		state, detail = statement.RunFailed, err.Error()
		sc.log.Error("scheduled run failed", "err", err)
	} else {
		sc.log.Info("scheduled run completed")
	}
	if ctx.Err() != nil {
		state, detail = statement.RunInterrupted, "the server stopped"
	}
	if err := sc.st.FinishJob(context.WithoutCancel(ctx), id, state, detail); err != nil {
		sc.log.Error("scheduled run", "err", err)
	}
}

// missed reports whether the last time the job was due passed without a
// run completing since (a run that failed or was stopped is made again).
func (sc *scheduler) missed(ctx context.Context) (bool, error) {
	last, err := sc.st.LastCompletedJob(ctx, scheduledJob)
	if err != nil {
		return false, err
	}
	due := previous(sc.sched, sc.clock.Now().In(sc.loc))
	return !due.IsZero() && (last.IsZero() || last.Before(due)), nil
}

// previous is the last time the schedule was due before now (within a
// year), zero when none.
func previous(s gocron.Cron, now time.Time) time.Time {
	var last time.Time
	for t := s.Next(now.AddDate(-1, 0, 0)); !t.After(now); t = s.Next(t) {
		last = t
	}
	return last
}

// Start starts the scheduler, catching up a missed run first (in the
// background).
func (sc *scheduler) Start(ctx context.Context) error {
	missed, err := sc.missed(ctx)
	if err != nil {
		return err
	}
	sc.s.Start()
	if missed {
		sc.log.Info("a scheduled run was missed while s54 was not running: running it now")
		go sc.job()
	}
	return nil
}

// Next are the next n times the job is due.
func (sc *scheduler) Next(n int) []time.Time {
	var out []time.Time
	t := sc.clock.Now().In(sc.loc)
	for range n {
		t = sc.sched.Next(t)
		out = append(out, t)
	}
	return out
}

// Stop stops the scheduler, stops a run going on and waits for it.
func (sc *scheduler) Stop() error {
	sc.cancel()
	err := sc.s.Shutdown()
	sc.mu.Lock()
	sc.mu.Unlock()
	return err
}

// scheduledWork is what s54 serve runs on schedule: crawl every
// organisation, make last month's report, email it when configured.
func (g *globals) scheduledWork(st *store.Store, x *index.Index, conf *config, log *slog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		orgs, err := st.Orgs(ctx, store.OrgFilter{})
		if err != nil {
			return err
		}
		if len(orgs) > 0 {
			sum, err := g.crawl(ctx, st, x, conf.regions, orgs, "all", conf.Crawl, siteAccess{}, nil)
			if err != nil {
				return fmt.Errorf("crawl: %w", err)
			}
			log.Info("crawl", "summary", sum.String())
		}
		src := registerSource(st, store.OrgFilter{}, conf.regions)
		// the month of this crawl: with a crawl a month, the register at
		// the month's end is the register now
		month := time.Now().In(report.London)
		paths, r, err := makeReport(ctx, src, month, reportOptions{}, time.Now(), g.data)
		if err != nil {
			return err
		}
		log.Info("report", "month", month.Format("2006-01"), "files", paths)
		if conf.Email.Configured() {
			if err := r.Send(ctx, conf.Email, paths); err != nil {
				return err
			}
			log.Info("report sent", "to", conf.Email.To)
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
			sc, err := newScheduler(st, conf.Schedule, clockwork.NewRealClock(), slog.New(slog.DiscardHandler), nil)
			if err != nil {
				return err
			}
			if conf.Schedule.Off {
				fmt.Fprintln(g.stdout, "The schedule is off (schedule.off in s54.yaml): s54 serve does not crawl by itself.")
			} else {
				fmt.Fprintln(g.stdout, "Next crawls, each followed by the report:")
				for _, t := range sc.Next(3) {
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
				fmt.Fprintf(g.stdout, "  %s  %s %s\n", r.StartedAt.In(report.London).Format("2 Jan 2006 15:04"), r.State, r.Detail)
			}
			return nil
		},
	}
}
