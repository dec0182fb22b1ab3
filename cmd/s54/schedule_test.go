package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// openStore opens a register in a new folder, closed at the end of the
// test.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestScheduler runs the scheduler on a fake clock: a run missed while
// the server was down is made at start, the monthly run comes on the 1st
// at 02:00 London time, runs never overlap, and each is recorded.
// synctest.Wait lets gocron's goroutines do all they can before each
// look.
func TestScheduler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st := openStore(t)
		// the server starts on 31 October 2025 at 23:00; the last run was on 1 September
		start := time.Date(2025, 10, 31, 23, 0, 0, 0, report.London)
		clock := clockwork.NewFakeClockAt(start)
		st.SetClock(func() time.Time { return time.Date(2025, 9, 1, 2, 0, 0, 0, report.London) })
		id, _ := st.StartJob(ctx, scheduledJob)
		st.FinishJob(ctx, id, statement.RunCompleted, "")
		st.SetClock(clock.Now)
		// served before the first start was recorded: since that run
		if first, _, err := st.MarkServed(ctx, scheduledJob); err != nil || first.Month() != time.September {
			t.Fatalf("first served %v %v, want the first run's start", first, err)
		}

		var runs, running, most atomic.Int32
		release := make(chan struct{})
		work := func(context.Context) error {
			n := running.Add(1)
			defer running.Add(-1)
			if n > most.Load() {
				most.Store(n)
			}
			runs.Add(1)
			<-release // the first run lasts until the test lets it go
			return nil
		}
		sc, err := newScheduler(st, defaultConfig().Schedule, clock, slog.New(slog.DiscardHandler), work)
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer sc.Stop()
		next, err := sc.NextRuns(2)
		if err != nil || len(next) != 2 || !next[0].Equal(time.Date(2025, 11, 1, 2, 0, 0, 0, report.London)) ||
			!next[1].Equal(time.Date(2025, 12, 1, 2, 0, 0, 0, report.London)) {
			t.Errorf("next runs %v (%v)", next, err)
		}
		// October's run (due 1 October 02:00) was missed: it starts now
		synctest.Wait()
		if runs.Load() != 1 {
			t.Fatalf("%d runs at start, want the catch-up run", runs.Load())
		}
		// 1 November 02:00 comes while it still runs: not a second at once
		clock.Advance(3*time.Hour + time.Minute)
		synctest.Wait()
		if most.Load() != 1 || runs.Load() != 1 {
			t.Errorf("%d runs, %d at once, while the first still ran", runs.Load(), most.Load())
		}
		close(release)
		synctest.Wait()
		if running.Load() != 0 {
			t.Fatal("the catch-up run did not finish")
		}
		// on to 1 December 02:00
		clock.Advance(time.Date(2025, 12, 1, 2, 1, 0, 0, report.London).Sub(clock.Now()))
		synctest.Wait()
		if runs.Load() != 2 {
			t.Fatalf("%d runs by 1 December 02:01, want 2", runs.Load())
		}
		jobs, _ := st.Jobs(ctx, scheduledJob, 10)
		if len(jobs) != 3 || jobs[0].State != statement.RunCompleted || jobs[0].StartedAt.In(report.London).Day() != 1 {
			t.Errorf("job runs %+v, want December's completed on top of two more", jobs)
		}
		missed, err := sc.missed(ctx)
		if err != nil || missed {
			t.Errorf("after December's run, missed = %v (%v)", missed, err)
		}
	})
}

func TestScheduleConfig(t *testing.T) {
	t.Parallel()
	if _, _, _, err := (scheduleConfig{Crawl: "every full moon"}).spec(); err == nil {
		t.Error("a bad cron expression was accepted")
	}
	if _, _, _, err := (scheduleConfig{TimeZone: "Mars/Olympus"}).spec(); err == nil {
		t.Error("a bad time zone was accepted")
	}
	_, loc, s, err := (scheduleConfig{Crawl: "30 6 * * 1", TimeZone: "Europe/London"}).spec()
	if err != nil {
		t.Fatal(err)
	}
	// BST ends on 26 October 2025: Monday 27th 06:30 is 06:30 GMT
	got := s.Next(time.Date(2025, 10, 25, 0, 0, 0, 0, loc))
	if want := time.Date(2025, 10, 27, 6, 30, 0, 0, loc); !got.Equal(want) || got.UTC().Hour() != 6 {
		t.Errorf("next %v, want %v", got, want)
	}
}

// TestSchedulerStopStopsTheRun: stopping the server stops a run going on
// (the crawl resumes at the next), records it interrupted, and a run that
// did not complete counts as missed.
func TestSchedulerStopStopsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st := openStore(t)
		clock := clockwork.NewFakeClockAt(time.Date(2025, 11, 3, 9, 0, 0, 0, report.London))
		// first served in October: November's run was missed
		st.SetClock(func() time.Time { return time.Date(2025, 10, 15, 9, 0, 0, 0, report.London) })
		st.MarkServed(ctx, scheduledJob)
		st.SetClock(clock.Now)
		started := make(chan struct{})
		sc, err := newScheduler(st, defaultConfig().Schedule, clock, slog.New(slog.DiscardHandler), func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		<-started
		stopped := make(chan error)
		go func() { stopped <- sc.Stop() }()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Fatal("Stop waited for the run to end by itself")
		}
		jobs, _ := st.Jobs(ctx, scheduledJob, 1)
		if len(jobs) != 1 || jobs[0].State != statement.RunInterrupted {
			t.Errorf("the stopped run: %+v", jobs)
		}
		again, err := newScheduler(st, defaultConfig().Schedule, clock, slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Stop()
		if missed, err := again.missed(ctx); err != nil || !missed {
			t.Errorf("after an interrupted run, missed = %v (%v), want true", missed, err)
		}
	})
}

// TestSchedulerFirstStart: a data folder served for the first time has
// missed nothing, however late in the month: no run at start, the first
// at its time.
func TestSchedulerFirstStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st := openStore(t)
		clock := clockwork.NewFakeClockAt(time.Date(2025, 11, 20, 15, 0, 0, 0, report.London))
		st.SetClock(clock.Now)
		var runs atomic.Int32
		sc, err := newScheduler(st, defaultConfig().Schedule, clock, slog.New(slog.DiscardHandler), func(context.Context) error {
			runs.Add(1)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if missed, err := sc.missed(ctx); missed || err != nil {
			t.Errorf("a folder never served missed a run (%v)", err)
		}
		if _, _, err := st.MarkServed(ctx, scheduledJob); err != nil {
			t.Fatal(err)
		}
		if err := sc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer sc.Stop()
		synctest.Wait()
		if runs.Load() != 0 {
			t.Fatalf("%d runs at the first start, want none", runs.Load())
		}
		clock.Advance(time.Date(2025, 12, 1, 2, 1, 0, 0, report.London).Sub(clock.Now()))
		synctest.Wait()
		if runs.Load() != 1 {
			t.Errorf("%d runs by 1 December 02:01, want the first", runs.Load())
		}
	})
}

// TestSchedulerServerStopping: a crawl cut because the server stops, while
// the scheduler's own context still lives (the server's ends first), is an
// interrupted run, made again at the next start, and logs no error.
func TestSchedulerServerStopping(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		st := openStore(t)
		clock := clockwork.NewFakeClockAt(time.Date(2025, 11, 3, 9, 0, 0, 0, report.London))
		st.SetClock(func() time.Time { return time.Date(2025, 10, 15, 9, 0, 0, 0, report.London) })
		st.MarkServed(ctx, scheduledJob)
		st.SetClock(clock.Now)
		var logs syncBuffer
		ran := make(chan struct{})
		sc, err := newScheduler(st, defaultConfig().Schedule, clock, slog.New(slog.NewTextHandler(&logs, nil)), func(context.Context) error {
			defer close(ran)
			return fmt.Errorf("crawl: %w", context.Canceled)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		<-ran
		synctest.Wait()
		sc.Stop()
		jobs, _ := st.Jobs(ctx, scheduledJob, 1)
		if len(jobs) != 1 || jobs[0].State != statement.RunInterrupted {
			t.Errorf("the cut run: %+v", jobs)
		}
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("the server's stop logged an error:\n%s", logs.String())
		}
	})
}
