package index

import "strings"

// American and British spellings of the words statements use: the index
// and the queries spell them the British way, so that "forced labor" finds
// "forced labour" and "organization" finds "organisation". Lists of stems,
// not rules: -ize → -ise as a rule would make "size" "sise" and "seize"
// "seise", and -or → -our would make "laborious" "labourious". Spellings
// that Porter's stemmer makes one already are left out: "traveled" and
// "travelled" are both "travel", "fulfill" and "fulfil" both "fulfil".

// ourStems are spelt -or in American English and -our in British, with
// ourEndings alike ("laborers", "favorable", "neighborhood").
// Words spelt alike in both are left out by the endings: "laborious",
// "honorary", "humorous", "vigorous", "laboratory".
var (
	ourStems = []string{"labor", "favor", "behavior", "color", "honor", "neighbor", "harbor", "endeavor",
		"humor", "flavor", "rumor", "odor", "armor", "vapor", "rigor", "tumor", "savior", "parlor", "demeanor",
		"valor", "clamor", "fervor", "candor"}
	ourEndings = []string{"", "s", "ed", "ing", "er", "ers", "able", "ably", "ful", "fully", "hood", "hoods",
		"ite", "ites", "less"}
)

// izeStems take -ize in American English (and in Oxford spelling) and -ise
// in British: "organization", "prioritized", "minimizing", "recognizable".
var (
	izeStems = []string{"organ", "recogn", "priorit", "minim", "maxim", "util", "emphas", "summar", "categor",
		"author", "real", "special", "standard", "central", "apolog", "critic", "final", "normal", "optim", "mobil",
		"legal", "capital", "character", "familiar", "stabil", "subsid", "visual", "civil", "modern", "global",
		"harmon", "digit", "sensit", "penal", "incentiv", "jeopard", "memor", "monet", "neutral", "rational",
		"vital", "scrutin", "symbol", "synchron", "hospital", "individual", "internal", "external", "operational",
		"institutional", "formal", "local", "industrial", "commercial", "criminal", "victim", "stigmat", "trivial",
		"econom", "agon", "energ", "custom", "hypothes", "mechan", "ideal", "patron", "polar", "sanit", "steril",
		"sympath", "synthes", "terror", "colon", "human", "social", "moral", "fertil", "marginal", "legitim",
		"radical", "traumat", "democrat", "union", "item", "material", "general", "personal", "public", "random",
		"regular", "privat", "national", "contextual", "conceptual", "amort", "pressur", "pasteur", "computer",
		"vandal", "evangel", "galvan", "immun", "weapon", "western", "urban", "equal", "fossil", "commodit"}
	izeEndings = []string{"ize", "izes", "ized", "izing", "izer", "izers", "ization", "izations", "izational", "izable"}
)

// yzeStems: "analyze", "paralyzed", "catalyzing".
var (
	yzeStems   = []string{"anal", "paral", "catal"}
	yzeEndings = []string{"yze", "yzes", "yzed", "yzing", "yzer", "yzers"}
)

// reStems are -er in American English and -re in British: "center",
// "centered", "fibers", "theaters".
var (
	reStems   = []string{"cent", "fib", "theat", "meag", "calib", "somb", "lust", "spect", "lit", "sab"}
	reEndings = [][2]string{{"er", "re"}, {"ers", "res"}, {"ered", "red"}, {"ering", "ring"}}
)

// britishPairs are single words, each with its British spelling (or, for
// a British word spelt two ways, the one kept).
var britishPairs = []string{
	"behavioral", "behavioural", "behaviorally", "behaviourally",
	"program", "programme", "programs", "programmes",
	"catalog", "catalogue", "catalogs", "catalogues", "cataloged", "catalogued", "cataloging", "cataloguing",
	"dialog", "dialogue", "dialogs", "dialogues", "analog", "analogue", "analogs", "analogues",
	"judgment", "judgement", "judgments", "judgements",
	"defense", "defence", "defenses", "defences", "defenseless", "defenceless",
	"offense", "offence", "offenses", "offences", "pretense", "pretence",
	// the noun; "licensed" and "licensing" are spelt alike
	"license", "licence", "licenses", "licences",
	"jewelry", "jewellery", "gray", "grey", "grays", "greys",
	"mold", "mould", "molds", "moulds", "molded", "moulded", "molding", "moulding", "moldings", "mouldings",
	"plow", "plough", "plows", "ploughs", "plowed", "ploughed", "plowing", "ploughing",
	"aluminum", "aluminium", "sulfur", "sulphur",
	"skeptic", "sceptic", "skeptics", "sceptics", "skeptical", "sceptical", "skepticism", "scepticism",
	"maneuver", "manoeuvre", "maneuvers", "manoeuvres", "airplane", "aeroplane", "airplanes", "aeroplanes",
	"woolen", "woollen", "woolens", "woollens",
	"counselor", "counsellor", "counselors", "counsellors",
	"skillful", "skilful", "skillfully", "skilfully", "willful", "wilful", "willfully", "wilfully",
	"specialty", "speciality", "specialties", "specialities",
	// British spelt two ways
	"focussed", "focused", "focussing", "focusing",
}

// britishSpellings is the table the filter reads: every American form,
// with its inflections, and its British spelling.
func britishSpellings() map[string]string {
	m := make(map[string]string, 2048)
	for _, s := range ourStems {
		br := strings.TrimSuffix(s, "or") + "our"
		for _, e := range ourEndings {
			m[s+e] = br + e
		}
	}
	for _, s := range izeStems {
		for _, e := range izeEndings {
			m[s+e] = s + strings.Replace(e, "z", "s", 1)
		}
	}
	for _, s := range yzeStems {
		for _, e := range yzeEndings {
			m[s+e] = s + strings.Replace(e, "z", "s", 1)
		}
	}
	for _, s := range reStems {
		for _, e := range reEndings {
			m[s+e[0]] = s + e[1]
		}
	}
	for i := 0; i+1 < len(britishPairs); i += 2 {
		m[britishPairs[i]] = britishPairs[i+1]
	}
	return m
}

// prefixes are looked for before a word the table does not have:
// "unrecognized", "reorganization", "underutilized", "misbehavior".
var prefixes = []string{"un", "re", "de", "dis", "mis", "non", "over", "under"}

// british is the British spelling of an American word, if it has one.
func british(words map[string]string, term []byte) (string, bool) {
	if br, ok := words[string(term)]; ok {
		return br, true
	}
	for _, p := range prefixes {
		if len(term) > len(p)+3 && string(term[:len(p)]) == p {
			if br, ok := words[string(term[len(p):])]; ok {
				return p + br, true
			}
		}
	}
	return "", false
}
