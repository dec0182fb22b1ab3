package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const orgsDir = "../../testdata/orgs/"

func TestOrgsImportListRegister(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	code, out, stderr := run(t, "", "--data", data, "orgs", "import", orgsDir+"own.csv")
	if code != exitOK {
		t.Fatalf("import: %d %s", code, stderr)
	}
	for _, want := range []string{"s54 list, UTF-8, 7 rows: 5 added, 0 updated, 0 unchanged, 1 skipped.", "The register holds 5 organisations.",
		`line 5 (kept): company number "12345678901" is not valid; kept without it`, "line 6 (skipped): no organisation name"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	// again: nothing duplicated
	if code, out, _ = run(t, "", "--data", data, "orgs", "import", orgsDir+"own.csv"); code != exitOK || !strings.Contains(out, "0 added, 0 updated, 5 unchanged") {
		t.Errorf("second import: %d %s", code, out)
	}
	if code, out, _ = run(t, "", "--data", data, "orgs", "import", orgsDir+"home-office-1252.csv"); code != exitOK || !strings.Contains(out, "home-office-orgs list, windows-1252, 3 rows: 3 added") {
		t.Errorf("windows-1252 import: %d %s", code, out)
	}

	code, out, _ = run(t, "", "--data", data, "orgs", "list", "--region", "hampshire-iow", "--json")
	if code != exitOK {
		t.Fatalf("list: %d", code)
	}
	var orgs []map[string]any
	if err := json.Unmarshal([]byte(out), &orgs); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range orgs {
		names = append(names, o["name"].(string))
		if o["region"] != "hampshire-iow" {
			t.Errorf("%s region %v", o["name"], o["region"])
		}
	}
	// Southampton and Portsmouth are in; Chichester (PO19, West Sussex) is not
	if strings.Join(names, "|") != "Bad Number Ltd|Harbourside Foods Limited" {
		t.Errorf("hampshire-iow holds %q", names)
	}

	code, out, _ = run(t, "", "--data", data, "register", "--json")
	if code != exitOK {
		t.Fatalf("register: %d", code)
	}
	var reg []map[string]any
	if err := json.Unmarshal([]byte(out), &reg); err != nil {
		t.Fatal(err)
	}
	if len(reg) != 8 {
		t.Fatalf("%d register entries", len(reg))
	}
	for _, k := range []string{"company_number", "name", "region", "website", "statement_url", "homepage_link", "status", "rating", "score", "period_end", "criteria", "checked_at"} {
		if _, ok := reg[0][k]; !ok {
			t.Errorf("register entry lacks %q", k)
		}
	}
	if reg[0]["status"] != "not_checked" || reg[0]["rating"] != nil || reg[0]["homepage_link"] != nil {
		t.Errorf("fresh entry %v", reg[0])
	}

	csvPath, xlsxPath := filepath.Join(t.TempDir(), "r.csv"), filepath.Join(t.TempDir(), "r.xlsx")
	if code, _, stderr = run(t, "", "--data", data, "register", "--region", "humber", "--csv", csvPath); code != exitOK {
		t.Fatalf("csv: %s", stderr)
	}
	if b, _ := os.ReadFile(csvPath); strings.Count(string(b), "\n") != 2 || !strings.Contains(string(b), "Café Flöra Limited") {
		t.Errorf("humber csv %q", b)
	}
	if code, _, stderr = run(t, "", "--data", data, "register", "--xlsx", xlsxPath); code != exitOK {
		t.Fatalf("xlsx: %s", stderr)
	}
	f, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Register")
	f.Close()
	if len(rows) != 9 {
		t.Errorf("xlsx has %d rows", len(rows))
	}
}

func TestOrgsErrors(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("a,b\n1,2\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"orgs", "import", bad}, exitUnreadable, "is not one of the formats"},
		{[]string{"orgs", "import", "--format", "excel", bad}, exitUsage, `unknown --format "excel"`},
		{[]string{"orgs", "import", "no-such.csv"}, exitUnreadable, "no such file"},
		{[]string{"orgs", "list", "--region", "atlantis"}, exitUsage, `unknown region "atlantis"`},
		{[]string{"register", "--json", "--csv", "x.csv"}, exitUsage, "choose one of"},
		{[]string{"orgs", "list", "extra"}, exitUsage, "takes no arguments"},
	}
	for _, tc := range cases {
		code, _, stderr := run(t, "", append([]string{"--data", data}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
			t.Errorf("%v: exit %d stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	// a file that cannot be read changed nothing
	code, out, _ := run(t, "", "--data", data, "orgs", "list")
	if code != exitOK || !strings.Contains(out, "0 organisations") {
		t.Errorf("after failed imports: %d %s", code, out)
	}
}

func TestRegionsConfig(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "s54.yaml"), []byte("regions:\n  - id: chichester\n    name: Chichester district\n    postcodes: [PO18, PO19, PO20]\n"), 0o644)
	run(t, "", "--data", data, "orgs", "import", orgsDir+"home-office-1252.csv")
	code, out, stderr := run(t, "", "--data", data, "orgs", "list", "--region", "chichester")
	if code != exitOK || !strings.Contains(out, "Chichester Things Ltd") || !strings.Contains(out, "1 organisations") {
		t.Errorf("own region: %d %s %s", code, out, stderr)
	}
	code, out, _ = run(t, "", "--data", data, "regions")
	if code != exitOK || !strings.Contains(out, "hampshire-iow") || !strings.Contains(out, "chichester") {
		t.Errorf("regions: %s", out)
	}
	os.WriteFile(filepath.Join(data, "s54.yaml"), []byte("regoins: []\n"), 0o644)
	if code, _, stderr = run(t, "", "--data", data, "regions"); code != exitUnreadable || !strings.Contains(stderr, "regoins") {
		t.Errorf("misspelt config key: %d %q", code, stderr)
	}
}

// TestHomeOfficeListTwice imports the real Home Office list twice: the same
// register, and hampshire-iow without West Sussex. Skips without the corpus.
func TestHomeOfficeListTwice(t *testing.T) {
	t.Parallel()
	path := "../../../shared/corpus/registry/govuk_msu_import_private_orgs_full.csv"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no shared corpus")
	}
	data := t.TempDir()
	_, first, _ := run(t, "", "--data", data, "orgs", "import", path)
	code, second, stderr := run(t, "", "--data", data, "orgs", "import", path)
	if code != exitOK || !strings.Contains(first, "16212 added") || !strings.Contains(second, "0 added, 0 updated, 16212 unchanged") ||
		!strings.Contains(second, "The register holds 16212 organisations.") {
		t.Fatalf("imports:\n%s\n%s\n%s", first, second, stderr)
	}
	_, out, _ := run(t, "", "--data", data, "orgs", "list", "--region", "hampshire-iow", "--json")
	var orgs []map[string]any
	if err := json.Unmarshal([]byte(out), &orgs); err != nil {
		t.Fatal(err)
	}
	if len(orgs) < 300 {
		t.Errorf("only %d organisations in hampshire-iow", len(orgs))
	}
	for _, o := range orgs {
		pc := o["postcode"].(string)
		for _, ws := range []string{"PO18", "PO19", "PO20", "PO21", "PO22", "RH", "BN"} {
			if strings.HasPrefix(pc, ws) && (len(pc) == len(ws) || pc[len(ws)] == ' ' || len(ws) == 2) {
				t.Errorf("%s (%s) is West Sussex, listed in hampshire-iow", o["name"], pc)
			}
		}
	}
}

// TestRegisterCSVRoundTrip: organisations whose names a spreadsheet would
// run as formulas are exported by `s54 register --csv` with no cell that
// starts a formula, and `s54 orgs import` of that file gives back the same
// names and sectors.
func TestRegisterCSVRoundTrip(t *testing.T) {
	t.Parallel()
	hostile := "company_number,name,website,postcode,turnover,sector\n" +
		`01000001,"=HYPERLINK(""http://evil"",""x"")",,LE1 1AA,£36m-£60m,=1+2` + "\n" +
		"01000002,@SUM(A1),,LE1 1AA,,-2+3\n" +
		"01000003,+cmd|' /C calc'!A0,,LE1 1AA,,@x\n" +
		"01000004,-2+3 Ltd,,LE1 1AA,,Food\n"
	src := filepath.Join(t.TempDir(), "hostile.csv")
	if err := os.WriteFile(src, []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	list := func(data string) []map[string]any {
		t.Helper()
		code, out, stderr := run(t, "", "--data", data, "orgs", "list", "--json")
		var orgs []map[string]any
		if err := json.Unmarshal([]byte(out), &orgs); code != exitOK || err != nil {
			t.Fatalf("list: %d %v %s", code, err, stderr)
		}
		return orgs
	}
	first, second := t.TempDir(), t.TempDir()
	if code, _, stderr := run(t, "", "--data", first, "orgs", "import", src); code != exitOK {
		t.Fatalf("import: %s", stderr)
	}
	exported := filepath.Join(t.TempDir(), "register.csv")
	if code, _, stderr := run(t, "", "--data", first, "register", "--csv", exported); code != exitOK {
		t.Fatalf("register --csv: %s", stderr)
	}
	f, err := os.Open(exported)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 5 {
		t.Fatalf("%d rows %v", len(rows), err)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("exported cell %q starts a formula", cell)
			}
		}
	}
	if code, out, stderr := run(t, "", "--data", second, "orgs", "import", exported); code != exitOK || !strings.Contains(out, "4 added") {
		t.Fatalf("import of the export: %d %s %s", code, out, stderr)
	}
	want, got := list(first), list(second)
	if len(got) != len(want) {
		t.Fatalf("%d organisations, want %d", len(got), len(want))
	}
	for i := range want {
		for _, k := range []string{"company_number", "name", "sector", "postcode"} {
			if got[i][k] != want[i][k] {
				t.Errorf("%s: %q came back as %q", k, want[i][k], got[i][k])
			}
		}
	}
	// the first import took the names as they were
	for _, o := range want {
		if o["company_number"] == "01000001" && o["name"] != `=HYPERLINK("http://evil","x")` {
			t.Errorf("01000001 imported as %q", o["name"])
		}
	}
}

// TestUsersRegions: an account limited to regions, changed, listed; a
// region the configuration does not have is refused.
func TestUsersRegions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pw := "a long enough password\n"
	if code, out, errs := run(t, pw, "--data", dir, "users", "add", "hull", "--region", "humber"); code != exitOK ||
		!strings.Contains(out, "Added hull, who sees humber only.") {
		t.Fatalf("users add --region: %d %s %s", code, out, errs)
	}
	if code, _, errs := run(t, pw, "--data", dir, "users", "add", "x", "--region", "atlantis"); code != exitUsage ||
		!strings.Contains(errs, `unknown region "atlantis"`) {
		t.Errorf("an unknown region: %d %s", code, errs)
	}
	if code, out, _ := run(t, "", "--data", dir, "users", "regions", "hull", "--region", "humber", "--region", "west-mercia"); code != exitOK ||
		!strings.Contains(out, "hull now sees humber, west-mercia only.") {
		t.Errorf("users regions: %d %s", code, out)
	}
	if code, _, _ := run(t, "", "--data", dir, "users", "regions", "hull"); code != exitUsage {
		t.Errorf("users regions with neither --region nor --all: %d", code)
	}
	if code, _, errs := run(t, "", "--data", dir, "users", "regions", "nobody", "--all"); code == exitOK || !strings.Contains(errs, `no account "nobody"`) {
		t.Errorf("users regions of nobody: %d %s", code, errs)
	}
	_, out, _ := run(t, "", "--data", dir, "users", "list")
	if !strings.Contains(out, "sees humber, west-mercia") {
		t.Errorf("users list: %s", out)
	}
	run(t, "", "--data", dir, "users", "regions", "hull", "--all")
	if _, out, _ := run(t, "", "--data", dir, "users", "list"); !strings.Contains(out, "sees every organisation") {
		t.Errorf("users list after --all: %s", out)
	}
}

// TestSpreadsheetsAsPeopleUseThem: the register written as a workbook
// imports back (s54 orgs import register.xlsx) with its names and
// turnover bands; a list in capitals leaves the names in mixed case and
// says so; --sheet picks a sheet.
func TestSpreadsheetsAsPeopleUseThem(t *testing.T) {
	t.Parallel()
	own := "company_number,name,website,postcode,turnover,sector\n" +
		"03926343,Abel & Cole Limited,www.abelandcole.example,HU1 2AA,£36m-£60m,Food\n" +
		"00987654,Café Flöra Limited,,SO14 7DX,over £500m,Hospitality\n"
	dir := t.TempDir()
	src := filepath.Join(dir, "own.csv")
	if err := os.WriteFile(src, []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	first, second := t.TempDir(), t.TempDir()
	if code, _, stderr := run(t, "", "--data", first, "orgs", "import", src); code != exitOK {
		t.Fatal(stderr)
	}
	xlsx := filepath.Join(dir, "register.xlsx")
	if code, _, stderr := run(t, "", "--data", first, "register", "--region", "humber", "--xlsx", xlsx); code != exitOK {
		t.Fatal(stderr)
	}
	code, out, stderr := run(t, "", "--data", second, "orgs", "import", xlsx)
	if code != exitOK || !strings.Contains(out, `s54 list, sheet "humber", 1 rows: 1 added`) {
		t.Fatalf("import of the workbook: %d %s %s", code, out, stderr)
	}
	_, listed, _ := run(t, "", "--data", second, "orgs", "list", "--json")
	var orgs []map[string]any
	json.Unmarshal([]byte(listed), &orgs)
	if len(orgs) != 1 || orgs[0]["name"] != "Abel & Cole Limited" || orgs[0]["website"] != "https://www.abelandcole.example" ||
		orgs[0]["scope"] != "in_scope" || orgs[0]["region_name"] != "Humber" {
		t.Errorf("imported from the workbook: %s", listed)
	}
	if turnover := orgs[0]["turnover"].(map[string]any); turnover["min"] != 36e6 || turnover["max"] != 60e6 {
		t.Errorf("turnover from the workbook: %v", turnover)
	}
	if code, _, stderr := run(t, "", "--data", second, "orgs", "import", "--sheet", "Register", xlsx); code == exitOK ||
		!strings.Contains(stderr, `no sheet "Register" (it has "humber")`) {
		t.Errorf("--sheet of a sheet it lacks: %d %s", code, stderr)
	}
	// the registry writes names in capitals
	caps := filepath.Join(dir, "caps.csv")
	os.WriteFile(caps, []byte("company_number,name\n03926343,ABEL & COLE LIMITED\n00987654,CAFE FLORA LTD\n"), 0o644)
	code, out, _ = run(t, "", "--data", first, "orgs", "import", caps)
	for _, want := range []string{"2 names differ from the register's: 1 changed, 1 kept (the list has them in capitals):",
		"03926343 name kept: Abel & Cole Limited (the list has ABEL & COLE LIMITED)",
		"00987654 name changed: Café Flöra Limited → CAFE FLORA LTD"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("import of names in capitals lacks %q:\n%s", want, out)
		}
	}
}

// TestRegionsList: postcode sectors, which hold a space, are told apart
// in the list.
func TestRegionsList(t *testing.T) {
	code, out, _ := run(t, "", "--data", t.TempDir(), "regions")
	if code != 0 || !strings.Contains(out, "SO, PO, GU11, GU12 4, GU14") || !strings.Contains(out, "(not LE12 6, DE12 8)") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
