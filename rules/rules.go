// Package rules holds the criteria s54 checks statements against, as data:
// one YAML file per criterion (id, title, legal reference, how evidence is
// recognised, advice drawn from the statutory guidance) and a lexicon of
// shared term lists. The default set is embedded; another set can be loaded
// from a directory (for example a stricter future-law profile).
//
// # How evidence is recognised
//
// The checker splits a statement into sentences and matches each against a
// criterion's patterns. A pattern names groups of terms; a sentence matches
// when every group has a term in the sentence (or, for heading groups, in the
// heading of the section the sentence is in), no "none" term occurs (nor a
// "heading_none" term in that heading), and,
// when the pattern has regular expressions, one of them matches the
// lower-cased sentence. Terms are words or phrases, lower-case; a word ending
// in "*" matches any word that starts with it ("train*" matches "training");
// "@name" includes the lexicon list of that name; "<number>" matches any
// word that starts with a digit, "<year>" a year from 1900 to 2099 and
// "<percent>" a number followed by "%" or "per cent".
//
// A matching sentence that states an intention ("we will", "we plan to") or
// a negation ("we have not yet") is not an action: it makes the criterion at
// most partial, unless the pattern allows intentions.
//
// # Score
//
// The score (0–100) never contradicts the rating: each rating has a band,
// below_minimum 0–39, minimum 40–59, good 60–79, strong 80–100. The place
// in the band comes from the weighted criteria: each criterion has a weight;
// the weighted score is the sum of the weights of met criteria plus half the
// weight of partial ones, over the sum of the weights of the criteria that
// apply, times 100. A rating's floor is the least weighted score a
// statement of that rating can have (0; the legal minimum's weights; those
// plus the four lightest areas; those plus all six areas), and the place in
// the band is how far the weighted score goes from that floor towards 100.
// The default weights make the nine text criteria sum to 100 and give crawl
// criteria weight 0, so a statement is placed the same whether it was
// crawled or uploaded, but a crawled statement without its homepage link is
// below the legal minimum and so in the lowest band; an upload, whose link
// cannot be known, is scored on the rest.
package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/s54dev/s54/statement"
)

//go:embed default/*.yaml
var defaultFS embed.FS

// Detectors name the Go code that reads a criterion's evidence. "sentences"
// is the generic pattern matcher; the others parse structure the patterns
// alone cannot (names, dates) and still take their terms from the rule file.
const (
	DetectSentences = "sentences"
	DetectApproval  = "approval"
	DetectSignature = "signature"
	DetectPeriod    = "period"
	DetectTimely    = "timely"
	DetectCrawl     = "crawl"
)

// Checks are the names a pattern's "check" may take.
var Checks = []string{"year_span", "period", "names_policy"}

// Set is a complete rule set.
type Set struct {
	Name     string
	Criteria []Criterion
	// Lexicon holds the shared term lists referred to as "@name".
	Lexicon map[string][]string
	// Modifiers are the term lists that mark a sentence as an intention or
	// a negation rather than an action.
	Modifiers Modifiers
}

// Modifiers recognise sentences that are not actions.
type Modifiers struct {
	// Intention terms: "will", "plan to", "intend".
	Intention []string `yaml:"intention"`
	// Negation terms: "not yet", "have not".
	Negation []string `yaml:"negation"`
	// NegationNear words negate a key term only when they stand just
	// before it ("No training has been given"); they are single words.
	NegationNear []string `yaml:"negation_near"`
	// Continuation terms turn an intention back into an action: "we will
	// continue to train" says training happens now.
	Continuation []string `yaml:"continuation"`
	// PlanHeadings are headings of sections that list plans ("Next
	// steps", "Our priorities for 2025"): what they hold is an intention.
	// A list introduced by a sentence with an intention ("Over the next
	// year we will:") is treated the same way.
	PlanHeadings []string `yaml:"plan_headings"`
	// PassiveFuture terms ("will be provided") make the key term before
	// them an intention anywhere in its clause: "Training on this policy
	// and on the risks we face will be provided as necessary".
	PassiveFuture []string `yaml:"passive_future"`
}

// Criterion is one rule.
type Criterion struct {
	ID          statement.CriterionID `yaml:"id"`
	Title       string                `yaml:"title"`
	Ref         string                `yaml:"ref"`
	AppliesTo   string                `yaml:"applies_to"` // text, crawl, text+crawl
	Minimum     bool                  `yaml:"minimum"`
	Area        bool                  `yaml:"area"`
	Weight      int                   `yaml:"weight"`
	Detector    string                `yaml:"detector"`
	Description string                `yaml:"description"`
	Patterns    []Pattern             `yaml:"patterns"`
	// Met is how many distinct evidence sentences make the criterion met;
	// fewer make it partial. Default 1.
	Met int `yaml:"met"`
	// OneWeightPerSentence: a sentence counts with the weight of the
	// strongest pattern it matches, not their sum. For due diligence,
	// "we carry out appropriate checks on new suppliers and monitor our
	// supply chain" gestures at two processes and describes neither; for
	// structure a sentence that says what the business is and where it
	// operates says two things.
	OneWeightPerSentence bool `yaml:"one_weight_per_sentence"`
	// Roles, for the signature detector: the senior roles that may sign.
	Roles []string `yaml:"roles"`
	// JuniorRoles, for the signature detector: titles that contain a senior
	// word but are not senior ("vice president", "head of").
	JuniorRoles []string `yaml:"junior_roles"`
	// SecretaryRoles, for the signature detector: roles that sign for the
	// board rather than as a director ("Company Secretary"); they count
	// only with a BoardCue close by ("for and on behalf of the Board").
	SecretaryRoles []string `yaml:"secretary_roles"`
	BoardCue       []string `yaml:"board_cue"`
	// OtherRoles, for the signature detector: titles of people who sign
	// but are not directors ("General Manager"); with the junior roles,
	// a sign-off by one makes the signature partial, with a reason.
	OtherRoles []string `yaml:"other_roles"`
	// LetterHeadings, for the signature detector: headings of a letter
	// that opens a statement ("Foreword", "A message from our Chair"),
	// which ends with its writer's name and title as a sign-off.
	LetterHeadings []string `yaml:"letter_headings"`
	// Context, for the signature detector: words that show a name and role
	// are a sign-off ("signed", "signature", "name:").
	Context []string `yaml:"context"`
	// Exclude, for the signature detector: words that show a name and role
	// are something else (contact details, who is responsible).
	Exclude []string `yaml:"exclude"`
	// NonNames, for the signature detector: capitalised words that are not
	// part of a person's name.
	NonNames []string `yaml:"non_names"`
	// Advice tells a business what to do when the criterion is not met.
	Advice string `yaml:"advice"`
	// Guidance cites the statutory guidance the advice comes from.
	Guidance string `yaml:"guidance"`
}

// Pattern recognises one kind of evidence sentence.
type Pattern struct {
	Name string `yaml:"name"`
	// All: every group must have a term in the sentence.
	All [][]string `yaml:"all"`
	// Sequence: groups whose terms must occur in this order, each at most
	// Gap words after the previous one ("41 supplier audits were carried
	// out": a number, then audits, then a verb of completion). Cheaper and
	// clearer than a regular expression for the same thing.
	Sequence [][]string `yaml:"sequence"`
	Gap      int        `yaml:"gap"`
	// Heading: a group that must have a term in the section heading.
	Heading []string `yaml:"heading"`
	// HeadingNone: terms that disqualify a sentence when its section's
	// heading holds one: a section "Due diligence in our supply chain" is
	// not the one that describes the supply chain.
	HeadingNone []string `yaml:"heading_none"`
	// Near: a group that must have a term in the sentence, its heading or
	// one of the NearSpans sentences before it ("Supervisors are trained
	// to spot the signs." after a paragraph on modern slavery).
	Near      []string `yaml:"near"`
	NearSpans int      `yaml:"near_spans"`
	// None: terms that disqualify the sentence.
	None []string `yaml:"none"`
	// Regex: when present, one must match the lower-cased sentence.
	Regex []string `yaml:"regex"`
	// Intentions: a sentence that states an intention still counts.
	Intentions bool `yaml:"intentions"`
	// PassiveFuture: a passive future anywhere after the key term in its
	// clause ("training ... will be provided") makes the sentence an
	// intention. Off by default: "our policy applies to all staff and will
	// be reviewed each year" describes a policy in force.
	PassiveFuture bool `yaml:"passive_future"`
	// Headings: a heading line may be the evidence (a title that names the
	// financial year, say). By default only sentences and list items are.
	Headings bool `yaml:"headings"`
	// Weight: how many evidence sentences this one counts for (default 1).
	Weight int `yaml:"weight"`
	// Check names a test in Go code that a matching sentence must also
	// pass, for what a regular expression cannot say: "year_span" (the
	// years of "2021/22" are consecutive), "period" (the sentence names a
	// period the checker can read), "names_policy" (the sentence names a
	// policy of its own kind or a code, not only "our policies").
	Check string `yaml:"check"`

	compiled []*regexp.Regexp
}

// Compiled returns the pattern's regular expressions, compiled at load.
func (p *Pattern) Compiled() []*regexp.Regexp { return p.compiled }

// AppliesToText reports whether the criterion is judged from the text.
func (c *Criterion) AppliesToText() bool { return strings.Contains(c.AppliesTo, "text") }

// AppliesToCrawl reports whether the criterion needs crawl facts.
func (c *Criterion) AppliesToCrawl() bool { return strings.Contains(c.AppliesTo, "crawl") }

// Criterion returns the criterion with id, or nil.
func (s *Set) Criterion(id statement.CriterionID) *Criterion {
	for i := range s.Criteria {
		if s.Criteria[i].ID == id {
			return &s.Criteria[i]
		}
	}
	return nil
}

// Expand returns terms with "@name" references replaced by lexicon lists.
func (s *Set) Expand(terms []string) []string {
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		if name, ok := strings.CutPrefix(t, "@"); ok {
			out = append(out, s.Expand(s.Lexicon[name])...)
			continue
		}
		out = append(out, t)
	}
	return out
}

// Default returns the embedded rule set.
func Default() (*Set, error) {
	sub, err := fs.Sub(defaultFS, "default")
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return Load(sub, "default")
}

// MustDefault returns the embedded rule set and panics when it is invalid,
// which the tests make impossible for a released binary.
func MustDefault() *Set {
	s, err := Default()
	if err != nil {
		panic(err)
	}
	return s
}

// Export writes the embedded rule files to dir, as a starting point for a
// rule set of one's own. Existing files are not overwritten.
func Export(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	names, err := fs.Glob(defaultFS, "default/*.yaml")
	if err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	for _, n := range names {
		data, err := defaultFS.ReadFile(n)
		if err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		f, err := os.OpenFile(filepath.Join(dir, path.Base(n)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("rules: %w", werr)
		}
	}
	return nil
}

// LoadDir loads a rule set from a directory of YAML files.
func LoadDir(dir string) (*Set, error) {
	return Load(os.DirFS(dir), dir)
}

// file is the shape of one YAML file: a criterion, or the lexicon.
type file struct {
	Criterion `yaml:",inline"`
	Lexicon   map[string][]string `yaml:"lexicon"`
	Modifiers *Modifiers          `yaml:"modifiers"`
}

// Load reads every *.yaml file of fsys. A file with a "lexicon" or
// "modifiers" key holds shared terms; every other file holds one criterion.
func Load(fsys fs.FS, name string) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("rules: %s: %w", name, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("rules: %s: no .yaml rule files", name)
	}
	sort.Strings(names)
	set := &Set{Name: name, Lexicon: map[string][]string{}}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		var f file
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("rules: %s: %w", path.Join(name, n), err)
		}
		if f.Lexicon != nil || f.Modifiers != nil {
			for k, v := range f.Lexicon {
				set.Lexicon[k] = v
			}
			if f.Modifiers != nil {
				set.Modifiers = *f.Modifiers
			}
			continue
		}
		set.Criteria = append(set.Criteria, f.Criterion)
	}
	if err := set.Validate(); err != nil {
		return nil, fmt.Errorf("rules: %s: %w", name, err)
	}
	set.order()
	return set, nil
}

// order sorts criteria as DESIGN.md lists them; unknown ids go last by id.
func (s *Set) order() {
	rank := map[statement.CriterionID]int{}
	all := append(slices.Clone(statement.TextCriteria), statement.HomepageLink, statement.Timely, statement.Current)
	for i, id := range all {
		rank[id] = i + 1
	}
	sort.SliceStable(s.Criteria, func(i, j int) bool {
		ri, rj := rank[s.Criteria[i].ID], rank[s.Criteria[j].ID]
		if ri == 0 {
			ri = 1 << 30
		}
		if rj == 0 {
			rj = 1 << 30
		}
		if ri != rj {
			return ri < rj
		}
		return s.Criteria[i].ID < s.Criteria[j].ID
	})
}

// Validate checks the set is usable and compiles its regular expressions.
func (s *Set) Validate() error {
	var errs []error
	seen := map[statement.CriterionID]bool{}
	for i := range s.Criteria {
		c := &s.Criteria[i]
		where := fmt.Sprintf("criterion %q", c.ID)
		switch {
		case c.ID == "":
			errs = append(errs, fmt.Errorf("criterion %d (%s): no id", i+1, c.Title))
			continue
		case seen[c.ID]:
			errs = append(errs, fmt.Errorf("%s: defined twice", where))
		}
		seen[c.ID] = true
		if c.Title == "" || c.Ref == "" {
			errs = append(errs, fmt.Errorf("%s: title and ref are required", where))
		}
		if c.AppliesTo != "text" && c.AppliesTo != "crawl" && c.AppliesTo != "text+crawl" {
			errs = append(errs, fmt.Errorf("%s: applies_to must be text, crawl or text+crawl, not %q", where, c.AppliesTo))
		}
		if c.Detector == "" {
			c.Detector = DetectSentences
		}
		switch c.Detector {
		case DetectSentences, DetectApproval, DetectPeriod:
			if len(c.Patterns) == 0 {
				errs = append(errs, fmt.Errorf("%s: detector %s needs patterns", where, c.Detector))
			}
		case DetectSignature, DetectTimely, DetectCrawl:
		default:
			errs = append(errs, fmt.Errorf("%s: unknown detector %q", where, c.Detector))
		}
		if c.Detector == DetectSignature && len(c.Roles) == 0 {
			errs = append(errs, fmt.Errorf("%s: the signature detector needs roles", where))
		}
		if c.Advice == "" {
			errs = append(errs, fmt.Errorf("%s: advice is required", where))
		}
		if c.Weight < 0 {
			errs = append(errs, fmt.Errorf("%s: negative weight", where))
		}
		if c.Met <= 0 {
			c.Met = 1
		}
		for j := range c.Patterns {
			p := &c.Patterns[j]
			pw := fmt.Sprintf("%s pattern %d (%s)", where, j+1, p.Name)
			if len(p.All) == 0 && len(p.Heading) == 0 && len(p.Regex) == 0 && len(p.Sequence) == 0 {
				errs = append(errs, fmt.Errorf("%s: needs all, sequence, heading or regex", pw))
			}
			if len(p.Sequence) > 0 && p.Gap <= 0 {
				p.Gap = 6
			}
			if p.Weight <= 0 {
				p.Weight = 1
			}
			if p.Check != "" && !slices.Contains(Checks, p.Check) {
				errs = append(errs, fmt.Errorf("%s: unknown check %q (known: %s)", pw, p.Check, strings.Join(Checks, ", ")))
			}
			if len(p.Near) > 0 && p.NearSpans <= 0 {
				p.NearSpans = 2
			}
			for _, g := range slices.Concat(p.All, p.Sequence, [][]string{p.Heading, p.HeadingNone, p.None, p.Near}) {
				for _, t := range g {
					if err := s.checkTerm(t); err != nil {
						errs = append(errs, fmt.Errorf("%s: %w", pw, err))
					}
				}
			}
			p.compiled = p.compiled[:0]
			for _, r := range p.Regex {
				re, err := regexp.Compile(r)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", pw, err))
					continue
				}
				p.compiled = append(p.compiled, re)
			}
		}
	}
	for _, id := range statement.TextCriteria {
		if !seen[id] {
			errs = append(errs, fmt.Errorf("criterion %q is missing", id))
		}
	}
	for _, t := range slices.Concat(s.Modifiers.Intention, s.Modifiers.Negation, s.Modifiers.Continuation, s.Modifiers.PlanHeadings, s.Modifiers.PassiveFuture, s.Modifiers.NegationNear) {
		if err := s.checkTerm(t); err != nil {
			errs = append(errs, fmt.Errorf("modifiers: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (s *Set) checkTerm(t string) error {
	if name, ok := strings.CutPrefix(t, "@"); ok {
		if _, ok := s.Lexicon[name]; !ok {
			return fmt.Errorf("unknown lexicon list %q", t)
		}
		return nil
	}
	if strings.TrimSpace(t) == "" {
		return errors.New("empty term")
	}
	if t == "<number>" || t == "<year>" || t == "<percent>" {
		return nil
	}
	if t != strings.ToLower(t) {
		return fmt.Errorf("term %q must be lower-case", t)
	}
	return nil
}
