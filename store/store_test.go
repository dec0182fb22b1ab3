package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv("S54_TEST_SLOW_IMPORT"); dir != "" {
		// the child of TestKilledImport: a long import, killed part way
		st, err := store.Open(context.Background(), dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		_, err = st.ImportOrgs(context.Background(), "big.csv", "s54", synthetic(400_000), 0)
		fmt.Fprintln(os.Stderr, "import finished:", err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func open(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// synthetic makes n organisations spread over postcode areas.
func synthetic(n int) []statement.Org {
	areas := []string{"SO14 7DX", "PO1 3AX", "GU14 7LP", "LE1 5FQ", "HU1 2AA", "SY1 1AA", "M1 1AE", "EC1A 4HD", "PO19 1RQ", "B98 8AA"}
	out := make([]statement.Org, n)
	for i := range out {
		out[i] = statement.Org{
			CompanyNumber: fmt.Sprintf("%08d", i+1),
			Name:          "Company " + strconv.Itoa(i+1) + " Limited",
			Postcode:      areas[i%len(areas)],
			Source:        "s54",
		}
	}
	return out
}

func TestOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for range 2 {
		st, err := store.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CountOrgs(context.Background()); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	if _, err := os.Stat(filepath.Join(dir, store.DBFile)); err != nil {
		t.Fatal(err)
	}
}

func TestImportAddsUpdatesMerges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	orgs := []statement.Org{
		{CompanyNumber: "04830352", Name: "Alpha Foods Limited", Postcode: "SO14 7DX", Website: "https://alpha.example"},
		{Name: "Beta Trust", Postcode: "le1 5fq"},
	}
	res, err := st.ImportOrgs(ctx, "a.csv", "s54", orgs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 || res.Updated+res.Unchanged != 0 {
		t.Fatalf("first import %+v", res)
	}
	res, err = st.ImportOrgs(ctx, "a.csv", "s54", orgs, 0)
	if err != nil || res.Unchanged != 2 || res.Added+res.Updated != 0 {
		t.Fatalf("same import again: %+v %v", res, err)
	}
	// a list without websites updates the name and keeps the website; the
	// trust gains a company number and is not duplicated
	again := []statement.Org{
		{CompanyNumber: "04830352", Name: "Alpha Foods Ltd", Postcode: "SO14 7DX"},
		{CompanyNumber: "RC000123", Name: "Beta Trust", Postcode: "LE1 5FQ", Turnover: statement.Turnover{Min: 40e6, Max: 60e6, Text: "£40m-£60m"}},
	}
	res, err = st.ImportOrgs(ctx, "b.csv", "home-office-orgs", again, 0)
	if err != nil || res.Updated != 2 || res.Added+res.Unchanged != 0 || len(res.Names) != 1 ||
		res.Names[0].String() != "name changed: Alpha Foods Limited → Alpha Foods Ltd" {
		t.Fatalf("update import: %+v %v", res, err)
	}
	all, err := st.Orgs(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d organisations, want 2", len(all))
	}
	a, b := all[0], all[1]
	if a.Name != "Alpha Foods Ltd" || a.Website != "https://alpha.example" {
		t.Errorf("alpha %+v", a.Org)
	}
	if b.CompanyNumber != "RC000123" || b.Postcode != "LE1 5FQ" || b.Turnover.Scope() != statement.InScope {
		t.Errorf("beta %+v", b.Org)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	st := open(t)
	cancel()
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(1000), 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	n, err := st.CountOrgs(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("after a failed import the register holds %d (%v), want 0", n, err)
	}
}

// TestKilledImport kills (SIGKILL) a process in the middle of a long import
// and checks the register opens cleanly afterwards and holds none of it.
func TestKilledImport(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a 400,000-organisation import")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "S54_TEST_SLOW_IMPORT="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// wait until the transaction is writing: the WAL grows
	wal := filepath.Join(dir, store.DBFile+"-wal")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if fi, err := os.Stat(wal); err == nil && fi.Size() > 4<<20 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the import never started writing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("the register does not open after the kill: %v", err)
	}
	defer st.Close()
	n, err := st.CountOrgs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 && n != 400_000 {
		t.Fatalf("the register holds %d organisations: part of an import", n)
	}
	if n == 400_000 {
		t.Log("the import finished before the kill; the test proved nothing this time")
	}
}

func TestRegionFilter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(100), 0); err != nil {
		t.Fatal(err)
	}
	set, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	hants, _ := set.Get("hampshire-iow")
	orgs, err := st.Orgs(ctx, store.OrgFilter{Region: hants})
	if err != nil {
		t.Fatal(err)
	}
	// SO14, PO1 and GU14 are in; PO19 (Chichester) is not
	if len(orgs) != 30 {
		t.Errorf("%d organisations in hampshire-iow, want 30", len(orgs))
	}
	for _, o := range orgs {
		if o.Postcode == "PO19 1RQ" {
			t.Errorf("Chichester (PO19) counted in hampshire-iow")
		}
	}
}

func TestRegisterHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(2), 0); err != nil {
		t.Fatal(err)
	}
	reg, err := st.Register(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reg) != 2 || reg[0].Status != statement.NotChecked || reg[0].Rating != nil {
		t.Fatalf("fresh register %+v", reg)
	}
	org := reg[0].OrgID
	run, err := st.StartRun(ctx, "all")
	if err != nil {
		t.Fatal(err)
	}
	sha, err := st.SaveDocument(ctx, []byte("%PDF-1.7 statement"), "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := st.RecordFetch(ctx, store.Fetch{RunID: run, OrgID: org, Outcome: statement.Found, URL: "https://a.example/msa.pdf", HomepageLink: &yes, DocumentSHA256: sha}); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishRun(ctx, run, statement.RunCompleted, "1 found"); err != nil {
		t.Fatal(err)
	}
	a := statement.Assessment{IsStatement: true, Score: 80, Rating: statement.Good,
		Period:   &statement.FinancialPeriod{Start: statement.Date{Year: 2024, Month: 4, Day: 1}, End: statement.Date{Year: 2025, Month: 3, Day: 31}},
		Criteria: []statement.Finding{{ID: statement.Approval, Status: statement.Met}, {ID: statement.Current, Status: statement.Met}}}
	rec, err := st.RecordAssessment(ctx, store.Version{OrgID: org, URL: "https://a.example/msa.pdf", DocumentSHA256: sha, HomepageLink: &yes}, a, "default")
	if err != nil || !rec.NewVersion {
		t.Fatalf("record %+v %v", rec, err)
	}
	// the same document again is not a new version
	rec2, err := st.RecordAssessment(ctx, store.Version{OrgID: org, URL: "https://a.example/msa.pdf", DocumentSHA256: sha, HomepageLink: &yes}, a, "default")
	if err != nil || rec2.NewVersion || rec2.StatementID != rec.StatementID {
		t.Fatalf("record again %+v %v", rec2, err)
	}
	// a statement whose year is over: out_of_date
	old := a
	old.Criteria = []statement.Finding{{ID: statement.Approval, Status: statement.Met}, {ID: statement.Current, Status: statement.Missing}}
	if _, err := st.RecordAssessment(ctx, store.Version{OrgID: reg[1].OrgID, URL: "https://b.example/msa", DocumentSHA256: sha}, old, "default"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordFetch(ctx, store.Fetch{OrgID: reg[1].OrgID, Outcome: statement.Found, URL: "https://b.example/msa", DocumentSHA256: sha}); err != nil {
		t.Fatal(err)
	}
	// then the site fails: the statement stays, marked with the failure
	if _, err := st.RecordFetch(ctx, store.Fetch{OrgID: org, Outcome: statement.Unreachable, URL: "https://a.example/", Error: "connection refused"}); err != nil {
		t.Fatal(err)
	}
	reg, err = st.Register(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	e := reg[0]
	if e.Status != statement.Unreachable || e.Failure != "connection refused" || e.Rating == nil || *e.Rating != statement.Good ||
		*e.Score != 80 || e.PeriodEnd.String() != "2025-03-31" || e.Criteria[statement.Approval] != statement.Met ||
		e.HomepageLink == nil || !*e.HomepageLink || e.StatementURL != "https://a.example/msa.pdf" {
		t.Errorf("after a failure: %+v", e)
	}
	if reg[1].Status != statement.OutOfDate {
		t.Errorf("statement of a year long over: status %s, want out_of_date", reg[1].Status)
	}
	// the document is kept, once
	data, err := os.ReadFile(st.DocumentPath(sha))
	if err != nil || string(data) != "%PDF-1.7 statement" {
		t.Errorf("snapshot %q %v", data, err)
	}
	if again, _ := st.SaveDocument(ctx, []byte("%PDF-1.7 statement"), "application/pdf"); again != sha {
		t.Errorf("same bytes, other name %s", again)
	}
}

func TestRecordCrawlAndRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(3), 0); err != nil {
		t.Fatal(err)
	}
	orgs, err := st.Orgs(ctx, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.UnfinishedRun(ctx); ok || err != nil {
		t.Fatalf("a fresh register has an unfinished run (%v)", err)
	}
	run, err := st.StartRun(ctx, "region humber")
	if err != nil {
		t.Fatal(err)
	}
	sha, err := st.SaveDocument(ctx, []byte("<p>statement</p>"), "text/html; charset=windows-1252")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	a := statement.Assessment{IsStatement: true, Score: 50, Rating: statement.Minimum, Criteria: []statement.Finding{{ID: statement.Approval, Status: statement.Met}}}
	v := store.Version{OrgID: orgs[0].ID, URL: "https://a.example/msa", DocumentSHA256: sha, HomepageLink: &yes, ETag: `"e1"`, LastModified: "Sun, 01 Jun 2025 00:00:00 GMT"}
	recs, err := st.RecordCrawl(ctx, store.Fetch{RunID: run, OrgID: orgs[0].ID, Outcome: statement.Found, URL: v.URL, DocumentSHA256: sha},
		[]store.Assessed{{Version: v, Assessment: a}}, "default")
	if err != nil || len(recs) != 1 || !recs[0].NewVersion {
		t.Fatalf("record crawl %+v %v", recs, err)
	}
	// a crawl whose statement cannot be recorded records nothing, not even the fetch
	bad := v
	bad.OrgID = 999999 // no such organisation: the foreign key fails
	if _, err := st.RecordCrawl(ctx, store.Fetch{RunID: run, OrgID: orgs[1].ID, Outcome: statement.Found},
		[]store.Assessed{{Version: bad, Assessment: a}}, "default"); err == nil {
		t.Fatal("recorded a statement of an organisation that does not exist")
	}
	done, err := st.RunDone(ctx, run)
	if err != nil || len(done) != 1 || !done[orgs[0].ID] {
		t.Errorf("run done %v %v, want only the first organisation", done, err)
	}
	r, ok, err := st.UnfinishedRun(ctx)
	if !ok || err != nil || r.ID != run || r.Selection != "region humber" || r.State != statement.RunRunning {
		t.Errorf("unfinished run %+v %v %v", r, ok, err)
	}
	known, err := st.KnownStatements(ctx, orgs[0].ID)
	if err != nil || len(known) != 1 || known[0].ETag != `"e1"` || known[0].LastModified != v.LastModified ||
		known[0].ContentType != "text/html; charset=windows-1252" || known[0].DocumentSHA256 != sha {
		t.Errorf("known statements %+v %v", known, err)
	}
	if data, err := st.ReadDocument(sha); err != nil || string(data) != "<p>statement</p>" {
		t.Errorf("read document %q %v", data, err)
	}
	if err := st.FinishRun(ctx, run, statement.RunCompleted, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.UnfinishedRun(ctx); ok {
		t.Error("a completed run is unfinished")
	}
}

func TestVersionsLatest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(1), 0); err != nil {
		t.Fatal(err)
	}
	orgs, _ := st.Orgs(ctx, store.OrgFilter{})
	org := orgs[0].ID
	record := func(body string, end statement.Date) {
		sha, err := st.SaveDocument(ctx, []byte(body), "text/plain")
		if err != nil {
			t.Fatal(err)
		}
		a := statement.Assessment{IsStatement: true, Score: 60, Rating: statement.Minimum, Period: &statement.FinancialPeriod{End: end},
			Criteria: []statement.Finding{{ID: statement.Training, Status: statement.Missing}}}
		if _, err := st.RecordAssessment(ctx, store.Version{OrgID: org, URL: "https://a.example/" + body, DocumentSHA256: sha}, a, "default"); err != nil {
			t.Fatal(err)
		}
	}
	record("2024", statement.Date{Year: 2024, Month: 3, Day: 31})
	record("2025", statement.Date{Year: 2025, Month: 3, Day: 31})
	record("2023", statement.Date{Year: 2023, Month: 3, Day: 31}) // found later, older year
	var got []string
	err := st.Versions(ctx, org, func(v store.VersionRecord) error {
		got = append(got, fmt.Sprintf("%s:%v:%s:%s", v.URL[len(v.URL)-4:], v.Latest, v.Assessment.Rating, v.Assessment.Criteria[0].Status))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "2024:false:minimum:missing 2025:true:minimum:missing 2023:false:minimum:missing"; strings.Join(got, " ") != want {
		t.Errorf("versions %q, want %q", got, want)
	}
}

func TestUsersSessionsTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	if err := st.AddUser(ctx, "alice", "hash1"); err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser(ctx, "alice", "hash2"); !errors.Is(err, store.ErrExists) {
		t.Errorf("second alice: %v", err)
	}
	u, _ := st.UserByName(ctx, "alice")
	st.CreateSession(ctx, u.ID, "s1", "csrf", time.Now().Add(time.Hour))
	st.AddAPIToken(ctx, u.ID, "t1", "")
	if _, err := st.SessionByHash(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	// a new password ends the session and the token
	if err := st.SetPassword(ctx, "alice", "hash3"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByHash(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session after a new password: %v", err)
	}
	if _, err := st.TokenUser(ctx, "t1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token after a new password: %v", err)
	}
	st.AddAPIToken(ctx, u.ID, "t2", "")
	if err := st.RemoveUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenUser(ctx, "t2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("token after removal: %v", err)
	}
	if err := st.RemoveUser(ctx, "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing again: %v", err)
	}
}

// TestRegisterAtKeepsHomepageLink: the statement's row keeps the newest
// homepage_link; the register at an earlier time shows the one found then.
func TestRegisterAtKeepsHomepageLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	t1 := time.Date(2025, 10, 15, 2, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return t1.Add(-time.Hour) })
	if _, err := st.ImportOrgs(ctx, "x.csv", "s54", synthetic(1), 0); err != nil {
		t.Fatal(err)
	}
	orgs, _ := st.Orgs(ctx, store.OrgFilter{})
	sha, _ := st.SaveDocument(ctx, []byte("statement"), "text/plain")
	a := statement.Assessment{IsStatement: true, Score: 60, Rating: statement.Minimum}
	for i, linked := range []bool{true, false} {
		st.SetClock(func() time.Time { return t1.AddDate(0, i, 0) })
		v := store.Version{OrgID: orgs[0].ID, URL: "https://a.example/msa", DocumentSHA256: sha, HomepageLink: &linked}
		if _, err := st.RecordCrawl(ctx, store.Fetch{OrgID: orgs[0].ID, Outcome: statement.Found, URL: v.URL, DocumentSHA256: sha, HomepageLink: &linked},
			[]store.Assessed{{Version: v, Assessment: a}}, "default"); err != nil {
			t.Fatal(err)
		}
	}
	oct, _ := st.RegisterAt(ctx, store.OrgFilter{}, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC))
	nov, _ := st.RegisterAt(ctx, store.OrgFilter{}, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC))
	if oct[0].HomepageLink == nil || !*oct[0].HomepageLink || nov[0].HomepageLink == nil || *nov[0].HomepageLink {
		t.Errorf("homepage_link at the end of October %v, of November %v; want true then false", oct[0].HomepageLink, nov[0].HomepageLink)
	}
}

// TestLoginAddresses: the addresses a user logged in from are kept, twice
// is once, a new password forgets them, and they go with the user.
func TestLoginAddresses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t)
	st.AddUser(ctx, "alice", "hash1")
	st.AddUser(ctx, "bob", "hash1")
	alice, _ := st.UserByName(ctx, "alice")
	bob, _ := st.UserByName(ctx, "bob")
	for range 2 {
		if err := st.RecordLoginAddress(ctx, alice.ID, "198.51.100.7"); err != nil {
			t.Fatal(err)
		}
	}
	known := func(id int64, addr string) bool {
		t.Helper()
		ok, err := st.KnownLoginAddress(ctx, id, addr)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !known(alice.ID, "198.51.100.7") || known(alice.ID, "198.51.100.8") || known(bob.ID, "198.51.100.7") {
		t.Error("known addresses mixed up")
	}
	if err := st.SetPassword(ctx, "alice", "hash2"); err != nil {
		t.Fatal(err)
	}
	if known(alice.ID, "198.51.100.7") {
		t.Error("an address is still known after a new password")
	}
	st.RecordLoginAddress(ctx, bob.ID, "2001:db8::/64")
	if err := st.RemoveUser(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if known(bob.ID, "2001:db8::/64") {
		t.Error("an address outlived its user")
	}
}
