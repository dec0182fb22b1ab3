package checker

import (
	"fmt"
	"strings"
	"time"

	"github.com/s54dev/s54/rules"
	"github.com/s54dev/s54/statement"
)

// Is it a statement? A slavery and human trafficking statement of any
// quality, however short or poor, is one; a policy, a code of conduct, a
// privacy notice, a carbon reduction plan, an annual report with no
// statement in it, the text of an Act or a news item is not, and gets no
// score or rating. The decision leans to "statement": a partnership that
// is told a company's statement is not one writes to a company that did
// comply, so only clear signs say otherwise. The term lists are the
// lexicon's kind_* lists.

// kindLists are the lexicon lists of the other kinds of document, in the
// order they are tried when a document hardly speaks of slavery.
var kindLists = []struct {
	kind statement.DocumentKind
	list string
	// says is what a person is told the document speaks of
	says string
}{
	{statement.KindPrivacyNotice, "kind_privacy_notice", "personal data and privacy"},
	{statement.KindCarbonPlan, "kind_carbon_plan", "carbon emissions"},
	{statement.KindReport, "kind_report", "pay gaps, tax or annual accounts"},
	{statement.KindCodeOfConduct, "kind_code_of_conduct", "a code of conduct"},
	{statement.KindPolicy, "kind_policy", "a policy's scope and rules"},
	{statement.KindNews, "kind_news", "news"},
	{statement.KindLegislation, "kind_legislation", "the sections of an Act"},
}

// kindGroups are the matcher groups of the decision; -1 when the rule set
// has no such list (then that sign is never seen).
type kindGroups struct {
	statement, legislation    int
	selfCode                  int
	placeholder               int
	title                     int
	lawSubject, lawModal, own int
	kinds                     map[statement.DocumentKind]int
}

func (c *Checker) compileKinds(set *rules.Set) {
	group := func(list string) int {
		if _, ok := set.Lexicon[list]; !ok {
			return -1
		}
		return c.m.addGroup(set.Expand([]string{"@" + list}))
	}
	c.kg = kindGroups{
		statement:   group("kind_statement"),
		legislation: group("kind_legislation"),
		selfCode:    group("self_code"),
		placeholder: group("kind_placeholder"),
		title:       group("kind_title"),
		lawSubject:  group("law_subject"),
		lawModal:    group("law_modal"),
		own:         group("self_reference"),
		kinds:       map[statement.DocumentKind]int{},
	}
	for _, k := range kindLists {
		c.kg.kinds[k.kind] = group(k.list)
	}
}

// Thresholds of the decision, in sentences (spans) unless said otherwise.
const (
	// minStatementWords: fewer words are not a statement of any kind (a
	// stub, a placeholder, a link).
	minStatementWords = 25
	// minTopic: a statement speaks of slavery, trafficking or forced
	// labour in at least this many sentences, its title included.
	minTopic = 2
	// longDocumentWords: a document this long that speaks of slavery in
	// fewer than minTopicLong sentences (an annual report that mentions
	// its statement) is not the statement.
	longDocumentWords = 4000
	minTopicLong      = 4
	// selfNamed: a document on slavery that names itself a code (or
	// reads as news) this many times, and never a statement, its year or
	// section 54, is one.
	selfNamed = 3
	// placeholderWords: a page this short that says a statement will be
	// published is not the statement.
	placeholderWords = 100
	// legislationSigns: sentences with the marks of an Act ("may be cited
	// as", "this Act", "subsection"), in a text that never says "we".
	legislationSigns = 3
	// newsWords: news items are short; a long document with a few
	// "announced" and "said" is something else.
	newsWords        = 1500
	maxLegislationWe = 0.002
	// minOwnVoice: a text that never names itself a statement is the
	// organisation's own only when it speaks as "we" or "our" at least
	// this share of its words; statements that name nothing of
	// themselves do so at 5% or more.
	minOwnVoice = 0.01
	// openingSpans: the title and the first sentences, where a statement
	// that names slavery once names it.
	openingSpans = 3
)

// classify returns why the document is not a statement, or nil; a holds
// the findings on the criteria, made before.
func (c *Checker) classify(d *doc, a *statement.Assessment) *statement.NotStatementReason {
	count := func(g int) int {
		if g < 0 {
			return 0
		}
		return d.countSpans(g)
	}
	topic, self := count(c.topic), count(c.kg.statement)
	if d.words < minStatementWords {
		if d.words == 1 {
			return notStatement(statement.KindOther, "it has only one word")
		}
		return notStatement(statement.KindOther, fmt.Sprintf("it has only %d words", d.words))
	}
	if d.words < placeholderWords && count(c.kg.placeholder) > 0 {
		return notStatement(statement.KindOther, "it only says that a statement will be published")
	}
	// An Act speaks of statements too ("a modern slavery statement must
	// ..."): its own marks outnumber them.
	if leg := count(c.kg.legislation); leg >= legislationSigns && leg >= self && d.firstPersonRate() < maxLegislationWe {
		return notStatement(statement.KindLegislation, "it reads as the text of an Act (sections, \"this Act\"), not as an organisation writing about its own steps")
	}
	// A guide to section 54, or an Act in other words, names statements,
	// financial years and section 54 as often as a statement does, but as
	// what the law asks of organisations, never as what this one did: it
	// describes no organisation and no director signs it. A statement in
	// the third person that opens with what the Act asks does both.
	if law, own := c.lawSentences(d); law >= legislationSigns && law > own && d.firstPersonRate() < maxLegislationWe &&
		a.Status(statement.Structure) != statement.Met && a.Status(statement.Signature) != statement.Met {
		return notStatement(statement.KindLegislation, fmt.Sprintf(
			"it states what the law asks of organisations in %s and never says what an organisation did (\"we\", \"our\")", sentences(law)))
	}
	// A bare statement may name slavery only in its title, when it names
	// itself a statement and its year: an annual report that names its
	// statement once, further on, is not one.
	fewTopic := topic < minTopic && (topic == 0 || self < minTopic || !c.topicInTitle(d)) ||
		d.words > longDocumentWords && topic < minTopicLong && self == 0
	if fewTopic {
		best, bestN, says := statement.KindOther, 1, ""
		for _, k := range kindLists {
			if n := count(c.kg.kinds[k.kind]); n > bestN {
				best, bestN, says = k.kind, n, k.says
			}
		}
		why := fmt.Sprintf("it speaks of slavery or human trafficking in %s", sentences(topic))
		if says != "" {
			why = fmt.Sprintf("it speaks of %s in %s and of slavery or human trafficking in %s", says, sentences(bestN), sentences(topic))
		}
		return notStatement(best, why)
	}
	// A document whose title names it another kind of document ("...
	// Report", "Vacancy: ...") and neither slavery nor a statement, that
	// comes to slavery only after its opening and under no heading of its
	// own, in a few sentences, and names a statement, its year or section
	// 54 at most once (its statement, published elsewhere), is that other
	// document. A web page's menu may stand first ("Latest news"): a
	// statement under it names slavery in its heading or opening.
	if kind, ok := c.titledOtherKind(d); ok && topic < minTopicLong && self <= 1 && !c.topicInTitle(d) {
		return notStatement(kind, fmt.Sprintf("its title names another kind of document (%q), and it speaks of slavery or human trafficking in only %s",
			d.text(0), sentences(topic)))
	}
	// A text on slavery that never names itself a statement, its year or
	// section 54, never speaks as the organisation ("we", "our") and
	// describes none (structure not met), but speaks as a post or article
	// does (a byline, "you"), is about slavery, not a statement of steps
	// taken. A statement in the third person ("All buyers completed
	// training") has neither mark, and one that describes the business
	// ("Hillcrest Farms Ltd grows ...; if you have a concern ...") stays.
	if n := count(c.kg.kinds[statement.KindNews]); self <= 1 && d.firstPersonRate() < minOwnVoice &&
		a.Status(statement.Structure) != statement.Met && (n > 0 || d.rate(secondPerson) >= minOwnVoice) {
		kind := statement.KindOther
		if n > 0 {
			kind = statement.KindNews
		}
		return notStatement(kind, "it hardly names itself a statement, a financial year or section 54, describes no organisation, "+
			"and speaks to the reader (\"you\") or as a post, never as the organisation (\"we\", \"our\") of steps it took")
	}
	// A document on slavery that names itself a policy is left a
	// statement: many organisations publish their anti-slavery policy as
	// their statement, and a partnership reads it as one (poor, likely).
	// A code of conduct is not published so.
	if n := count(c.kg.selfCode); self == 0 && n >= selfNamed {
		return notStatement(statement.KindCodeOfConduct, fmt.Sprintf(
			"it calls itself a code in %s and never a statement, nor names a financial year or section 54", sentences(n)))
	}
	// A news item may name the statement it reports on, once.
	if n := count(c.kg.kinds[statement.KindNews]); self <= 1 && n >= selfNamed && d.words < newsWords {
		return notStatement(statement.KindNews, fmt.Sprintf("it reads as a news item (%s: announced, said, posted on)", sentences(n)))
	}
	return nil
}

var kindNames = map[statement.DocumentKind]string{
	statement.KindPolicy:        "a policy",
	statement.KindCodeOfConduct: "a code of conduct",
	statement.KindPrivacyNotice: "a privacy or cookie notice",
	statement.KindCarbonPlan:    "a carbon reduction plan",
	statement.KindLegislation:   "legislation",
	statement.KindReport:        "a report (pay gap, tax strategy or annual report)",
	statement.KindNews:          "a news item",
}

func notStatement(kind statement.DocumentKind, why string) *statement.NotStatementReason {
	looks := "This does not look like a slavery and human trafficking statement"
	if kind != statement.KindOther {
		looks = "This looks like " + kindNames[kind] + ", not a slavery and human trafficking statement"
	}
	return &statement.NotStatementReason{Kind: kind, Text: looks + ": " + why + ". " +
		"A statement says what the organisation did in its financial year to prevent slavery and human " +
		"trafficking in its business and supply chains, and is approved by the board and signed by a director."}
}

func sentences(n int) string {
	switch n {
	case 0:
		return "no sentence"
	case 1:
		return "one sentence"
	}
	return fmt.Sprintf("%d sentences", n)
}

// lawSentences counts the sentences that state what the law asks of
// organisations (statesTheLaw), and the other sentences that name a
// statement, its year or section 54.
func (c *Checker) lawSentences(d *doc) (law, own int) {
	for i := range d.spans {
		switch {
		case c.statesTheLaw(d, i):
			law++
		case c.kg.statement >= 0 && d.groups[i].has(c.kg.statement):
			own++
		}
	}
	return law, own
}

// titledOtherKind reports whether the document's first sentence, its
// title, names another kind of document and neither slavery nor a
// statement; kind is the kind its title names, when one of kindLists,
// a report when it says "report", or other.
func (c *Checker) titledOtherKind(d *doc) (kind statement.DocumentKind, ok bool) {
	if c.kg.title < 0 || len(d.spans) == 0 {
		return "", false
	}
	g := d.groups[0]
	if !g.has(c.kg.title) || c.topic >= 0 && g.has(c.topic) || c.kg.statement >= 0 && g.has(c.kg.statement) {
		return "", false
	}
	for _, k := range kindLists {
		if n := c.kg.kinds[k.kind]; n >= 0 && g.has(n) {
			return k.kind, true
		}
	}
	if strings.Contains(d.lowerText(0), "report") {
		return statement.KindReport, true
	}
	return statement.KindOther, true
}

// topicInTitle reports whether the first sentence that speaks of slavery
// opens the document (its title or the sentences just after it) or is a
// heading: a statement opens with what it is about.
func (c *Checker) topicInTitle(d *doc) bool {
	if c.topic < 0 {
		return false
	}
	for i := range d.spans {
		if d.groups[i].has(c.topic) {
			return i < openingSpans || d.spans[i].heading
		}
	}
	return false
}

// firstPersonRate is the share of words that are "we", "our" or "us": an
// organisation writing of itself, which an Act never does.
func (d *doc) firstPersonRate() float64 {
	return d.rate(firstPerson)
}

var (
	firstPerson  = map[string]bool{"we": true, "our": true, "us": true, "ours": true}
	secondPerson = map[string]bool{"you": true, "your": true, "yours": true}
)

// rate is the share of words that are one of words.
func (d *doc) rate(words map[string]bool) float64 {
	if len(d.toks) == 0 {
		return 0
	}
	n := 0
	for _, t := range d.toks {
		if words[t.word] {
			n++
		}
	}
	return float64(n) / float64(len(d.toks))
}

// statesTheLaw reports whether sentence i states what the law asks of
// organisations ("the statement must be approved by the board") rather
// than what this organisation did: a modal, a general subject, and
// nothing of "we", "our" or this statement.
func (c *Checker) statesTheLaw(d *doc, i int) bool {
	g := d.groups[i]
	if c.kg.lawModal < 0 || c.kg.lawSubject < 0 || c.kg.own < 0 {
		return false
	}
	if !g.has(c.kg.lawModal) || !g.has(c.kg.lawSubject) || g.has(c.kg.own) {
		return false
	}
	// a sentence under a heading is still the organisation's own when it
	// names the organisation; these general sentences name nobody
	return !strings.Contains(d.lowerText(i), "this statement")
}

// staleAfter is how long after its year's end a statement is out of date:
// the next one is due within six months of the next year's end.
const staleAfter = 18 * 30 * 24 * time.Hour

// StaleNote says, for a statement read on now, that the year it covers
// ended more than 18 months before, or "" when it did not or is unknown.
func StaleNote(a *statement.Assessment, now time.Time) string {
	if a.Period == nil || a.Period.End.IsZero() || now.IsZero() {
		return ""
	}
	end := a.Period.End.Time()
	if now.Sub(end) < staleAfter {
		return ""
	}
	return fmt.Sprintf("the financial year this statement covers ended on %s, more than 18 months ago: "+
		"a statement is due for every financial year, within six months of its end", end.Format("2 January 2006"))
}
