package report

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/s54dev/s54/export"
	"github.com/s54dev/s54/statement"
)

// Files are the names Write gives the report's files.
var Files = []string{"report.html", "register.csv", "register.xlsx"}

// WriteFunc writes a file whole or not at all (internal/atomicfile.Write
// in s54).
type WriteFunc func(path string, write func(io.Writer) error) error

// Write writes report.html, register.csv and register.xlsx (one sheet for
// the register, one per list) into dir.
func (r *Report) Write(dir string, write WriteFunc) ([]string, error) {
	var paths []string
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"report.html", r.HTML},
		{"register.csv", func(w io.Writer) error { return export.RegisterCSV(w, r.Entries) }},
		{"register.xlsx", func(w io.Writer) error { return export.RegisterXLSX(w, r.sheets()) }},
	} {
		p := filepath.Join(dir, f.name)
		if err := write(p, f.write); err != nil {
			return paths, fmt.Errorf("report: %s: %w", f.name, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// sheets are the register and the lists, each on a sheet of its own.
func (r *Report) sheets() []export.Sheet {
	byNumber := map[string]statement.RegisterEntry{}
	for _, e := range r.Entries {
		byNumber[e.CompanyNumber+"\x00"+e.Name] = e
	}
	pick := func(lines []Line) []statement.RegisterEntry {
		out := []statement.RegisterEntry{}
		for _, l := range lines {
			if e, ok := byNumber[l.CompanyNumber+"\x00"+l.Name]; ok {
				out = append(out, e)
			}
		}
		return out
	}
	return []export.Sheet{
		{Name: "Register", Entries: r.Entries},
		{Name: "No statement", Entries: pick(r.NoStatement)},
		{Name: "Could not be read", Entries: pick(r.Unreadable)},
		{Name: "Out of date", Entries: pick(r.OutOfDate)},
		{Name: "Awaiting a reply", Entries: pick(r.AwaitingReply)},
		{Name: "Below minimum", Entries: pick(r.BelowMinimum)},
		{Name: "No homepage link", Entries: pick(r.NoHomepageLink)},
		{Name: "Registry claims", Entries: pick(r.RegistryClaims)},
		{Name: "Template text", Entries: pick(r.Templates)},
	}
}
