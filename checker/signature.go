package checker

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/s54dev/s54/internal/lazyre"
	"github.com/s54dev/s54/statement"
)

// A signature is a person's name next to a senior role, in a sign-off: the
// words "signed", "signature" or "name:" close before it, or near the end of
// the statement where sign-off blocks sit. Names are read from the original
// text (capitalised words, initials, names in capitals) because case is
// what tells a name from the words around it.

// signatureTail is the share of the text, from the end, where a name and
// role without a "signed" cue still count as the sign-off.
const signatureTail = 0.35

// signatureTailBytes: in a short statement the last few hundred bytes are
// the sign-off whatever their share of the text.
const signatureTailBytes = 400

// nameWindow bounds how far (bytes) from the role a name may be.
const nameWindow = 90

type sigCandidate struct {
	name, role string
	start, end int
	cued       bool
	date       statement.Date
}

func (c *Checker) detectSignature(d *doc, cc *compiledCriterion, fd *statement.Finding) *statement.Signatory {
	cands := c.signCandidates(d, c.roleGroup, true)
	if len(cands) == 0 {
		// Signed, but not by a director ("Jane Smith, UK General
		// Manager"): partial, and the reader is told why.
		others := c.signCandidates(d, c.otherRoleGroup, false)
		if len(others) == 0 {
			fd.Status = statement.Missing
			return nil
		}
		best := bestSigner(others)
		fd.Status = statement.Partial
		fd.Note = "signed by " + best.name + ", " + best.role + ", who is not named as a director: the law asks for a director " +
			"(a designated member of an LLP, a general partner of a limited partnership)"
		fd.Evidence = append(fd.Evidence, best.evidence(d.body))
		return &statement.Signatory{Name: best.name, Role: best.role, Date: best.date}
	}
	best := bestSigner(cands)
	fd.Status = statement.Met
	fd.Evidence = append(fd.Evidence, best.evidence(d.body))
	return &statement.Signatory{Name: best.name, Role: best.role, Date: best.date}
}

// roleLabel is a role written as a form's label: "Managing Director:",
// "Director's name:", "Managing Directors Name (UK Region):".
var roleLabel = lazyre.New(`^(?:['’]?s)?[ \t]*(?i:name|signature)?[ \t]*(?:\([^()\n]{0,40}\))?[ \t]*:`)

// colonAfter returns the offset after the label's colon when the role at
// offset is a form's label, else 0.
func colonAfter(body string, offset int) int {
	if m := roleLabel().FindStringIndex(body[offset:min(len(body), offset+80)]); m != nil {
		return offset + m[1]
	}
	return 0
}

// letterSignOff reports whether the name and role at [start, end) in span
// i close a letter: they stand on lines of their own, at the end of a
// section whose heading names a foreword or a message ("A message from our
// Chief Executive").
func (c *Checker) letterSignOff(d *doc, i, start, end int) bool {
	h := d.spans[i].section
	if c.letterGroup < 0 || h < 0 || !d.groups[h].has(c.letterGroup) {
		return false
	}
	lineStart := strings.LastIndexByte(d.body[:start], '\n') + 1
	lineEnd := strings.IndexByte(d.body[end:], '\n')
	if lineEnd < 0 {
		lineEnd = len(d.body) - end
	}
	if strings.TrimSpace(d.body[lineStart:start]) != "" || strings.TrimSpace(d.body[end:end+lineEnd]) != "" {
		return false
	}
	// the last lines of the section: nothing but a date may follow
	next := i + 1
	for next < len(d.spans) && d.spans[next].section == h && !d.spans[next].heading {
		if len(findDates(d.body[d.spans[next].start:d.spans[next].end])) == 0 {
			return false
		}
		next++
	}
	return true
}

// bestSigner is the first cued candidate, else the last one.
func bestSigner(cands []sigCandidate) sigCandidate {
	for _, k := range cands {
		if k.cued {
			return k
		}
	}
	return cands[len(cands)-1]
}

func (k sigCandidate) evidence(body string) statement.Evidence {
	return statement.Evidence{Text: strings.Join(strings.Fields(body[k.start:k.end]), " "), Offset: k.start, Length: k.end - k.start}
}

// signCandidates finds names next to a role of group g in a sign-off.
// senior: g is the senior roles, whose junior forms ("vice president")
// and secretaries without the board's word are left out, and which count
// near the end of the text without a cue; other roles count only with a
// cue or a date.
func (c *Checker) signCandidates(d *doc, g int, senior bool) []sigCandidate {
	if g < 0 {
		return nil
	}
	nonNames := c.nonNameWords
	var cands []sigCandidate
	for i := range d.spans {
		if !d.groups[i].has(g) {
			continue
		}
		if c.contextExcluded(d, i) || c.statesTheLaw(d, i) {
			continue
		}
		from := d.tokOf[i][0]
		for _, h := range d.hits[i] {
			if h.group != g || senior && c.isJunior(d, i, h) || longerRole(d.hits[i], h, g) || d.toks[from+h.tok].glued {
				continue // a role cut out of glued text has no name one can tell apart
			}
			if senior && c.isSecretary(d, i, h) && !c.cueNear(d, c.boardCueGroup, d.toks[from+h.tok].start, 200) {
				continue // a secretary signs for the board, and must say so
			}
			rs, re := d.toks[from+h.tok].start, d.toks[from+h.end-1].end
			if boardOf(d.body, rs) {
				continue // "on behalf of the Board of Directors by Jane Smith, Chair": the board, not a role
			}
			rs = extendRoleBack(d.body, rs, nonNames)
			name, ns, ne := nameBefore(d.body, rs, nonNames)
			if name == "" {
				name, ns, ne = nameOnLineBefore(d.body, rs, nonNames)
			}
			// A name after the role ("Managing Director Example Foods")
			// is as often a company as a person: only with a cue, or
			// after a colon ("Managing Director: Alan Grey").
			if name == "" && c.signCue(d, rs) {
				name, ns, ne = nameAfter(d.body, re, nonNames)
			}
			if name == "" {
				if k := colonAfter(d.body, re); k > 0 {
					name, ns, ne = nameAfter(d.body, k, nonNames)
				}
			}
			if name == "" {
				continue
			}
			start, end := min(ns, rs), max(ne, re)
			cand := sigCandidate{
				name:  name,
				role:  strings.TrimSuffix(strings.TrimSuffix(strings.Join(strings.Fields(d.body[rs:re]), " "), "'s"), "’s"),
				start: start, end: end,
				// a letter from the chief executive or the chair that
				// opens the statement ends with their name and title
				cued: c.signCue(d, start) || c.letterSignOff(d, i, start, end),
			}
			for _, dh := range findDates(d.body[end:min(len(d.body), end+60)]) {
				if dh.yearKnow {
					cand.date = dh.date
					if !dh.dayKnown {
						cand.date = endOfMonth(dh.date)
					}
					break
				}
			}
			// A name and role followed by a date is a sign-off wherever it is
			// (a chief executive's letter opening the statement).
			inTail := float64(start) >= float64(len(d.body))*(1-signatureTail) || len(d.body)-start <= signatureTailBytes
			if !cand.cued && cand.date.IsZero() && (!inTail || !senior) {
				continue
			}
			cands = append(cands, cand)
		}
	}
	return cands
}

func (c *Checker) nonNames(lists ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, t := range c.set.Expand(l) {
			for _, w := range strings.Fields(t) {
				m[strings.TrimSuffix(w, "*")] = true
			}
		}
	}
	return m
}

// contextExcluded reports whether span i is contact details or a
// responsibility statement rather than a sign-off. A span that says it is
// a signature ("Signature: … Email: … Title: …", an e-signature's block)
// is one, whatever else it holds.
func (c *Checker) contextExcluded(d *doc, i int) bool {
	if c.sigExclude < 0 || !d.groups[i].has(c.sigExclude) {
		return false
	}
	return !signatureLabel().MatchString(d.body[d.spans[i].start:d.spans[i].end])
}

// signCue reports whether a "signed" cue occurs shortly before offset
// (within 200 bytes) or just after it.
func (c *Checker) signCue(d *doc, offset int) bool {
	return c.cueNear(d, c.sigContext, offset, 200)
}

// cueNear reports whether a term of group g occurs within before bytes
// before offset, or just after it.
func (c *Checker) cueNear(d *doc, g, offset, before int) bool {
	if g < 0 {
		return false
	}
	// the first span that ends after the window starts; spans are in order
	i := sort.Search(len(d.spans), func(i int) bool { return d.spans[i].end >= offset-before })
	for ; i < len(d.spans) && d.spans[i].start <= offset+before; i++ {
		if !d.groups[i].has(g) {
			continue
		}
		for _, h := range d.hits[i] {
			if h.group == g {
				at := d.toks[d.tokOf[i][0]+h.tok].start
				if at <= offset+before && at >= offset-before {
					return true
				}
			}
		}
	}
	return false
}

// isSecretary reports whether the role hit is a secretary's title.
func (c *Checker) isSecretary(d *doc, i int, role hit) bool {
	for _, h := range d.hits[i] {
		if h.group == c.secretaryGroup && h.tok >= role.tok && h.tok < role.end {
			return true
		}
	}
	return false
}

// longerRole reports whether another role hit starts at the same word and
// is longer: "Chief Executive Officer" rather than "Chief Executive".
func longerRole(hits []hit, h hit, group int) bool {
	for _, o := range hits {
		if o.group == group && o.tok == h.tok && o.end > h.end {
			return true
		}
	}
	return false
}

// isJunior reports whether the role hit is part of a junior title ("Vice
// President", "Head of", "Director of Studies" is not handled).
func (c *Checker) isJunior(d *doc, i int, role hit) bool {
	for _, h := range d.hits[i] {
		if h.group == c.juniorGroup && h.tok <= role.tok && h.end >= role.tok {
			return true
		}
	}
	return false
}

// extendRoleBack includes capitalised qualifiers before the role ("Group
// Managing Director", "UK Sales Director") that are not names.
func extendRoleBack(body string, rs int, nonNames map[string]bool) int {
	for k := 0; k < 3; k++ {
		ws, we := prevWord(body, rs)
		if ws < 0 || we != rs-1 && !(we == rs) && strings.TrimSpace(body[we:rs]) != "" {
			return rs
		}
		w := body[ws:we]
		if !isCapitalised(w) || strings.ContainsAny(w, ",;:") || !nonNames[strings.ToLower(strings.Trim(w, "."))] {
			return rs
		}
		rs = ws
	}
	return rs
}

// prevWord returns the word ending before offset, skipping spaces only.
func prevWord(body string, offset int) (int, int) {
	e := offset
	for e > 0 && (body[e-1] == ' ' || body[e-1] == '\t') {
		e--
	}
	s := e
	for s > 0 {
		r, size := utf8.DecodeLastRuneInString(body[:s])
		if unicode.IsSpace(r) {
			break
		}
		s -= size
	}
	if s == e {
		return -1, -1
	}
	return s, e
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigitASCII(c byte) bool { return '0' <= c && c <= '9' }
func isLowerASCII(c byte) bool { return 'a' <= c && c <= 'z' }

func isCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// boardOf reports whether the role at offset rs is the name of a board
// ("the Board of Directors", "board of the directors").
func boardOf(body string, rs int) bool {
	before := strings.ToLower(strings.Join(strings.Fields(body[max(0, rs-20):rs]), " "))
	return strings.HasSuffix(before, "board of") || strings.HasSuffix(before, "board of the")
}

// word is a word of the original text with its offsets.
type word struct {
	text       string
	start, end int
}

// words splits body[from:to] into words at spaces and punctuation that
// separates (commas, colons, bars, dashes between spaces). Full stops stay
// with the word so that initials ("K.T.") survive.
func words(body string, from, to int) []word {
	var out []word
	start := -1
	for i := from; i < to; {
		r, size := utf8.DecodeRuneInString(body[i:])
		sep := unicode.IsSpace(r) || r == ',' || r == ':' || r == '|' || r == ';' || r == '(' || r == ')' || r == '–' || r == '—' || r == '/' || r == '•'
		if r == '.' && i+2 < to && isUpperASCII(body[i+1]) && isLowerASCII(body[i+2]) {
			sep = true // "2023.Nick": a full stop that lost its space
		}
		if start >= 0 && i-start >= 3 && r < utf8.RuneSelf && isUpperASCII(byte(r)) &&
			isLowerASCII(body[i-1]) && isLowerASCII(body[i-2]) && isLowerASCII(body[i-3]) {
			// "operationsDavid AlderDirector": words glued by a lost space,
			// but not "McGowan" or "MacDonald"
			out = append(out, word{body[start:i], start, i})
			start = i
		}
		if start >= 0 && r < utf8.RuneSelf && i > start &&
			(isUpperASCII(byte(r)) && isDigitASCII(body[i-1]) || isDigitASCII(byte(r)) && isLowerASCII(body[i-1])) {
			// "Shropshire3John": a page number glued between words
			out = append(out, word{body[start:i], start, i})
			start = i
		}
		if r == '-' && (start < 0 || i+1 < to && body[i+1] == ' ') {
			sep = true
		}
		if sep {
			if start >= 0 {
				out = append(out, word{body[start:i], start, i})
				start = -1
			}
			out = append(out, word{string(r), i, i + size})
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		out = append(out, word{body[start:to], start, to})
	}
	return out
}

// nameParticles may stand inside a name in lower case: "Fadel al Faraj".
var nameParticles = map[string]bool{"al": true, "de": true, "da": true, "di": true, "du": true, "van": true, "von": true, "der": true, "den": true, "la": true, "le": true, "bin": true, "ibn": true, "el": true, "dos": true, "del": true}

var namePrefixes = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "sir": true, "dame": true, "professor": true, "prof": true, "lord": true, "lady": true, "baroness": true}

// isNameWord reports whether w can be part of a person's name.
func isNameWord(w string, nonNames map[string]bool) bool {
	w = strings.TrimRight(w, ".")
	if w == "" || utf8.RuneCountInString(w) > 20 {
		return false
	}
	lw := strings.ToLower(w)
	if nonNames[lw] || strings.HasSuffix(lw, "’s") || strings.HasSuffix(lw, "'s") || strings.HasSuffix(lw, "’") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' && r != '’' && r != '.' {
			return false
		}
	}
	return true
}

// isInitial reports "K", "K.", "K.T.".
func isInitial(w string) bool {
	n := 0
	for _, r := range w {
		if r == '.' {
			continue
		}
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 3 && (n == 1 || strings.Contains(w, "."))
}

// fillers may stand between a name and its role: "Date: 30 June 2022",
// "Job Title:", "Print name:", "'s name:".
var fillers = map[string]bool{
	"and": true, "&": true, "owner": true, "joint": true, "founder": true, "interim": true, "acting": true,
	"mbe": true, "obe": true, "cbe": true, "kbe": true, "dbe": true, "frs": true, "phd": true, "fca": true, "aca": true, "acca": true,
	"date": true, "dated": true, "title": true, "job": true, "position": true, "name": true, "print": true,
	"signed": true, "signature": true, "s": true, "by": true, "the": true, "our": true, "its": true, "on": true,
}

var monthWords = map[string]bool{}

func init() {
	for _, m := range []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "sept"} {
		monthWords[m] = true
		monthWords[m[:3]] = true
	}
}

func isFiller(w string) bool {
	lw := strings.ToLower(strings.Trim(w, ".'’"))
	if lw == "" || fillers[lw] || monthWords[lw] {
		return true
	}
	// 30th, 2022, 30.06.22
	if lw[0] < '0' || lw[0] > '9' {
		return false
	}
	for _, r := range lw {
		if !unicode.IsDigit(r) && r != '.' && r != '/' && !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func isSeparator(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return utf8.RuneCountInString(w) == 1 && !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// nameBefore finds a name that ends shortly before offset: "Jane Smith,
// Managing Director", "Jane Smith Date: 30 June 2022 Director", and with a
// qualifier between them, "Jane Smith, Ethics Director".
func nameBefore(body string, offset int, nonNames map[string]bool) (string, int, int) {
	ws := words(body, max(0, offset-nameWindow), offset)
	i := len(ws) - 1
	fill := 0
	for i >= 0 && (isSeparator(ws[i].text) || isFiller(ws[i].text) || isQualifier(ws[i].text, nonNames)) {
		if !isSeparator(ws[i].text) {
			fill++
		}
		if fill > 6 {
			return "", 0, 0
		}
		i--
	}
	if name, s, e := collectName(ws, i, -1, nonNames); name != "" {
		return name, s, e
	}
	// up to two capitalised words of the title before the role, then a
	// separator, then the name
	k := i
	for n := 0; n < 2 && k >= 0 && (ws[k].text == " " || isCapitalised(ws[k].text)); k-- {
		if ws[k].text != " " {
			n++
		}
	}
	if k < 0 || k == i || ws[k].text == " " || !isSeparator(ws[k].text) {
		return "", 0, 0
	}
	for k >= 0 && isSeparator(ws[k].text) && ws[k].text != "\n" {
		k--
	}
	return collectName(ws, k, -1, nonNames)
}

// isQualifier reports a capitalised word that belongs to a title rather
// than a name ("Group", "UK").
func isQualifier(w string, nonNames map[string]bool) bool {
	return isCapitalised(w) && nonNames[strings.ToLower(strings.Trim(w, ".,"))]
}

// nameOnLineBefore accepts the line above the role's line when that line
// is nothing but a name: sign-off blocks put the name and the title on
// lines of their own, sometimes with a company name before the title.
func nameOnLineBefore(body string, offset int, nonNames map[string]bool) (string, int, int) {
	// look back only within the window: a text without newlines must not
	// make every role a scan of the whole text
	from := max(0, offset-nameWindow)
	ls := strings.LastIndexByte(body[from:offset], '\n')
	if ls < 0 {
		return "", 0, 0
	}
	prevEnd := from + ls
	var prevStart int
	for skipped := 0; ; skipped++ {
		for prevEnd > 0 && isSpaceByte(body[prevEnd-1]) {
			prevEnd--
		}
		lineFrom := max(0, prevEnd-51)
		prevStart = lineFrom + strings.LastIndexByte(body[lineFrom:prevEnd], '\n') + 1
		if prevStart == lineFrom && lineFrom > 0 && body[lineFrom-1] != '\n' {
			return "", 0, 0 // the line above is longer than a name
		}
		// an e-signature's certificate puts the signer's email between
		// the name and the title
		line := body[prevStart:prevEnd]
		if skipped > 0 || !emailLine().MatchString(line) || prevStart == 0 {
			break
		}
		prevEnd = prevStart - 1
	}
	// a label before the name ("Signature:", "Name:") and a date after it
	// ("(Jun 30, 2024 10:15 GMT+1)") are the form's, not the name's
	line := body[prevStart:prevEnd]
	if m := signLabel().FindStringIndex(line); m != nil {
		prevStart += m[1]
	}
	if i := strings.IndexByte(body[prevStart:prevEnd], '('); i > 0 {
		prevEnd = prevStart + i
	}
	for prevStart < prevEnd && isSpaceByte(body[prevStart]) {
		prevStart++
	}
	for prevEnd > prevStart && isSpaceByte(body[prevEnd-1]) {
		prevEnd--
	}
	ws := words(body, prevStart, prevEnd)
	name, ns, ne := collectName(ws, len(ws)-1, -1, nonNames)
	if name == "" || ns != prevStart {
		return "", 0, 0
	}
	return name, ns, ne
}

var (
	// emailLine is a line that is an email address, labelled or not.
	emailLine = lazyre.New(`^\s*(?i:e-?mail\s*:\s*)?\S+@\S+\s*$`)
	// signatureLabel is a line that labels a signature.
	signatureLabel = lazyre.New(`(?m)^\s*(?i:signature|signed by|signed)\s*:`)
	// signLabel is the label of a form's name field.
	signLabel = lazyre.New(`^\s*(?i:signature|signed by|signed|print name|full name|name|signatory)\s*:\s*`)
)

// nameAfter finds a name that starts shortly after offset.
func nameAfter(body string, offset int, nonNames map[string]bool) (string, int, int) {
	ws := words(body, offset, min(len(body), offset+nameWindow))
	i, fill := 0, 0
	for i < len(ws) && (isSeparator(ws[i].text) || isFiller(ws[i].text)) {
		if !isSeparator(ws[i].text) {
			fill++
		}
		if fill > 3 {
			return "", 0, 0
		}
		i++
	}
	return collectName(ws, i, 1, nonNames)
}

// collectName reads name words from ws[i] in direction dir (-1 or 1) across
// single spaces, and returns the name if it has a surname and a first name
// or initial.
func collectName(ws []word, i, dir int, nonNames map[string]bool) (string, int, int) {
	var parts []word
	for i >= 0 && i < len(ws) && len(parts) < 5 {
		w := ws[i].text
		if w == " " {
			i += dir
			continue
		}
		if !isNameWord(w, nonNames) && !namePrefixes[strings.ToLower(strings.TrimRight(w, "."))] &&
			!(nameParticles[w] && len(parts) > 0) {
			break
		}
		parts = append(parts, ws[i])
		i += dir
	}
	if dir < 0 {
		for l, r := 0, len(parts)-1; l < r; l, r = l+1, r-1 {
			parts[l], parts[r] = parts[r], parts[l]
		}
	}
	for len(parts) > 0 && nameParticles[parts[0].text] {
		parts = parts[1:]
	}
	for len(parts) > 0 && nameParticles[parts[len(parts)-1].text] {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 0 {
		return "", 0, 0
	}
	// drop leading honorifics from the count
	real := 0
	hasSurname := false
	for _, p := range parts {
		if namePrefixes[strings.ToLower(strings.TrimRight(p.text, "."))] {
			continue
		}
		real++
		if !isInitial(p.text) {
			hasSurname = true
		}
	}
	if real < 2 || !hasSurname || isInitial(parts[len(parts)-1].text) {
		return "", 0, 0
	}
	names := make([]string, len(parts))
	for k, p := range parts {
		names[k] = p.text
	}
	return strings.Join(names, " "), parts[0].start, parts[len(parts)-1].end
}
