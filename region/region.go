// Package region says which organisations are in a partnership's area. A
// region is a named set of UK postcode areas ("SO"), districts ("GU14") and
// sectors ("GU12 4"), less any it excludes, because postcode districts do not
// follow county borders: Aldershot is in GU with Guildford, Chichester in PO
// with Portsmouth. Built-in regions for the partnerships s54 was made with
// are embedded (default.yaml, each border decision commented there); a
// user's own file has the same shape and overrides them by id.
//
// An organisation is in a region when its postcode starts with one of the
// region's prefixes and with none of its exclusions. The register stores
// each organisation's area, district and sector, so a region is also a
// query on indexed columns (Region.Prefixes, Region.Excludes).
package region

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Region is a partnership's area, as written in YAML.
type Region struct {
	ID          string `yaml:"id"`
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Postcodes are the prefixes in the region: areas ("SO"), districts
	// ("GU14") or sectors ("GU12 4").
	Postcodes []string `yaml:"postcodes"`
	// Exclude are prefixes inside Postcodes that are not in the region.
	Exclude []string `yaml:"exclude,omitempty"`
}

// Set is an ordered list of valid regions with unique ids.
type Set struct {
	regions []*Region
	rules   []rules // rules[i] is regions[i], parsed
}

//go:embed default.yaml
var defaultYAML string

// Default returns the built-in regions.
func Default() (*Set, error) {
	s, err := Load(strings.NewReader(defaultYAML))
	if err != nil {
		return nil, fmt.Errorf("region: built-in regions: %w", err)
	}
	return s, nil
}

// file is the YAML shape: a list under "regions:", as in s54's config.
type file struct {
	Regions []Region `yaml:"regions"`
}

// Load reads and validates regions from YAML. A key it does not know is an
// error, so that a misspelt "exlude" is not silently ignored.
func Load(r io.Reader) (*Set, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("region: read: %w", err)
	}
	return NewSet(f.Regions)
}

// LoadFile reads and validates a YAML file of regions.
func LoadFile(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("region: %w", err)
	}
	defer f.Close()
	s, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return s, nil
}

// NewSet validates the regions and returns them as a set, in order. The set
// keeps copies: changing the slice afterwards does not change the set.
func NewSet(regions []Region) (*Set, error) {
	s := &Set{}
	var errs []error
	seen := make(map[string]bool)
	for i := range regions {
		r := regions[i]
		r.Postcodes = slices.Clone(r.Postcodes)
		r.Exclude = slices.Clone(r.Exclude)
		ru, err := r.parse()
		if err != nil {
			errs = append(errs, err)
		}
		if r.ID != "" && seen[r.ID] {
			errs = append(errs, fmt.Errorf("region: %s: id used twice", r.ID))
		}
		seen[r.ID] = true
		s.regions = append(s.regions, &r)
		s.rules = append(s.rules, ru)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// Validate checks every region of the set again, and that the ids are
// unique: a set from NewSet or Load is valid unless its regions were
// changed through Get.
func (s *Set) Validate() error {
	regions := make([]Region, len(s.regions))
	for i, r := range s.regions {
		regions[i] = *r
	}
	_, err := NewSet(regions)
	return err
}

// Validate checks the id (lower-case letters, digits and hyphens), that
// there is a name and at least one prefix, and that every prefix is a
// postcode area, district or sector. An included prefix that an exclusion
// covers (postcodes "GU12 4", exclude "GU12") is an error too: it could
// never match, and is surely a mistake.
func (r *Region) Validate() error {
	_, err := r.parse()
	return err
}

// Get returns the region with this id. The region is the set's own: do not
// change it.
func (s *Set) Get(id string) (*Region, bool) {
	for _, r := range s.regions {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// Name returns the name of the region with an id ("Hampshire and Isle of
// Wight" for hampshire-iow), "" when there is none.
func (s *Set) Name(id string) string {
	if r, ok := s.Get(id); ok {
		return r.Name
	}
	return ""
}

// IDs returns the region ids in order.
func (s *Set) IDs() []string {
	ids := make([]string, len(s.regions))
	for i, r := range s.regions {
		ids[i] = r.ID
	}
	return ids
}

// Merge returns the regions of s with those of other laid over them: a
// region of other replaces the one of s with the same id, in its place;
// other's new ids follow, in their order. Neither set is changed.
func (s *Set) Merge(other *Set) *Set {
	m := &Set{regions: slices.Clone(s.regions), rules: slices.Clone(s.rules)}
	for i, r := range other.regions {
		j := slices.IndexFunc(m.regions, func(x *Region) bool { return x.ID == r.ID })
		if j < 0 {
			m.regions = append(m.regions, r)
			m.rules = append(m.rules, other.rules[i])
			continue
		}
		m.regions[j], m.rules[j] = r, other.rules[i]
	}
	return m
}

// Match returns the id of the region the postcode is in, or "" when it is in
// none or is not a postcode. When regions overlap, the most specific match
// wins (a sector beats a district, a district an area); between equals, the
// first region in order.
func (s *Set) Match(postcode string) string {
	pc, ok := Normalize(postcode)
	if !ok {
		return ""
	}
	best, id := level(0), ""
	for i, ru := range s.rules {
		if l := ru.match(pc); l > best {
			best, id = l, s.regions[i].ID
		}
	}
	return id
}

// Contains reports whether the postcode is in the region: it starts with
// one of the region's prefixes and with none of its exclusions. An outward
// code alone ("GU12") matches no sector, in or out. A region that does not
// validate contains nothing.
func (r *Region) Contains(postcode string) bool {
	pc, ok := Normalize(postcode)
	if !ok {
		return false
	}
	ru, err := r.parse()
	return err == nil && ru.match(pc) > 0
}

// Prefixes returns the region's prefixes normalised ("gu12  4" becomes
// "GU12 4"), by kind, for a query on the indexed area, district and sector
// columns. Invalid prefixes are left out.
func (r *Region) Prefixes() (areas, districts, sectors []string) {
	return byLevel(r.Postcodes)
}

// Excludes returns the region's exclusions like Prefixes. A postcode is in
// the region when it matches Prefixes and not Excludes.
func (r *Region) Excludes() (areas, districts, sectors []string) {
	return byLevel(r.Exclude)
}

func byLevel(prefixes []string) (areas, districts, sectors []string) {
	for _, s := range prefixes {
		p, err := parsePrefix(s)
		if err != nil {
			continue
		}
		switch p.level {
		case levelArea:
			areas = appendNew(areas, p.text)
		case levelDistrict:
			districts = appendNew(districts, p.text)
		case levelSector:
			sectors = appendNew(sectors, p.text)
		}
	}
	return areas, districts, sectors
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// level is how specific a prefix is; 0 means no match.
type level int

const (
	levelArea level = iota + 1
	levelDistrict
	levelSector
)

// prefix is a parsed, normalised postcode prefix.
type prefix struct {
	text  string
	level level
}

// of returns the part of pc a prefix of this level is compared with.
func (l level) of(pc Postcode) string {
	switch l {
	case levelArea:
		return pc.Area
	case levelDistrict:
		return pc.District
	}
	return pc.Sector
}

// covers reports whether every postcode q matches also matches p.
func (p prefix) covers(q prefix) bool {
	if p.level > q.level {
		return false
	}
	part := q.text
	switch p.level {
	case levelArea:
		if i := strings.IndexFunc(q.text, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
			part = q.text[:i]
		}
	case levelDistrict:
		part, _, _ = strings.Cut(q.text, " ")
	}
	return part == p.text
}

// parsePrefix reads "SO", "GU14" or "GU12 4", in any case and spacing. A
// sector needs its space: "GU124" could be GU12 4 or a typo.
func parsePrefix(s string) (prefix, error) {
	f := strings.Fields(strings.ToUpper(s))
	switch {
	case len(f) == 1 && knownAreas[f[0]]:
		return prefix{f[0], levelArea}, nil
	case len(f) == 1:
		if _, ok := splitOutward(f[0]); ok {
			return prefix{f[0], levelDistrict}, nil
		}
	case len(f) == 2 && len(f[1]) == 1 && isDigit(f[1][0]):
		if _, ok := splitOutward(f[0]); ok {
			return prefix{f[0] + " " + f[1], levelSector}, nil
		}
	}
	return prefix{}, fmt.Errorf("%q is not a postcode area (SO), district (GU14) or sector (GU12 4)", s)
}

// rules are a region's parsed prefixes.
type rules struct {
	include, exclude []prefix
}

// match returns how specifically pc matches the region's prefixes, or 0
// when it is not in the region.
func (ru rules) match(pc Postcode) level {
	for _, x := range ru.exclude {
		if x.level.of(pc) == x.text {
			return 0
		}
	}
	best := level(0)
	for _, p := range ru.include {
		if p.level > best && p.level.of(pc) == p.text {
			best = p.level
		}
	}
	return best
}

var reID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// parse validates the region and returns its rules; the error names the
// region and every bad prefix.
func (r *Region) parse() (rules, error) {
	name := r.ID
	if name == "" {
		name = fmt.Sprintf("(region named %q)", r.Name)
	}
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("region: %s: "+format, append([]any{name}, a...)...))
	}
	switch {
	case r.ID == "":
		bad("no id")
	case !reID.MatchString(r.ID):
		bad("id %q: use lower-case letters, digits and hyphens (hampshire-iow)", r.ID)
	}
	if strings.TrimSpace(r.Name) == "" {
		bad("no name")
	}
	if len(r.Postcodes) == 0 {
		bad("no postcodes")
	}
	var ru rules
	for _, s := range r.Postcodes {
		p, err := parsePrefix(s)
		if err != nil {
			bad("postcodes: %v", err)
			continue
		}
		ru.include = append(ru.include, p)
	}
	for _, s := range r.Exclude {
		p, err := parsePrefix(s)
		if err != nil {
			bad("exclude: %v", err)
			continue
		}
		ru.exclude = append(ru.exclude, p)
	}
	for _, p := range ru.include {
		for _, x := range ru.exclude {
			if x.covers(p) {
				bad("postcodes: %q can never match: exclude %q covers it", p.text, x.text)
			}
		}
	}
	return ru, errors.Join(errs...)
}

// Postcode is a UK postcode split into the parts a region is made of. A
// postcode written as an outward code only ("WV1") has no Sector.
type Postcode struct {
	Area     string // "SO": the leading letters
	District string // "SO14": the outward code
	Sector   string // "SO14 7": the district and the inward code's digit
	Full     string // "SO14 7DX", or the district alone
}

// Normalize reads a postcode as people and lists write it: any case, any
// spacing (no-break spaces included, "ML14UF" or "SE1  2AQ" alike). It
// accepts a full postcode (the inward code is a digit and two letters) or
// an outward code alone, and rejects anything else: a town name, an unknown
// area ("P67"), or a postcode with stray characters. "LE2 7DEA" is rejected
// rather than cut down to LE2: a mistyped postcode may be mistyped anywhere,
// and a wrong district would put an organisation in the wrong region.
func Normalize(s string) (pc Postcode, ok bool) {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		if r > unicode.MaxASCII {
			return Postcode{}, false
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	c := b.String()
	if n := len(c); n >= 5 && isInward(c[n-3:]) {
		if area, ok := splitOutward(c[:n-3]); ok {
			out, in := c[:n-3], c[n-3:]
			return Postcode{Area: area, District: out, Sector: out + " " + in[:1], Full: out + " " + in}, true
		}
	}
	if area, ok := splitOutward(c); ok {
		return Postcode{Area: area, District: c, Full: c}, true
	}
	return Postcode{}, false
}

// isInward reports whether s is an inward code: a digit and two letters.
func isInward(s string) bool {
	return len(s) == 3 && isDigit(s[0]) && isLetter(s[1]) && isLetter(s[2])
}

// splitOutward checks an upper-case outward code (A9, A99, AA9, AA99, A9A,
// AA9A) and returns its area.
func splitOutward(s string) (area string, ok bool) {
	i := 0
	for i < len(s) && i < 2 && isLetter(s[i]) {
		i++
	}
	area, rest := s[:i], s[i:]
	if !knownAreas[area] {
		return "", false
	}
	switch {
	case len(rest) == 1:
		ok = isDigit(rest[0])
	case len(rest) == 2 && isDigit(rest[0]) && isDigit(rest[1]):
		ok = true
	case len(rest) == 2 && isDigit(rest[0]) && isLetter(rest[1]):
		// Only central London districts end in a letter: W1T, EC1A, SW1A.
		ok = letterDistricts[area]
	}
	return area, ok
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' }

// knownAreas are the UK postcode areas, with the Crown Dependencies (GY, JE, IM)
// and the non-geographic BF (BFPO) and BX. Checking the area is what tells a
// postcode from a word or a code such as "P67".
var knownAreas = setOf(`AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW
	DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX
	IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW
	OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY
	TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE`)

// letterDistricts are the areas with districts such as W1T or EC1A.
var letterDistricts = setOf("E EC N NW SE SW W WC")

func setOf(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
