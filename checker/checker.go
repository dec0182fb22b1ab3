// Package checker scores the text of a slavery and human trafficking
// statement against a rule set: for each criterion a status with the
// sentences that prove it and their byte offsets, the period covered, who
// signed and who approved, a score and a rating. It is pure and
// deterministic: the same text and rules give the same assessment.
package checker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/s54dev/s54/rules"
	"github.com/s54dev/s54/statement"
)

// MaxTextBytes bounds the text checked: the longest real statements are a
// few hundred kilobytes; anything far longer is not a statement, and
// checking it whole would only cost time and memory.
const MaxTextBytes = 4 << 20

// Checker applies one rule set. It is safe for concurrent use.
type Checker struct {
	set      *rules.Set
	m        *matcher
	criteria []compiledCriterion
	// modifier groups
	intention, negation, continuation, planHeading, passiveFuture int
	negationNear                                                  map[string]bool
	// topic is the lexicon's "slavery" list, to tell a statement from
	// another document (a privacy policy, a carbon reduction plan)
	topic int
	// signature detector groups
	roleGroup, juniorGroup, sigContext, sigExclude int
	otherRoleGroup, letterGroup                    int
	secretaryGroup, boardCueGroup                  int
	nonNameWords                                   map[string]bool
	// kg: what tells a statement from another document (kind.go)
	kg kindGroups
	// rulesID: the set's name and a hash of its content
	rulesID string
	// glueVocab: the words glued tokens are cut into (glue.go)
	glueVocab map[string]bool
}

type compiledCriterion struct {
	rule     *rules.Criterion
	patterns []compiledPattern
}

// New compiles a rule set for checking.
func New(set *rules.Set) (*Checker, error) {
	if set == nil {
		return nil, fmt.Errorf("checker: no rule set")
	}
	if err := set.Validate(); err != nil {
		return nil, fmt.Errorf("checker: %w", err)
	}
	c := &Checker{set: set, m: newMatcher(), roleGroup: -1, juniorGroup: -1, sigContext: -1, sigExclude: -1,
		secretaryGroup: -1, boardCueGroup: -1, otherRoleGroup: -1, letterGroup: -1}
	c.intention = c.m.addGroup(set.Expand(set.Modifiers.Intention))
	c.negation = c.m.addGroup(set.Expand(set.Modifiers.Negation))
	c.continuation = c.m.addGroup(set.Expand(set.Modifiers.Continuation))
	c.planHeading = c.m.addGroup(set.Expand(set.Modifiers.PlanHeadings))
	c.passiveFuture = c.m.addGroup(set.Expand(set.Modifiers.PassiveFuture))
	c.negationNear = map[string]bool{}
	for _, w := range set.Expand(set.Modifiers.NegationNear) {
		c.negationNear[w] = true
	}
	c.topic = -1
	if _, ok := set.Lexicon["slavery"]; ok {
		c.topic = c.m.addGroup(set.Expand([]string{"@slavery"}))
	}
	c.compileKinds(set)
	c.glueVocab = glueVocab(set)
	content, err := json.Marshal(struct {
		C []rules.Criterion
		L map[string][]string
		M rules.Modifiers
	}{set.Criteria, set.Lexicon, set.Modifiers})
	if err != nil {
		return nil, fmt.Errorf("checker: %w", err)
	}
	sum := sha256.Sum256(content)
	c.rulesID = set.Name + "@" + hex.EncodeToString(sum[:4])
	for i := range set.Criteria {
		r := &set.Criteria[i]
		cc := compiledCriterion{rule: r}
		for j := range r.Patterns {
			cc.patterns = append(cc.patterns, compilePattern(c.m, set, &r.Patterns[j]))
		}
		if r.Detector == rules.DetectSignature {
			c.roleGroup = c.m.addGroup(set.Expand(r.Roles))
			c.juniorGroup = c.m.addGroup(set.Expand(r.JuniorRoles))
			c.sigContext = c.m.addGroup(set.Expand(r.Context))
			c.sigExclude = c.m.addGroup(set.Expand(r.Exclude))
			c.nonNameWords = c.nonNames(r.NonNames, r.Roles)
			c.secretaryGroup = c.m.addGroup(set.Expand(r.SecretaryRoles))
			c.boardCueGroup = c.m.addGroup(set.Expand(r.BoardCue))
			if len(r.LetterHeadings) > 0 {
				c.letterGroup = c.m.addGroup(set.Expand(r.LetterHeadings))
			}
			if len(r.OtherRoles)+len(r.JuniorRoles) > 0 {
				c.otherRoleGroup = c.m.addGroup(set.Expand(append(append([]string{}, r.OtherRoles...), r.JuniorRoles...)))
			}
		}
		c.criteria = append(c.criteria, cc)
	}
	return c, nil
}

// Default returns a checker for the embedded rule set.
func Default() *Checker {
	c, err := New(rules.MustDefault())
	if err != nil {
		panic(err) // the embedded rules are validated by the tests
	}
	return c
}

// Rules returns the rule set the checker applies.
func (c *Checker) Rules() *rules.Set { return c.set }

// RulesID names the rule set and its content ("default@1f2e3d4c"): what
// the register records with each assessment, so that a change of rules
// shows, and s54 recheck can put every statement on the new scale.
func (c *Checker) RulesID() string { return c.rulesID }

// Facts are what the crawler knows about a statement beyond its text. A nil
// field means unknown: the crawl criteria are then not applicable.
type Facts struct {
	// HomepageLink: a link to the statement was found on the homepage.
	HomepageLink *bool
	// Now is the time the statement was checked; it decides `current`.
	// Zero means the check is not a crawl and `current` does not apply.
	Now time.Time
}

// Check assesses a text with no crawl facts, as for a draft.
func (c *Checker) Check(t statement.Text) statement.Assessment {
	return c.CheckWith(t, Facts{})
}

// CheckWith assesses a text with what the crawler learned.
func (c *Checker) CheckWith(t statement.Text, f Facts) statement.Assessment {
	body := t.Body
	notes := append([]string(nil), t.Notes...)
	if len(body) > MaxTextBytes {
		cut := MaxTextBytes
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		body = body[:cut]
		notes = append(notes, fmt.Sprintf("the text is %d MB: only the first %d MB were checked", len(t.Body)>>20, MaxTextBytes>>20))
	}
	d := c.analyse(body)
	a := statement.Assessment{
		Source: t.Source,
		Format: t.Format,
		Words:  d.words,
		Notes:  notes,
	}
	for i := range c.criteria {
		cc := &c.criteria[i]
		r := cc.rule
		fd := statement.Finding{ID: r.ID, Title: r.Title, Ref: r.Ref, Evidence: []statement.Evidence{}}
		switch r.Detector {
		case rules.DetectSentences:
			c.detectSentences(d, cc, &fd)
		case rules.DetectApproval:
			c.detectSentences(d, cc, &fd)
			a.Approved = approvalRecord(d, &fd)
		case rules.DetectPeriod:
			c.detectSentences(d, cc, &fd)
			a.Period = periodCovered(d, &fd)
		case rules.DetectSignature:
			a.SignedBy = c.detectSignature(d, cc, &fd)
		}
		a.Criteria = append(a.Criteria, fd)
	}
	// Criteria that depend on others are decided once those are known.
	for i := range a.Criteria {
		fd := &a.Criteria[i]
		switch c.criteria[i].rule.Detector {
		case rules.DetectTimely:
			decideTimely(&a, fd)
		case rules.DetectCrawl:
			decideCrawl(fd, f, a.Period)
		}
		if fd.Status == statement.Missing || fd.Status == statement.Partial {
			fd.Advice = strings.TrimSpace(c.criteria[i].rule.Advice)
		}
	}
	c.guidanceNotes(d, &a)
	a.NotStatement = c.classify(d, &a)
	a.IsStatement = a.NotStatement == nil
	if !a.IsStatement {
		return a
	}
	a.Rating = c.rate(&a)
	a.Score = c.bandScore(a.Rating, c.score(&a))
	if d.words < 50 {
		a.Notes = append(a.Notes, fmt.Sprintf("only %d words: this does not look like a full statement", d.words))
	}
	return a
}

// doc is a text prepared for matching.
type doc struct {
	body   string
	spans  []span
	toks   []token
	tokOf  [][2]int // token range of each span
	groups []bitset
	hits   [][]hit
	words  int
	texts  []string // span text with collapsed spaces, filled lazily
	// periods caches parsePeriod of each span: 0 not parsed, 1 none, 2 found
	periods    []uint8
	periodVals []*statement.FinancialPeriod
	periodExct []bool
	lower      []string // lower-cased span text, filled lazily
}

func (c *Checker) analyse(body string) *doc {
	d := &doc{body: body, spans: segment(body)}
	d.toks = make([]token, 0, len(body)/6)
	d.tokOf = make([][2]int, len(d.spans))
	d.groups = make([]bitset, len(d.spans))
	d.hits = make([][]hit, len(d.spans))
	d.lower = make([]string, len(d.spans))
	d.texts = make([]string, len(d.spans))
	d.periods = make([]uint8, len(d.spans))
	d.periodVals = make([]*statement.FinancialPeriod, len(d.spans))
	d.periodExct = make([]bool, len(d.spans))
	words := (c.m.groups + 63) / 64
	backing := make([]uint64, words*len(d.spans))
	memo := make(map[string][]int32, 512)
	for i, s := range d.spans {
		from := len(d.toks)
		d.toks = tokenize(body[s.start:s.end], s.start, d.toks)
		d.tokOf[i] = [2]int{from, len(d.toks)}
	}
	if toks := c.unglue(d.toks, d.spans, d.tokOf); len(toks) != len(d.toks) {
		d.toks = toks
		k := 0
		for i, s := range d.spans {
			from := k
			for k < len(toks) && toks[k].start < s.end {
				k++
			}
			d.tokOf[i] = [2]int{from, k}
		}
	}
	for i := range d.spans {
		from, to := d.tokOf[i][0], d.tokOf[i][1]
		d.groups[i] = bitset(backing[i*words : (i+1)*words])
		d.hits[i] = c.m.scan(body, d.toks[from:to], d.groups[i], nil, memo)
	}
	d.words = len(d.toks)
	return d
}

// text returns the sentence i with its whitespace collapsed.
func (d *doc) text(i int) string {
	if d.texts[i] == "" {
		d.texts[i] = strings.Join(strings.Fields(d.body[d.spans[i].start:d.spans[i].end]), " ")
	}
	return d.texts[i]
}

// ligatures are undone for the regular expressions of the rules, as the
// tokenizer undoes them for terms.
var ligatures = strings.NewReplacer("ﬁ", "fi", "ﬂ", "fl", "ﬀ", "ff", "ﬃ", "ffi", "ﬄ", "ffl", "’", "'")

func (d *doc) lowerText(i int) string {
	if d.lower[i] == "" {
		d.lower[i] = ligatures.Replace(strings.ToLower(d.text(i)))
		if d.glued(i) {
			// the rules' expressions read words with spaces between them
			var b strings.Builder
			for _, t := range d.toks[d.tokOf[i][0]:d.tokOf[i][1]] {
				b.WriteString(t.word)
				b.WriteByte(' ')
			}
			d.lower[i] = b.String()
		}
	}
	return d.lower[i]
}

// glued reports whether sentence i holds words cut out of glued text.
func (d *doc) glued(i int) bool {
	for _, t := range d.toks[d.tokOf[i][0]:d.tokOf[i][1]] {
		if t.glued {
			return true
		}
	}
	return false
}

func (d *doc) evidence(i int) statement.Evidence {
	s := d.spans[i]
	return statement.Evidence{Text: d.text(i), Offset: s.start, Length: s.end - s.start}
}

// countSpans counts the spans with a term of group g.
func (d *doc) countSpans(g int) int {
	n := 0
	for i := range d.groups {
		if d.groups[i].has(g) {
			n++
		}
	}
	return n
}

// spanAt returns the index of the span that starts at offset.
func (d *doc) spanAt(offset int) int {
	return sort.Search(len(d.spans), func(i int) bool { return d.spans[i].start >= offset })
}

// headingGroups returns the groups of the heading span i sits under.
func (d *doc) headingGroups(i int) bitset {
	if h := d.spans[i].section; h >= 0 {
		return d.groups[h]
	}
	return nil
}

// An intention or negation word counts when it is in the same clause as
// the pattern's key term, before it or at most modifierAfter words after it.
// A whole-sentence test would wrongly discount "our policy, which states
// we will not tolerate slavery" or "we trained 40 buyers and will train
// more next year".
const (
	modifierBefore = 25
	modifierAfter  = 4
)

// nearMatches reports whether the pattern's near group has a term in span
// i, its heading, or the spans just before it in the same section.
func (d *doc) nearMatches(i int, p *compiledPattern) bool {
	if p.near < 0 {
		return true
	}
	if d.groups[i].has(p.near) {
		return true
	}
	if h := d.spans[i].section; h >= 0 && d.groups[h].has(p.near) {
		return true
	}
	for k := i - 1; k >= 0 && k >= i-p.src.NearSpans && d.spans[k].section == d.spans[i].section; k-- {
		if d.groups[k].has(p.near) {
			return true
		}
	}
	return false
}

// modality says whether a matching sentence reports an action, states an
// intention ("we will introduce training"), or says the thing was not done
// ("we have not carried out a risk assessment", "no training has been
// given").
type modality int

const (
	action modality = iota
	intended
	negated
)

// modalityOf judges the pattern's key terms in sentence i: an action unless
// every occurrence of the key term has an intention or a negation in its
// clause, and no continuation word ("we will continue to") with it.
func (c *Checker) modalityOf(d *doc, i int, p *compiledPattern, area bool) modality {
	if area && c.inPlans(d, i) {
		return intended
	}
	hits := d.hits[i]
	key := -1
	switch {
	case len(p.all) > 0:
		key = p.all[0]
	case len(p.seq) > 0:
		key = p.seq[0]
	}
	anchored := false
	worst := action
	prev, prevMod := -1, action // the previous key term, which was modified, and how
	title := d.leadingTitle(i)
	for _, h := range hits {
		if key >= 0 && h.group != key || h.tok < title {
			continue
		}
		anchored = true
		// "we will provide training ..., comprising online training": a
		// later key term in the same clause shares the earlier modal.
		m := action
		if prev >= 0 && d.clauseStart(i, h.tok, h.tok-prev+1) <= prev {
			m = prevMod
		} else {
			m = c.modified(d, i, d.clauseStart(i, h.tok, modifierBefore), d.clauseEnd(i, h.end, modifierAfter))
			if m == action && d.negatedNear(i, h.tok, c.negationNear) {
				m = negated
			}
			if m == action && p.src.PassiveFuture && c.passiveFutureAfter(d, i, h.end) {
				m = intended
			}
			if m == action && c.listIntroIntends(d, i, h.tok) {
				m = intended
			}
		}
		if m == action {
			return action
		}
		worst = max(worst, m)
		prev, prevMod = h.tok, m
	}
	if !anchored { // a heading-only pattern, or the key only in the title: judge the whole sentence
		return c.modified(d, i, title, 1<<30)
	}
	return worst
}

// leadingTitle returns how many tokens at the start of span i are a
// heading run into the sentence, as text that lost its line breaks gives
// them ("Due diligence processes As part of our work we will ...") or as
// a label ("Risk assessments: the company will ..."), or a heading whose
// first word opens the sentence again ("Training on modern slavery Training
// on our policy may form part of ..."); 0 when none. A key
// term in the title says nothing of whether the thing was done: the
// sentence after it does.
func (d *doc) leadingTitle(i int) int {
	base, end := d.tokOf[i][0], d.tokOf[i][1]
	n := end - base
	for k := 1; k <= maxTitleWords && k < n-2; k++ {
		prev, t := d.toks[base+k-1], d.toks[base+k]
		between := d.body[prev.end:t.start]
		if strings.Contains(between, ":") {
			return k // "Risk assessments: ..."
		}
		if strings.TrimSpace(between) != "" || t.glued || prev.glued {
			return 0 // a title has no other punctuation
		}
		first := d.body[t.start]
		opens := sentenceOpeners[t.word] || t.word == d.toks[base].word // "Training on X Training on our policy ..."
		if opens && first >= 'A' && first <= 'Z' && !headingStop[prev.word] &&
			d.body[prev.start] >= 'a' && d.body[prev.start] <= 'z' {
			return k // "... processes As part of ..."
		}
	}
	return 0
}

// maxTitleWords bounds a title run into the sentence after it.
const maxTitleWords = 8

// sentenceOpeners are the words that open a sentence after a heading lost
// its line break; a proper noun after a lower-case word ("the Modern
// Slavery Act") is not one of them.
var sentenceOpeners = map[string]bool{
	"we": true, "our": true, "as": true, "in": true, "the": true, "this": true, "all": true, "it": true,
	"to": true, "during": true, "since": true, "following": true, "each": true, "every": true, "where": true,
	"when": true, "there": true, "these": true, "any": true, "no": true,
}

// listIntroIntends reports whether token k of span i is in a list that an
// intention introduces in the same sentence, after a colon: "Next year we
// will review the following areas: training for staff; supplier audits".
// The items are plans, as the items of a list under "we will:" on lines of
// their own are (inPlans); "we will continue to:" introduces work in hand.
func (c *Checker) listIntroIntends(d *doc, i, k int) bool {
	base := d.tokOf[i][0]
	toks := d.toks[base:d.tokOf[i][1]]
	for j := k; j > 0; j-- {
		if strings.Contains(d.body[toks[j-1].end:toks[j].start], ":") {
			return c.modified(d, i, 0, j) == intended
		}
	}
	return false
}

// negatedNear reports whether one of words stands in the few tokens just
// before token k of span i: "No training", "none of our staff have had
// training". Farther away "no" negates something else ("we ensure no
// child labour is used and train all staff").
func (d *doc) negatedNear(i, k int, words map[string]bool) bool {
	base := d.tokOf[i][0]
	for j := max(0, k-negationNearWords); j < k; j++ {
		if words[d.toks[base+j].word] {
			return true
		}
	}
	return false
}

// negationNearWords is how close "no" must be to negate a key term.
const negationNearWords = 3

// inPlans reports whether span i sits in a section of plans ("Next
// steps") or is an item of a list introduced by an intention ("In the
// coming year we will:"), unless it says the work continues.
func (c *Checker) inPlans(d *doc, i int) bool {
	if d.groups[i].has(c.continuation) {
		return false
	}
	if h := d.spans[i].section; h >= 0 && d.groups[h].has(c.planHeading) {
		return true
	}
	if !d.spans[i].bullet {
		return false
	}
	for k := i - 1; k >= 0 && k >= i-40; k-- {
		if d.spans[k].bullet {
			continue
		}
		if d.spans[k].heading || d.spans[k].section != d.spans[i].section {
			return false
		}
		intro := strings.TrimSpace(d.body[d.spans[k].start:d.spans[k].end])
		return strings.HasSuffix(intro, ":") && (d.groups[k].has(c.intention) || d.groups[k].has(c.planHeading)) &&
			!d.groups[k].has(c.continuation)
	}
	return false
}

// clauseStart returns the first token of the clause holding token k of
// span i, looking back at most limit tokens. Colons, semicolons and
// bullets end clauses; commas do not ("In addition, we will train").
func (d *doc) clauseStart(i, k, limit int) int {
	base := d.tokOf[i][0]
	toks := d.toks[base:d.tokOf[i][1]]
	for j := k; j > 0 && j > k-limit; j-- {
		between := d.body[toks[j-1].end:toks[j].start]
		if strings.ContainsAny(between, ";:•") || strings.Contains(between, ". ") {
			return j
		}
	}
	return max(0, k-limit)
}

// passiveFutureAfter reports whether a passive future ("will be
// provided") follows token k of span i in the same clause, where only
// punctuation ends the clause: the key term is its subject.
func (c *Checker) passiveFutureAfter(d *doc, i, k int) bool {
	base := d.tokOf[i][0]
	toks := d.toks[base:d.tokOf[i][1]]
	end := k
	for end < len(toks) && end < k+passiveWindow {
		if end > 0 && strings.ContainsAny(d.body[toks[end-1].end:toks[end].start], ";:•.") {
			break
		}
		end++
	}
	for _, h := range d.hits[i] {
		if h.group == c.passiveFuture && h.tok >= k && h.tok < end {
			// "we will be training" has a subject of its own before it
			if h.tok > 0 && (toks[h.tok-1].word == "we" || toks[h.tok-1].word == "they") {
				continue
			}
			return true
		}
	}
	return false
}

// passiveWindow bounds how far after its key term a passive future counts.
const passiveWindow = 25

// clauseEnd returns the token after the clause holding tokens from k of
// span i, looking ahead at most limit tokens. "and" and "but" end it too:
// "the board approved it and will update it annually".
func (d *doc) clauseEnd(i, k, limit int) int {
	base := d.tokOf[i][0]
	toks := d.toks[base:d.tokOf[i][1]]
	for j := k; j < len(toks) && j < k+limit; j++ {
		if w := toks[j].word; w == "and" || w == "but" {
			return j
		}
		if j > 0 {
			between := d.body[toks[j-1].end:toks[j].start]
			if strings.ContainsAny(between, ";:•") || strings.Contains(between, ". ") {
				return j
			}
		}
	}
	return k + limit
}

// modified reports whether tokens [from, to) of span i hold a negation,
// or an intention without a continuation.
func (c *Checker) modified(d *doc, i, from, to int) modality {
	intent, cont := false, false
	hits := d.hits[i]
	for _, h := range hits {
		if h.tok < from || h.tok >= to {
			continue
		}
		switch h.group {
		case c.negation:
			return negated
		case c.intention:
			if !d.isMonthMay(i, h.tok) {
				intent = true
			}
		case c.continuation:
			cont = true
		}
	}
	if intent && !cont {
		return intended
	}
	return action
}

// isMonthMay reports whether token k of span i is the month "May" ("in May
// 2022", "31 May") rather than the verb.
func (d *doc) isMonthMay(i, k int) bool {
	base, end := d.tokOf[i][0], d.tokOf[i][1]
	if d.toks[base+k].word != "may" {
		return false
	}
	isNum := func(j int) bool {
		if j < base || j >= end {
			return false
		}
		w := d.toks[j].word
		return w != "" && w[0] >= '0' && w[0] <= '9'
	}
	return isNum(base+k-1) || isNum(base+k+1)
}

// maxEvidence bounds the evidence listed per criterion.
const maxEvidence = 50

// detectSentences applies the generic pattern matcher.
func (c *Checker) detectSentences(d *doc, cc *compiledCriterion, fd *statement.Finding) {
	weight, intentions, negations := 0, 0, 0
	firstIntention, firstNegation := -1, -1
	for i := range d.spans {
		if c.statesTheLaw(d, i) {
			continue
		}
		// A sentence counts once, with the weights of every pattern it
		// matches: "X is a brokerage headquartered in London with offices
		// in Asia" describes both the business and where it operates.
		w := 0
		for pi := range cc.patterns {
			p := &cc.patterns[pi]
			if d.spans[i].heading && !p.src.Headings {
				continue
			}
			if !p.matches(d.groups[i], d.headingGroups(i)) || !p.sequenceMatches(d.hits[i]) || !d.nearMatches(i, p) || !c.regexMatches(d, i, p) || !d.passesCheck(p.src.Check, i) {
				continue
			}
			if !p.src.Intentions {
				switch c.modalityOf(d, i, p, cc.rule.Area) {
				case intended:
					intentions++
					if firstIntention < 0 {
						firstIntention = i
					}
					continue
				case negated:
					negations++
					if firstNegation < 0 {
						firstNegation = i
					}
					continue
				}
			}
			if cc.rule.OneWeightPerSentence {
				w = max(w, p.src.Weight)
			} else {
				w += p.src.Weight
			}
		}
		if w > 0 && !counted(d, fd.Evidence, i) {
			weight += w
			if len(fd.Evidence) < maxEvidence {
				fd.Evidence = append(fd.Evidence, d.evidence(i))
			}
		}
	}
	switch {
	case weight >= cc.rule.Met:
		fd.Status = statement.Met
	case weight > 0:
		fd.Status = statement.Partial
		fd.Note = "some evidence, but not enough to meet the criterion"
	case intentions > 0:
		fd.Status = statement.Partial
		fd.Note = "only intentions or plans found, not actions taken"
		fd.Evidence = append(fd.Evidence, d.evidence(firstIntention))
	case negations > 0:
		// the statement says it was not done: missing, with the sentence
		// that says so
		fd.Status = statement.Missing
		fd.Note = "the statement says this has not been done"
		fd.Evidence = append(fd.Evidence, d.evidence(firstNegation))
	default:
		fd.Status = statement.Missing
	}
}

// counted reports whether the text of sentence i is already among the
// evidence: a PDF whose page header, pull quote or repeated page gives the
// same sentence twice has still said it once, and the criteria count
// distinct sentences.
func counted(d *doc, ev []statement.Evidence, i int) bool {
	t := d.text(i)
	for _, e := range ev {
		if e.Text == t {
			return true
		}
	}
	return false
}

func (c *Checker) regexMatches(d *doc, i int, p *compiledPattern) bool {
	res := p.src.Compiled()
	if len(res) == 0 {
		return true
	}
	s := d.lowerText(i)
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// ScoreBands are the scores of each rating (DESIGN.md): the rating decides
// the band, the weighted criteria the place in it.
var ScoreBands = map[statement.Rating][2]int{
	statement.BelowMinimum: {0, 39},
	statement.Minimum:      {40, 59},
	statement.Good:         {60, 79},
	statement.Strong:       {80, 100},
}

// bandScore places a weighted score (0–100) in its rating's band: from the
// least a statement of that rating can have (the legal minimum's weights,
// then four areas, then all six) to 100. The rules package documents it.
func (c *Checker) bandScore(r statement.Rating, weighted int) int {
	band := ScoreBands[r]
	var minimum float64
	var areas []float64
	total := 0.0
	for _, cc := range c.criteria {
		w := float64(cc.rule.Weight)
		total += w
		switch {
		case cc.rule.Minimum:
			minimum += w
		case cc.rule.Area:
			areas = append(areas, w)
		}
	}
	slices.Sort(areas)
	floor := 0.0
	switch r {
	case statement.Minimum:
		floor = minimum
	case statement.Good:
		floor = minimum + sum(areas[:min(4, len(areas))])
	case statement.Strong:
		floor = minimum + sum(areas)
	}
	floor = 100 * floor / max(total, 1)
	pos := 0.0
	if floor < 100 {
		pos = math.Max(0, math.Min(1, (float64(weighted)-floor)/(100-floor)))
	}
	if floor >= 100 {
		pos = 1
	}
	return band[0] + int(math.Round(pos*float64(band[1]-band[0])))
}

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}

// score is the weighted score of the rules package documentation, before
// it is placed in its rating's band.
func (c *Checker) score(a *statement.Assessment) int {
	var got, total float64
	for i, fd := range a.Criteria {
		w := float64(c.criteria[i].rule.Weight)
		if fd.Status == statement.NotApplicable || w == 0 {
			continue
		}
		total += w
		switch fd.Status {
		case statement.Met:
			got += w
		case statement.Partial:
			got += w / 2
		}
	}
	if total == 0 {
		return 0
	}
	return int(math.Round(100 * got / total))
}

// rate follows DESIGN.md: the legal minimum first, then the six areas.
func (c *Checker) rate(a *statement.Assessment) statement.Rating {
	areas := 0
	for i, fd := range a.Criteria {
		r := c.criteria[i].rule
		if r.Minimum && fd.Status != statement.Met && fd.Status != statement.NotApplicable {
			return statement.BelowMinimum
		}
		if r.Area && fd.Status == statement.Met {
			areas++
		}
	}
	switch {
	case areas >= 6:
		return statement.Strong
	case areas >= 4:
		return statement.Good
	}
	return statement.Minimum
}
