package checker_test

import (
	"strings"
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/statement"
)

// Each case is a short text and the status one criterion must get. The
// texts are written for these tests; they are the hard calls of the
// labelling guide in miniature.
var ruleCases = []struct {
	name string
	id   statement.CriterionID
	text string
	want statement.Status
}{
	// approval
	{"board approved", statement.Approval, "This statement was approved by the Board of Directors on 3 May 2024.", statement.Met},
	{"board has approved", statement.Approval, "The board of directors of Example Ltd has approved this statement.", statement.Met},
	{"LLP members", statement.Approval, "This statement was approved by the members of Example LLP on 2 June 2024.", statement.Met},
	{"trustees", statement.Approval, "This statement has been approved by our Board of Trustees.", statement.Met},
	{"sign-off line", statement.Approval, "Some text about us.\n\nApproved by the Board: 12 March 2024", statement.Met},
	{"a university's council, signing off", statement.Approval, "Some text about us.\n\nApproved by Council on 20 November 2025.", statement.Met},
	{"the council's managers, signing off", statement.Approval, "Some text about us.\n\nApproved by the Council's Senior Management Team on 2 May 2025.", statement.Missing},
	{"on behalf of the board only", statement.Approval, "Signed for and on behalf of the Board.", statement.Missing},
	{"one person approves", statement.Approval, "This statement was approved by the Managing Director on 1 April 2024.", statement.Missing},
	{"committee", statement.Approval, "This statement was approved by the Audit Committee.", statement.Missing},
	{"policy not statement", statement.Approval, "In 2019 the Board approved our Anti-Slavery Policy.", statement.Missing},
	{"bare heading", statement.Approval, "Board approval\n\nWe review this statement every year.", statement.Missing},
	{"at the board meeting", statement.Approval, "This statement was reviewed and approved at the board meeting held on 9 May 2024.", statement.Met},
	{"at board level", statement.Approval, "The statement has been approved at board level.", statement.Met},
	{"approval label", statement.Approval, "We trade fairly.\n\nApproval: Board of Directors, 9 May 2024", statement.Met},
	{"board signed off", statement.Approval, "The Board of Example Ltd has reviewed and signed off this statement.", statement.Met},
	{"parent's board", statement.Approval, "This statement was approved by the board of our parent company, Example Holdings Inc., for all its UK subsidiaries.", statement.Met},
	{"managing member", statement.Approval, "This statement was approved by the managing member of Example Partners LLC.", statement.Met},
	{"written as a policy", statement.Approval, "Board approval\n\nThis policy has been approved by the directors of Example Group Ltd.", statement.Met},
	{"another policy endorsed", statement.Approval, "We do not tolerate bribery and this policy is endorsed by our Board.", statement.Missing},
	{"sole director", statement.Approval, "This statement has been approved by the sole director.", statement.Missing},

	// signature
	{"name then role", statement.Signature, "We are proud of our work.\n\nSigned:\nJane Q. Smith\nChief Executive Officer\n1 July 2024", statement.Met},
	{"name, role one line", statement.Signature, "Our statement ends here.\n\nJohn Carter, Managing Director", statement.Met},
	{"glued by extraction", statement.Signature, "This statement was approved on 10 June 2024.Nick FieldChief Executive Officer", statement.Met},
	{"initials", statement.Signature, "Signed by R J Hewett, Chairman.", statement.Met},
	{"designated member", statement.Signature, "Signed: Eleanor Finch, Designated Member", statement.Met},
	{"company secretary for the board", statement.Signature, "Signed for and on behalf of the Board\nJohn Smith, Company Secretary", statement.Met},
	{"company secretary alone", statement.Signature, "Signed: John Smith, Company Secretary", statement.Partial}, // signed, not by a director
	{"role without name", statement.Signature, "Signed by the Managing Director.", statement.Missing},
	{"name without role", statement.Signature, "Signed: Jean-Paul Laborde", statement.Missing},
	{"junior title", statement.Signature, "Signed: Mark Jones, Vice President of Sales", statement.Partial},
	{"responsibility, not a signature", statement.Signature,
		strings.Repeat("We trade fairly. ", 20) + "Our Chief Executive, Anna Bell, has overall responsibility for this programme.", statement.Missing},

	// period
	{"year ending", statement.Period, "This statement covers the financial year ending 31 March 2024.", statement.Met},
	{"FY span in title", statement.Period, "Modern Slavery Statement FY2023/24\n\nWe make this statement under the Act.", statement.Met},
	{"date range", statement.Period, "This statement relates to the period 1 January 2023 to 31 December 2023.", statement.Met},
	{"covers a calendar year", statement.Period, "This statement covers 2023.", statement.Met},
	{"title year alone", statement.Period, "Modern Slavery Statement 2024\n\nWe are committed to ethical trading.", statement.Missing},
	{"the Act's year only", statement.Period, "This statement is made under section 54 of the Modern Slavery Act 2015 each financial year.", statement.Missing},
	{"copyright years", statement.Period, "© 1998 - 2024 Example Limited. All rights reserved.", statement.Missing},
	{"signing date only", statement.Period, "Signed on 4 June 2024.", statement.Missing},

	// training: action, intention, negation, off-topic
	{"training given", statement.Training, "All buyers completed training on modern slavery in 2024.", statement.Met},
	{"training planned", statement.Training, "We will introduce training on modern slavery next year.", statement.Partial},
	{"training not given", statement.Training, "We have not yet provided modern slavery training to staff.", statement.Missing},
	{"no training given", statement.Training, "No training on modern slavery has been provided to staff.", statement.Missing},
	{"none trained", statement.Training, "None of our staff have received modern slavery training.", statement.Missing},
	{"no elsewhere in the sentence", statement.Training, "We make sure no child labour is used, and all buyers completed modern slavery training.", statement.Met},
	{"continuing training", statement.Training, "We will continue to provide modern slavery awareness training to all new starters.", statement.Met},
	{"ethics training only", statement.Training, "All employees complete annual training on our Code of Conduct.", statement.Missing},
	{"policy that says it will not tolerate", statement.Policies,
		"Our Anti-Slavery Policy, which is displayed in every office, states that we will not tolerate forced labour and requires managers to report concerns.", statement.Met},

	// policies: a named policy and what it does; "our policies" names none
	{"suppliers follow our policies", statement.Policies, "We expect our suppliers to comply with all applicable laws and our policies.", statement.Missing},
	{"policies and procedures", statement.Policies, "Our policies and procedures require suppliers to treat their workers fairly.", statement.Missing},
	{"heading word", statement.Policies, "Policies and Processes We align our policies with the principles of protecting the welfare of our workers.", statement.Missing},
	{"named whistleblowing policy", statement.Policies, "Our Whistleblowing Policy allows employees to raise concerns without fear of reprisal.", statement.Met},
	{"policy on a topic", statement.Policies, "Our policy on forced labour requires every supplier to pay workers directly.", statement.Met},
	{"this policy, named before", statement.Policies, "Anti-Slavery Policy\n\nSuppliers that breach this policy must remedy the breach or we end the contract.", statement.Met},
	{"policy based on the base code", statement.Policies, "Our Ethical Trading Policy is based on the ETI Base Code and is shared with all suppliers.", statement.Met},
	{"policy makes it clear", statement.Policies, "The Modern Slavery Policy makes it clear that forced labour has no place in our business.", statement.Met},
	{"policy sets standards", statement.Policies, "Our Responsible Sourcing Policy sets minimum labour standards for our suppliers.", statement.Met},
	{"named supplier standards that exclude forced labour", statement.Policies, "Our Supplier Standards require every supplier to exclude forced, bonded and trafficked labour.", statement.Met},
	{"principles new starters sign", statement.Policies, "All new starters sign the Recruiter Compliance Principles, which prohibit charging workers any fee for work.", statement.Met},
	{"ethical standards in general", statement.Policies, "We remain committed to high ethical standards and to helping victims of modern slavery.", statement.Missing},
	{"the suppliers' own standards", statement.Policies, "We ask whether they have supplier standards that require them to exclude forced labour.", statement.Missing},
	{"procedures are not a policy", statement.Policies, "We have formal HR procedures which guard against informal recruitment of workers.", statement.Missing},
	{"policies listed in the next sentence", statement.Policies, "We have a number of policies in place that prevent slavery in our supply chains. These include:\n\nProcurement Policy\n\nRecruitment Policy", statement.Met},
	{"policies listed", statement.Policies, "We operate the following policies that set out how we prevent modern slavery: our recruitment policy and our supplier code.", statement.Met},

	// due diligence: a process described, not gestured at
	{"vague checks", statement.DueDiligence, "We carry out appropriate checks on all new employees.", statement.Partial},
	{"due diligence named only", statement.DueDiligence, "We undertake appropriate due diligence on our suppliers. We only work with reputable suppliers and review them regularly.", statement.Partial},
	{"two gestures in one sentence", statement.DueDiligence, "We carry out appropriate checks on new suppliers and monitor our supply chain on an ongoing basis.", statement.Partial},
	{"audits and contract clauses in one sentence", statement.DueDiligence, "We audit our main suppliers each year and our contracts require them to comply with the Modern Slavery Act.", statement.Met},
	{"suppliers sign the code", statement.DueDiligence, "Our suppliers are required to sign our Supplier Code of Conduct before we trade with them.", statement.Met},
	{"suppliers confirm compliance", statement.DueDiligence, "We ask our key suppliers to confirm in writing that they comply with the Act.", statement.Met},
	{"remediation", statement.DueDiligence, "Where a supplier is found to be in breach, we agree a corrective action plan with them.", statement.Partial},
	{"engagement is not diligence", statement.DueDiligence, "We engage with our suppliers on ethical issues.", statement.Missing},
	{"policy documents reviewed", statement.DueDiligence, "We review our policy documents annually to keep them up to date.", statement.Missing},
	{"identity checked", statement.DueDiligence, "All new employees have their identity and right to work checked before they start.", statement.Met},
	{"questionnaire", statement.DueDiligence, "New suppliers complete a questionnaire that asks how they prevent forced labour.", statement.Met},
	{"contract clause", statement.DueDiligence, "Our contracts with suppliers require them to comply with the Modern Slavery Act.", statement.Met},

	// training: on slavery, not training in general near a paragraph on it
	{"trained in their roles", statement.Training, "We do not tolerate slavery. Our employees are trained in their roles and receive regular refresher training.", statement.Missing},
	{"induction on safety", statement.Training, "Modern slavery is a crime. All staff complete induction training on health and safety and data protection.", statement.Missing},
	{"trained to spot the signs", statement.Training, "Slavery can be hidden in supply chains. Our supervisors are trained to spot the signs and know how to report them.", statement.Met},
	{"training that includes slavery", statement.Training, "We train our buying teams in ethical sourcing. This includes training on the signs of modern slavery.", statement.Met},
	{"tends to be raised", statement.Training, "Awareness of modern slavery tends to be raised with our buyers by their managers during supplier visits.", statement.Met},
	{"needs to be made available", statement.Training, "Modern slavery awareness sessions need to be made available to all staff.", statement.Partial},
	{"is to be provided", statement.Training, "Modern slavery training is to be provided to all staff.", statement.Partial},
	{"briefed on the signs", statement.Training, "We briefed our recruitment team on the signs of forced labour.", statement.Met},
	{"involuntary labour", statement.Training, "Our online training modules for all employees cover involuntary labour.", statement.Met},

	// plans are not actions, whether in a section of plans or a list
	// introduced by an intention
	{"plans section", statement.Training, "Our progress\n\nWe appointed a new buyer.\n\nNext steps\n\nAll buyers to complete modern slavery training.", statement.Partial},
	{"plans list", statement.Training, "In the coming year we will:\n• Deliver modern slavery training to all site managers\n• Audit two labour providers", statement.Partial},
	{"plans listed after a colon", statement.Training, "Next year we will review the following areas: modern slavery training for all staff; audits of our suppliers.", statement.Partial},
	{"work in hand listed after a colon", statement.Training, "We will continue to: provide modern slavery training to all staff; audit our suppliers.", statement.Met},
	{"actions list", statement.Training, "During the year we:\n• Delivered modern slavery training to all site managers\n• Audited two labour providers", statement.Met},

	// risk
	{"risk not assessed", statement.Risk, "We have not yet carried out a risk assessment of our supply chain.", statement.Missing},
	{"bare low risk", statement.Risk, "We consider the risk of modern slavery in our business to be low.", statement.Missing},
	{"risks evaluated", statement.Risk, "We evaluated the modern slavery risks of each new supplier.", statement.Met},
	{"suppliers assessed for risk", statement.Risk, "Each new supplier is assessed for modern slavery risk before it is approved.", statement.Met},
	{"supply chain mapped", statement.Risk, "We have mapped our supply chain to assess product and geographical risks of modern slavery.", statement.Met},
	{"assessed as very low", statement.Risk, "Given the nature of our business, we have assessed that there is a very low risk of modern slavery.", statement.Missing},
	{"credit risk", statement.Risk, "We assess the credit risk of every new customer.", statement.Missing},
	{"risk areas named", statement.Risk, "The parts of our supply chain at highest risk are seasonal agricultural labour and cleaning contractors.", statement.Met},

	// boilerplate meets nothing
	{"zero tolerance", statement.Policies, "We have a zero tolerance approach to modern slavery and human trafficking.", statement.Missing},
	{"zero tolerance dd", statement.DueDiligence, "We have a zero tolerance approach to modern slavery in our supply chains.", statement.Missing},

	// effectiveness
	{"figures", statement.Effectiveness, "During the year 96% of our buyers completed the course and 41 supplier audits were carried out.", statement.Met},
	{"vague review", statement.Effectiveness, "We will review the effectiveness of our approach each year.", statement.Missing},
	{"kpis listed", statement.Effectiveness, "Our key performance indicators are: the number of staff trained; the number of suppliers audited.", statement.Met},
}

func TestRules(t *testing.T) {
	ck := checker.Default()
	for _, tc := range ruleCases {
		t.Run(string(tc.id)+"/"+tc.name, func(t *testing.T) {
			a := ck.Check(statement.Text{Body: tc.text})
			fd := a.Finding(tc.id)
			if fd == nil {
				t.Fatalf("no finding for %s", tc.id)
			}
			if fd.Status != tc.want {
				t.Errorf("%s = %s, want %s (evidence %v, note %q)", tc.id, fd.Status, tc.want, fd.Evidence, fd.Note)
			}
			if (fd.Status == statement.Met || fd.Status == statement.Partial || fd.Note != "" && fd.Status == statement.Missing) && len(fd.Evidence) == 0 {
				t.Errorf("%s is %s without evidence", tc.id, fd.Status)
			}
			for _, e := range fd.Evidence {
				if e.Offset < 0 || e.Offset+e.Length > len(tc.text) {
					t.Errorf("evidence %d+%d outside the text", e.Offset, e.Length)
				} else if got := strings.Join(strings.Fields(tc.text[e.Offset:e.Offset+e.Length]), " "); got != e.Text {
					t.Errorf("evidence text %q, but the text at %d+%d is %q", e.Text, e.Offset, e.Length, got)
				}
			}
			if (fd.Status == statement.Missing || fd.Status == statement.Partial) && fd.Advice == "" {
				t.Errorf("%s is %s without advice", tc.id, fd.Status)
			}
		})
	}
}

// TestEvidenceOffsets: the offset of every evidence sentence points at the
// sentence in the text, so the web can highlight it.
func TestEvidenceOffsets(t *testing.T) {
	text := "Intro line.\n\nOur Anti-Slavery Policy requires suppliers to pay fair wages and prohibits forced labour.\n\nAll  buyers completed training on\nmodern slavery."
	a := checker.Default().Check(statement.Text{Body: text})
	for _, fd := range a.Criteria {
		for _, e := range fd.Evidence {
			first := strings.Fields(e.Text)[0]
			if !strings.HasPrefix(text[e.Offset:], first) {
				t.Errorf("%s: offset %d points at %q, want %q", fd.ID, e.Offset, text[e.Offset:min(len(text), e.Offset+20)], first)
			}
		}
	}
}

// minimalStatement is a statement that is approved and signed and says
// nothing else of substance.
const minimalStatement = "Modern Slavery Statement\n\nWe oppose modern slavery and human trafficking in all its forms, in our business and our supply chains.\n\n" +
	"This statement was approved by the Board of Directors on 3 May 2024.\n\nSigned: Jane Smith, Director"

func TestRatingAndScore(t *testing.T) {
	ck := checker.Default()
	a := ck.Check(statement.Text{Body: "Modern Slavery Statement\n\nWe oppose slavery and human trafficking. We are a small company that makes furniture in Leeds and buys timber from merchants in the north of England, who tell us they pay their staff fairly."})
	if a.Rating != statement.BelowMinimum || a.Score > 39 {
		t.Errorf("unsigned statement: rating %s score %d", a.Rating, a.Score)
	}
	yes := true
	b := ck.CheckWith(statement.Text{Body: minimalStatement}, checker.Facts{HomepageLink: &yes})
	if b.Rating != statement.Minimum {
		t.Errorf("approved and signed: rating %s, want minimum", b.Rating)
	}
	if b.Score != 40 {
		t.Errorf("approved and signed: score %d, want 40 (the floor of the minimum band)", b.Score)
	}
	no := false
	c := ck.CheckWith(statement.Text{Body: minimalStatement}, checker.Facts{HomepageLink: &no})
	if c.Rating != statement.BelowMinimum || c.Score > 39 {
		t.Errorf("no homepage link: rating %s score %d, want below_minimum under 40", c.Rating, c.Score)
	}
}

func TestDeterministic(t *testing.T) {
	ck := checker.Default()
	text := statement.Text{Body: strings.Repeat("All buyers completed training on modern slavery. ", 50)}
	a, b := ck.Check(text), ck.Check(text)
	if a.Score != b.Score || len(a.Criteria) != len(b.Criteria) || a.Finding(statement.Training).Evidence[0] != b.Finding(statement.Training).Evidence[0] {
		t.Error("two checks of the same text differ")
	}
}

func TestHugeText(t *testing.T) {
	body := strings.Repeat("All buyers completed training on modern slavery. ", 200000) // ~10 MB
	a := checker.Default().Check(statement.Text{Body: body})
	if len(a.Notes) == 0 || !strings.Contains(a.Notes[len(a.Notes)-1], "only the first 4 MB") {
		t.Errorf("notes %q", a.Notes)
	}
	if a.Status(statement.Training) != statement.Met {
		t.Errorf("training %s", a.Status(statement.Training))
	}
}

func TestNotAStatement(t *testing.T) {
	privacy := strings.Repeat("We collect your name and email address to answer your enquiry and keep your personal data for two years. ", 10)
	a := checker.Default().Check(statement.Text{Body: privacy})
	if a.IsStatement || a.NotStatement.Kind != statement.KindPrivacyNotice {
		t.Errorf("privacy notice taken for a statement: %+v", a.NotStatement)
	}
	b := checker.Default().Check(statement.Text{Body: strings.Repeat("All buyers completed modern slavery training. ", 10)})
	if !b.IsStatement || len(b.Notes) != 0 {
		t.Errorf("statement flagged: %v %q", b.NotStatement, b.Notes)
	}
}

// TestTimely: six months after 31 August is the end of February, not
// 3 March; every verdict carries the sentences it rests on.
func TestTimely(t *testing.T) {
	ck := checker.Default()
	for _, tc := range []struct {
		signed string
		want   statement.Status
	}{
		{"28 February 2025", statement.Met},
		{"2 March 2025", statement.Missing},
		{"15 October 2024", statement.Met},
	} {
		body := "This statement covers the financial year ending 31 August 2024.\n\nThis statement was approved by the Board of Directors on " + tc.signed + "."
		a := ck.Check(statement.Text{Body: body})
		fd := a.Finding(statement.Timely)
		if fd.Status != tc.want {
			t.Errorf("approved %s: timely %s, want %s (%s)", tc.signed, fd.Status, tc.want, fd.Note)
		}
		if len(fd.Evidence) != 2 {
			t.Errorf("approved %s: evidence %v, want the period and the approval", tc.signed, fd.Evidence)
		}
	}
}
