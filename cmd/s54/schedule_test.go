package main

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/s54dev/s54/report"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 5 s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestScheduler runs the scheduler on a fake clock: a run missed while
// the server was down is made at start, the monthly run comes on the 1st
// at 02:00 London time, runs never overlap, and each is recorded.
func TestScheduler(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// the server starts on 31 October 2025 at 23:00; the last run was on 1 September
	start := time.Date(2025, 10, 31, 23, 0, 0, 0, report.London)
	clock := clockwork.NewFakeClockAt(start)
	st.SetClock(func() time.Time { return time.Date(2025, 9, 1, 2, 0, 0, 0, report.London) })
	id, _ := st.StartJob(ctx, scheduledJob)
	st.FinishJob(ctx, id, statement.RunCompleted, "")
	st.SetClock(clock.Now)

	var runs, running, most atomic.Int32
	release := make(chan struct{})
	var once sync.Once
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
	sc, err := newScheduler(st, scheduleConfig{}, clock, slog.New(slog.DiscardHandler), work)
	if err != nil {
		t.Fatal(err)
	}
	if next := sc.Next(2); !next[0].Equal(time.Date(2025, 11, 1, 2, 0, 0, 0, report.London)) ||
		!next[1].Equal(time.Date(2025, 12, 1, 2, 0, 0, 0, report.London)) {
		t.Errorf("next runs %v", next)
	}
	if err := sc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer sc.Stop()
	// October's run (due 1 October 02:00) was missed: it starts now
	waitFor(t, "the catch-up run", func() bool { return runs.Load() == 1 })
	// 1 November 02:00 comes while it still runs: not a second at once
	clock.Advance(3*time.Hour + time.Minute)
	time.Sleep(100 * time.Millisecond)
	if most.Load() != 1 || runs.Load() != 1 {
		t.Errorf("%d runs, %d at once, while the first still ran", runs.Load(), most.Load())
	}
	once.Do(func() { close(release) })
	waitFor(t, "the catch-up run to finish", func() bool { return running.Load() == 0 })
	// on to 1 December 02:00, an hour at a time (gocron sets its next
	// timer in its own goroutine: a single jump could pass it first)
	for i := 0; runs.Load() < 2 && i < 24*31; i++ {
		clock.Advance(time.Hour)
		time.Sleep(2 * time.Millisecond)
	}
	waitFor(t, "December's run", func() bool { return runs.Load() == 2 })
	if now := clock.Now().In(report.London); now.Month() != time.December || now.Day() != 1 {
		t.Errorf("the second run came at %s, want 1 December", now)
	}
	waitFor(t, "December's run to be recorded", func() bool {
		jobs, _ := st.Jobs(ctx, scheduledJob, 10)
		return len(jobs) == 3 && jobs[0].State == statement.RunCompleted
	})
	missed, err := sc.missed(ctx)
	if err != nil || missed {
		t.Errorf("after December's run, missed = %v (%v)", missed, err)
	}
}

func TestScheduleConfig(t *testing.T) {
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
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := clockwork.NewFakeClockAt(time.Date(2025, 11, 3, 9, 0, 0, 0, report.London))
	started := make(chan struct{})
	sc, err := newScheduler(st, scheduleConfig{}, clock, slog.New(slog.DiscardHandler), func(ctx context.Context) error {
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
	again, _ := newScheduler(st, scheduleConfig{}, clock, slog.New(slog.DiscardHandler), nil)
	if missed, err := again.missed(ctx); err != nil || !missed {
		t.Errorf("after an interrupted run, missed = %v (%v), want true", missed, err)
	}
}
