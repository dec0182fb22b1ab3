package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/s54dev/s54/extract"
	"github.com/s54dev/s54/findings"
	"github.com/s54dev/s54/statement"
	"github.com/s54dev/s54/store"
)

// FindingsStats says what a refresh of the findings did.
type FindingsStats struct {
	Versions      int // statement versions read
	Organisations int // organisations with a finding
	Registry      int // organisations with a registry claim the text does not bear out
	Templates     int // organisations whose current statement is mostly shared
	Redated       int // organisations whose current statement is re-dated, otherwise unchanged
	Clusters      int
	// Unreadable versions could not be read again; the first error says why.
	Unreadable int
	FirstError error
}

func (s FindingsStats) String() string {
	return fmt.Sprintf("%d statement versions read; %d organisations with findings: %d registry, %d template, %d re-dated; %d families of shared text",
		s.Versions, s.Organisations, s.Registry, s.Templates, s.Redated, s.Clusters)
}

// RefreshFindings makes every organisation's findings again and keeps
// them in the register: what it told the GOV.UK registry set against its
// statements' verdicts, how much of its current statement is found in
// other organisations' statements, and whether that statement is the one
// before it re-dated. Texts come from the register, or are read again
// from the snapshots (and then kept).
func RefreshFindings(ctx context.Context, st *store.Store, opts extract.Options, region func(string) string) (FindingsStats, error) {
	var stats FindingsStats
	claims, err := st.RegistryClaims(ctx)
	if err != nil {
		return stats, err
	}
	var versions []store.VersionRecord
	if err := st.Versions(ctx, 0, func(v store.VersionRecord) error {
		versions = append(versions, v)
		return nil
	}); err != nil {
		return stats, err
	}
	stats.Versions = len(versions)

	// the texts, read in parallel, and the template finder fed as they come
	texts := make([]string, len(versions))
	tmpl := findings.NewTemplates()
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(2, runtime.NumCPU()) {
		wg.Go(func() {
			for i := range next {
				v := &versions[i]
				text, err := versionText(ctx, st, v, opts)
				if err != nil {
					mu.Lock()
					stats.Unreadable++
					if stats.FirstError == nil {
						stats.FirstError = fmt.Errorf("statement %d (%s): %w", v.StatementID, v.URL, err)
					}
					mu.Unlock()
					continue
				}
				texts[i] = text
				tmpl.Add(findings.TemplateDoc{Key: v.StatementID, OrgID: v.OrgID, CompanyNumber: v.Org.CompanyNumber, Name: v.Org.Name, Text: text, Document: v.SHA256})
			}
		})
	}
	for i := range versions {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	tmpl.Build()

	byOrg := map[int64][]int{} // version indexes, by organisation
	for i, v := range versions {
		byOrg[v.OrgID] = append(byOrg[v.OrgID], i)
	}
	out := map[int64]statement.OrgFindings{}
	for org, idx := range byOrg {
		// oldest year first; the current statement last
		slices.SortFunc(idx, func(a, b int) int {
			return cmp.Compare(versions[a].PeriodEnd.Time().Unix(), versions[b].PeriodEnd.Time().Unix())
		})
		cur := idx[len(idx)-1]
		for _, i := range idx {
			if versions[i].Latest {
				cur = i
			}
		}
		v := versions[cur]
		f := statement.OrgFindings{CompanyNumber: v.Org.CompanyNumber, Name: v.Org.Name, Region: regionOf(region, v.Org.Postcode)}
		var fv []findings.Version
		for _, i := range idx {
			fv = append(fv, findings.Version{URL: versions[i].URL, PeriodEnd: versions[i].PeriodEnd, Assessment: versions[i].Assessment})
		}
		f.Registry = findings.Registry(claims[org], fv)
		if tf, ok := tmpl.Find(v.StatementID); ok && tf.Shared >= 0.5 {
			tf = findings.Top(tf)
			f.Template = &tf
		}
		if prev := previous(versions, idx, cur); prev >= 0 && texts[prev] != "" && texts[cur] != "" {
			u := findings.Unchanged(v.Org.Name, texts[prev], texts[cur], versions[prev].PeriodEnd, versions[prev].Assessment, v.Assessment)
			f.Unchanged = &u
		}
		if len(f.Registry) == 0 && f.Template == nil && f.Unchanged == nil {
			continue
		}
		out[org] = f
		if f.Any() {
			stats.Organisations++
		}
		for _, r := range f.Registry {
			if !r.Quiet {
				stats.Registry++
				break
			}
		}
		if f.Template != nil && f.Template.Shared >= statement.TemplateShare {
			stats.Templates++
		}
		if f.Unchanged != nil && f.Unchanged.Redated {
			stats.Redated++
		}
	}
	var clusters [][]statement.SimilarStatement
	for _, c := range tmpl.Clusters() {
		seen := map[int64]bool{}
		var members []statement.SimilarStatement
		for _, m := range c.Members {
			if !seen[m.OrgID] {
				seen[m.OrgID] = true
				members = append(members, statement.SimilarStatement{CompanyNumber: m.CompanyNumber, Name: m.Name})
			}
		}
		if len(members) >= 2 {
			clusters = append(clusters, members)
		}
	}
	stats.Clusters = len(clusters)
	return stats, st.SaveFindings(ctx, out, clusters)
}

// previous is the version before cur in an organisation's versions sorted
// by year: the one whose year ended last before cur's, -1 when none.
func previous(versions []store.VersionRecord, idx []int, cur int) int {
	prev := -1
	for _, i := range idx {
		if i != cur && !versions[i].PeriodEnd.IsZero() && !versions[cur].PeriodEnd.IsZero() &&
			versions[i].PeriodEnd.Time().Before(versions[cur].PeriodEnd.Time()) {
			prev = i
		}
	}
	return prev
}

// versionText is a version's text: kept in the register, or read again
// from its snapshot and kept.
func versionText(ctx context.Context, st *store.Store, v *store.VersionRecord, opts extract.Options) (string, error) {
	if text, ok, err := st.Text(ctx, v.SHA256); err != nil || ok {
		return text, err
	}
	data, err := st.ReadDocument(v.SHA256)
	if err != nil {
		return "", err
	}
	text, err := extract.Bytes(ctx, data, v.URL, v.ContentType, opts)
	if err != nil {
		return "", err
	}
	return text.Body, st.SaveText(ctx, v.SHA256, text.Body)
}

func regionOf(region func(string) string, postcode string) string {
	if region == nil {
		return ""
	}
	return region(postcode)
}

// DraftTemplates is a template finder over the texts kept in the
// register (every statement version's, once findings have been made), for
// telling a draft that it is mostly template text.
func DraftTemplates(ctx context.Context, st *store.Store) (*findings.Templates, error) {
	var versions []store.VersionRecord
	if err := st.Versions(ctx, 0, func(v store.VersionRecord) error {
		versions = append(versions, v)
		return nil
	}); err != nil {
		return nil, err
	}
	t := findings.NewTemplates()
	for _, v := range versions {
		text, ok, err := st.Text(ctx, v.SHA256)
		if err != nil {
			return nil, err
		}
		if ok {
			t.Add(findings.TemplateDoc{Key: v.StatementID, OrgID: v.OrgID, CompanyNumber: v.Org.CompanyNumber, Name: v.Org.Name, Text: text, Document: v.SHA256})
		}
	}
	t.Build()
	return t, nil
}
