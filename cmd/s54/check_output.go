package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/statement"
)

// writeAssessment prints an assessment for a person: the verdict first,
// then each criterion with its evidence, then what to do.
func writeAssessment(w io.Writer, a *statement.Assessment, verbose bool, now time.Time, place func(int) string) error {
	p := &printer{w: w, place: place}
	unit := "words"
	if a.Words == 1 {
		unit = "word"
	}
	p.f("%s  (%s, %d %s)\n", a.Source, a.Format, a.Words, unit)
	if !a.IsStatement {
		p.f("Not a statement (%s): no rating and no score.\n", strings.ReplaceAll(string(a.NotStatement.Kind), "_", " "))
		for _, line := range wrap(a.NotStatement.Text, 78) {
			p.f("  %s\n", line)
		}
		for _, n := range a.Notes {
			p.f("Note: %s\n", n)
		}
		return p.err
	}
	p.f("Rating: %s — %s  Score %d/100%s.\n", strings.ToUpper(strings.ReplaceAll(string(a.Rating), "_", " ")), ratingSummary(a), a.Score,
		pick(a.Status(statement.HomepageLink) == statement.NotApplicable, " (the homepage link is not known for a draft: scored on the rest)", ""))
	p.f("Checklist: %s\n", checklist(a))
	if note := checker.StaleNote(a, now); note != "" {
		p.f("Note: %s\n", note)
	}
	if a.Period != nil {
		p.f("Period covered: %s\n", periodString(a.Period))
	}
	if s := a.SignedBy; s != nil {
		p.f("Signed by: %s, %s%s\n", s.Name, s.Role, dateSuffix(s.Date))
	}
	if ap := a.Approved; ap != nil {
		p.f("Approved by: %s%s\n", ap.By, dateSuffix(ap.Date))
	}
	for _, n := range a.Notes {
		p.f("Note: %s\n", n)
	}
	groups := []struct {
		title string
		ids   []statement.CriterionID
	}{
		{"Legal minimum (s.54(6), s.54(7))", []statement.CriterionID{statement.Approval, statement.Signature, statement.HomepageLink}},
		{"Financial year and timing", []statement.CriterionID{statement.Period, statement.Timely, statement.Current}},
		{"The six areas of s.54(5)", statement.Areas},
	}
	shown := map[statement.CriterionID]bool{}
	for _, gr := range groups {
		p.f("\n%s\n", gr.title)
		for _, id := range gr.ids {
			if fd := a.Finding(id); fd != nil {
				p.finding(fd, verbose)
				shown[id] = true
			}
		}
	}
	var other []statement.Finding
	for _, fd := range a.Criteria {
		if !shown[fd.ID] {
			other = append(other, fd)
		}
	}
	if len(other) > 0 {
		p.f("\nOther criteria\n")
		for i := range other {
			p.finding(&other[i], verbose)
		}
	}
	todo := 0
	for _, fd := range a.Criteria {
		if fd.Advice != "" {
			todo++
		}
	}
	if todo == 0 {
		p.f("\nNothing missing: every criterion that applies is met.\n")
	}
	if a.Status(statement.HomepageLink) == statement.NotApplicable {
		p.f("\nOnce it is published, link the statement from a prominent place on your homepage (s.54(7)(b)):\nwithout that link it does not meet the legal minimum.\n")
	}
	return p.err
}

// checklist is the verdict in one line: the legal minimum, then the six
// areas.
func checklist(a *statement.Assessment) string {
	mark := map[statement.Status]string{statement.Met: "✓", statement.Partial: "~", statement.Missing: "✗"}
	var parts []string
	for _, ids := range [][]statement.CriterionID{{statement.Approval, statement.Signature, statement.HomepageLink}, statement.Areas} {
		var items []string
		for _, id := range ids {
			if s := a.Status(id); s != "" && s != statement.NotApplicable {
				items = append(items, id.Label()+" "+mark[s])
			}
		}
		parts = append(parts, strings.Join(items, ", "))
	}
	return strings.Join(parts, " | ")
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func ratingSummary(a *statement.Assessment) string {
	met := 0
	for _, id := range statement.Areas {
		if a.Status(id) == statement.Met {
			met++
		}
	}
	if a.Rating == statement.BelowMinimum {
		var miss []string
		for _, fd := range a.Criteria {
			if (fd.ID == statement.Approval || fd.ID == statement.Signature || fd.ID == statement.HomepageLink) &&
				fd.Status != statement.Met && fd.Status != statement.NotApplicable {
				miss = append(miss, fd.ID.Label())
			}
		}
		return fmt.Sprintf("does not meet the legal minimum (missing: %s); %d of the 6 areas covered.", strings.Join(miss, ", "), met)
	}
	return fmt.Sprintf("meets the legal minimum; %d of the 6 areas covered.", met)
}

func periodString(p *statement.FinancialPeriod) string {
	if p.Approximate {
		if p.Start.Year == p.End.Year {
			return fmt.Sprintf("%d (year only)", p.End.Year)
		}
		return fmt.Sprintf("%d/%02d (years only)", p.Start.Year, p.End.Year%100)
	}
	return fmt.Sprintf("%s to %s", p.Start, p.End)
}

func dateSuffix(d statement.Date) string {
	if d.IsZero() {
		return ""
	}
	return " (" + d.String() + ")"
}

var statusMark = map[statement.Status]string{
	statement.Met:           "[met]    ",
	statement.Partial:       "[partial]",
	statement.Missing:       "[MISSING]",
	statement.NotApplicable: "[n/a]    ",
}

type printer struct {
	w     io.Writer
	err   error
	place func(offset int) string // nil: the byte offset
}

func (p *printer) f(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

const indent = "                "

func (p *printer) finding(fd *statement.Finding, verbose bool) {
	p.f("  %s %-14s %s (%s)\n", statusMark[fd.Status], fd.ID, fd.Title, fd.Ref)
	limit := 2
	if verbose {
		limit = len(fd.Evidence)
	}
	for i, e := range fd.Evidence {
		if i == limit {
			p.f("%s… and %d more (-v shows all)\n", indent, len(fd.Evidence)-limit)
			break
		}
		where := fmt.Sprintf("at byte %d", e.Offset)
		if p.place != nil {
			where = p.place(e.Offset)
		}
		p.f("%s“%s” (%s)\n", indent, truncate(e.Text, 220), where)
	}
	if fd.Note != "" && (fd.Status != statement.NotApplicable || verbose) {
		p.f("%s%s\n", indent, capitalise(fd.Note))
	}
	if fd.Advice != "" {
		for i, line := range wrap("What to do: "+fd.Advice, 76-len(indent)) {
			if i == 0 {
				p.f("%s%s\n", indent, line)
			} else {
				p.f("%s  %s\n", indent, line)
			}
		}
	}
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

func wrap(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(s) {
		if cur.Len() > 0 && cur.Len()+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// evidencePlace says where a byte offset of a document's text is, as its
// reader would look for it: the page of a PDF (its pages are separated by
// form feeds), the line of a text file (found in the original, whose
// blank lines the text may have fewer of), the paragraph of a web page or
// Word document.
func evidencePlace(text statement.Text, original []byte) func(int) string {
	body := text.Body
	clamp := func(off int) int { return max(0, min(off, len(body))) }
	switch text.Format {
	case statement.FormatPDF:
		return func(off int) string { return fmt.Sprintf("page %d", strings.Count(body[:clamp(off)], "\f")+1) }
	case statement.FormatText, statement.FormatMarkdown:
		return func(off int) string {
			off = clamp(off)
			if len(original) > 0 {
				end := min(len(body), off+40)
				if i := strings.IndexByte(body[off:end], '\n'); i >= 0 {
					end = off + i
				}
				if probe := body[off:end]; len(probe) >= 12 {
					if i := bytes.Index(original, []byte(probe)); i >= 0 {
						return fmt.Sprintf("line %d", bytes.Count(original[:i], []byte("\n"))+1)
					}
				}
			}
			return fmt.Sprintf("line %d", strings.Count(body[:off], "\n")+1)
		}
	default:
		return func(off int) string {
			return fmt.Sprintf("paragraph %d", strings.Count(body[:clamp(off)], "\n\n")+1)
		}
	}
}
