package checker_test

import (
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/statement"
)

// readerCases are the calls a careful reader of the labelling guide makes
// on text the rules once misread: a sentence that looks like evidence but
// is not (the suppliers' policies, training on something else, a risk
// named only as a purpose), and evidence the rules once missed. Each text
// is written for this test. want is the status; notMet asks only that the
// criterion is not met (partial or missing both do).
var readerCases = []struct {
	name   string
	id     statement.CriterionID
	text   string
	want   statement.Status
	notMet bool
}{
	// structure: a concrete description, not a sentence that happens to
	// hold "is a" or "based" or sits under a heading naming supply chains
	{"the business described", statement.Structure,
		"Northgate Bakeries Ltd is a family-owned bakery business based in Leeds, employing 240 people and selling bread to supermarkets across the north of England.", statement.Met, false},
	{"services it offers and the group it is part of", statement.Structure,
		"Northgate Payroll offers managed payroll and workforce software to employers in twelve countries.\n\nThe company is part of a family-owned enterprise based in Leeds.", statement.Met, false},
	{"principal activity and sites", statement.Structure,
		"The Company's principal activity is the manufacture of cardboard packaging for bakeries. We have sites in Leeds and Hull.", statement.Met, false},
	{"homes it runs", statement.Structure,
		"We own and operate 40 care homes across Scotland, and our sister company runs two more.", statement.Met, false},
	{"where goods are made and what it buys", statement.Structure,
		"Our garments are made mainly by factories in Portugal and Turkey.\n\nWe also buy packaging, fabrics and logistics services.", statement.Met, false},
	{"a group of companies", statement.Structure,
		"The group comprises three trading companies.\n\nIts operations span the UK, Ireland and the Netherlands.", statement.Met, false},
	{"what it runs, listed", statement.Structure,
		"We manage and operate a wide range of community facilities including leisure centres, gyms, libraries and children's centres.", statement.Met, false},
	{"services it offers, listed", statement.Structure,
		"Northgate Payroll offers managed services for employers, such as payroll, pensions administration and workforce scheduling.", statement.Met, false},
	{"training listed is not what it does", statement.Structure,
		"We provide training to our staff including induction, refresher courses and e-learning.", statement.Missing, false},
	{"audits in so many sites are not the business", statement.Structure,
		"We audited 12 supplier sites in 2024.", "", true},
	{"training provided is not what it sells", statement.Structure,
		"We provide training on our products and services to all our staff.", statement.Missing, false},
	{"suppliers are an extension of us", statement.Structure,
		"Our suppliers and their people are a natural extension of our own team and resources, and we work closely with them to uphold the standards we set ourselves.", "", true},
	{"registration line", statement.Structure,
		"Northgate Bakeries Ltd is a private limited company registered in England and Wales under company number 01234567, with its registered office at 1 Mill Lane.", "", true},
	{"risk-based is not based in", statement.Structure,
		"We apply a risk-based approach in supplier verification and prioritise audits of factories with the weakest results.", statement.Missing, false},
	{"a section on checks, not on the supply chain", statement.Structure,
		"Due diligence in our supply chain\n\nEvery new supplier completes our questionnaire before it is approved.\n\nWe visit the sites of our largest suppliers each year and record what we find.", "", true},
	{"where it operates, said of risk", statement.Structure,
		"We rank the facilities of our suppliers worldwide by the risk of their country, using published governance indicators.", statement.Missing, false},
	{"the supply chain is limited", statement.Structure,
		"As a provider of temporary staff, our supply chains are small and limited to office services, IT and stationery.", statement.Partial, false},
	{"a sentence the layout repeats counts once", statement.Structure,
		"We have offices in the UK and in Ireland.\n\nWe have offices in the UK and in Ireland.", statement.Partial, false},

	// policies: the organisation's own, in relation to slavery, and what
	// each does
	{"the suppliers' policies", statement.Policies,
		"When we take on a supplier we ask whether they have any policies on modern slavery and whistleblowing, and we require them to address forced labour in their policies.", "", true},
	{"policies that reflect ethics in general", statement.Policies,
		"The company has in place the following policies, which reflect our commitment to ethical operating processes:", statement.Missing, false},
	{"a policy's heading and what it does", statement.Policies,
		"Whistleblowing policy\n\nThe company encourages its workers, customers and suppliers to report any concern about how people are treated, confidentially and without fear of reprisal.", statement.Met, false},
	{"a document's title is not a policy's heading", statement.Policies,
		"Modern Slavery Policy Statement\n\nWe encourage our staff to report any concern about how people are treated.", statement.Missing, false},

	// due diligence: a process described, not a word that names one
	{"a declaration of rights is not a supplier's declaration", statement.DueDiligence,
		"Our code follows the Universal Declaration of Human Rights and the conventions of the International Labour Organisation, which our supply chain must respect.", "", true},
	{"checks and balances", statement.DueDiligence,
		"Given our checks and balances and the nature of our work, we believe slavery is unlikely in our supply chain.", "", true},
	{"considering new suppliers is not an intention", statement.DueDiligence,
		"The company assesses the labour practices of suppliers when considering taking them on.\n\nIt reviews the labour practices of its existing suppliers every year.", statement.Met, false},

	// a heading run into its sentence does not make the sentence an action
	{"a label before the plan", statement.Risk,
		"Risk assessments: the company will, from time to time, consider carrying out risk assessments of its suppliers.", "", true},
	{"a heading run in before the plan", statement.DueDiligence,
		"Due diligence processes As part of our plans, it is important that we conduct due diligence in our supply chains over the coming year.\n\nSupplier monitoring As part of this work we will review the labour practices of each supplier.", "", true},

	// training: on slavery, given, to the organisation's own people
	{"a duty to ensure training", statement.Training,
		"Managers are responsible for ensuring that their teams understand this policy and are given regular training on it and on modern slavery.", "", true},
	{"learning about rights", statement.Training,
		"In the villages we support, children are learning about their rights and the dangers of child labour, with help from all their teachers.", statement.Missing, false},
	{"code training near a slavery paragraph", statement.Training,
		"We oppose modern slavery in every form.\n\nAll employees complete two e-learning modules each year on our Business Code of Practice.", "", true},
	{"a heading in capitals ends the sentence before it", statement.Training,
		"If you have a concern you should raise it with your manager, as the staff handbook explains\nTRAINING AND AWARENESS\nTraining on modern slavery forms part of the induction for all new staff.", statement.Met, false},
	{"a heading repeated by its sentence", statement.Training,
		"Training on modern slavery and human trafficking Training on our policy, and on the risks that our business and its suppliers face from modern slavery and forced labour in their supply chains, may form part of the induction for new staff.", statement.Partial, false},

	// effectiveness: an indicator, not a quantity of something
	{"indicators listed without punctuation", statement.Effectiveness,
		"Our indicators\n\nSuppliers who have signed our code\nAudits completed at high-risk sites\nNumber of employees trained in modern slavery awareness\n\nWe report them to the board.", statement.Met, false},
	{"a count of people trained", statement.Effectiveness,
		"During the year 56 buyers in our main markets received tailored training on the new policy.", statement.Met, false},
	{"a proportion that measures nothing", statement.Effectiveness,
		"Our venues were closed for a large proportion of the year and a significant proportion of our staff were on furlough.", statement.Missing, false},
	{"KPIs still to be set", statement.Effectiveness,
		"We continue to work towards the development of KPIs.\n\nWe will assess the feasibility of setting KPIs once we understand our supply chain.", "", true},
	{"a further number trained", statement.Effectiveness,
		"We have trained a further number of staff who audit our suppliers.", "", true},
}

func TestCarefulReader(t *testing.T) {
	ck := checker.Default()
	for _, tc := range readerCases {
		t.Run(string(tc.id)+"/"+tc.name, func(t *testing.T) {
			a := ck.Check(statement.Text{Body: tc.text})
			fd := a.Finding(tc.id)
			switch {
			case tc.notMet && fd.Status == statement.Met:
				t.Errorf("%s is met, want not met (evidence %v)", tc.id, fd.Evidence)
			case !tc.notMet && fd.Status != tc.want:
				t.Errorf("%s = %s, want %s (evidence %v, note %q)", tc.id, fd.Status, tc.want, fd.Evidence, fd.Note)
			}
			if fd.Status == statement.Met && len(fd.Evidence) == 0 {
				t.Errorf("%s is met without evidence", tc.id)
			}
		})
	}
}
