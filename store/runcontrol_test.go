package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// TestRunSteered: a run keeps who started it, its organisations and how
// many it has to visit; one stopped on request says by whom; a run still
// marked running when the folder is opened alone was cut short, and is
// marked interrupted, with the job runs cut with it.
func TestRunSteered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(3), 0); err != nil {
		t.Fatal(err)
	}
	orgs, _ := st.Orgs(ctx, store.OrgFilter{})
	ids := []int64{orgs[0].ID, orgs[2].ID}
	run, err := st.BeginRun(ctx, store.NewRun{Selection: "register status=no_statement", By: "alice", OrgIDs: ids, Total: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.RunOrgIDs(ctx, run); err != nil || !slices.Equal(got, ids) {
		t.Errorf("run organisations %v %v, want %v", got, err, ids)
	}
	if _, err := st.RecordFetch(ctx, store.Fetch{RunID: run, OrgID: ids[0], Outcome: statement.NoStatement}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Run(ctx, run)
	if err != nil || r.Total != 2 || r.Done() != 1 || r.StartedBy != "alice" || r.State != statement.RunRunning ||
		r.Outcomes[statement.NoStatement] != 1 || r.FinishedAt != nil {
		t.Errorf("run %+v %v", r, err)
	}
	if err := st.StopRun(ctx, run, "bob", "1 of 2"); err != nil {
		t.Fatal(err)
	}
	runs, err := st.Runs(ctx, 5)
	if err != nil || len(runs) != 1 || runs[0].State != statement.RunStopped || runs[0].StoppedBy != "bob" ||
		runs[0].StartedBy != "alice" || runs[0].Total != 2 || runs[0].FinishedAt == nil {
		t.Errorf("stopped run %+v %v", runs, err)
	}
	if u, ok, _ := st.UnfinishedRun(ctx); !ok || u.ID != run || u.StoppedBy != "bob" {
		t.Errorf("a stopped run is resumable by the next for its selection: %+v %v", u, ok)
	}
	if _, err := st.Run(ctx, run+1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such run: %v", err)
	}

	// a crash: a run and a job run left running
	cut, _ := st.BeginRun(ctx, store.NewRun{Selection: "all", By: "schedule"})
	job, _ := st.StartJob(ctx, "scheduled")
	got, err := st.InterruptCut(ctx, "scheduled", "s54 stopped before the end")
	if err != nil || len(got) != 1 || got[0].ID != cut || got[0].StartedBy != "schedule" {
		t.Fatalf("cut runs %+v %v", got, err)
	}
	r, _ = st.Run(ctx, cut)
	jobs, _ := st.Jobs(ctx, "scheduled", 1)
	if r.State != statement.RunInterrupted || len(jobs) != 1 || jobs[0].ID != job || jobs[0].State != statement.RunInterrupted {
		t.Errorf("after the cut: run %+v, jobs %+v", r, jobs)
	}
	if again, _ := st.InterruptCut(ctx, "scheduled", ""); len(again) != 0 {
		t.Errorf("cut twice: %+v", again)
	}
}

// TestFirstServed: the first start of s54 serve is recorded once; a folder
// served before it was recorded dates from its first scheduled run.
func TestFirstServed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, ok, err := st.FirstServed(ctx); ok || err != nil {
		t.Fatalf("a new folder was served (%v)", err)
	}
	first := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return first })
	at, isNew, err := st.MarkServed(ctx, "scheduled")
	if err != nil || !at.Equal(first) || !isNew {
		t.Errorf("first served %v %v %v", at, isNew, err)
	}
	st.SetClock(func() time.Time { return first.AddDate(0, 1, 0) })
	if again, isNew, _ := st.MarkServed(ctx, "scheduled"); !again.Equal(first) || isNew {
		t.Errorf("served again: %v (new %v), want the first %v", again, isNew, first)
	}

	old := open(t)
	st.SetClock(time.Now)
	ran := time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC)
	old.SetClock(func() time.Time { return ran })
	id, _ := old.StartJob(ctx, "scheduled")
	old.FinishJob(ctx, id, statement.RunCompleted, "")
	old.SetClock(time.Now)
	if at, _, err := old.MarkServed(ctx, "scheduled"); err != nil || !at.Equal(ran) {
		t.Errorf("a folder served before: first served %v %v, want %v", at, err, ran)
	}
}
