package checker_test

import (
	"strings"
	"testing"

	"github.com/s54dev/s54/checker"
	"github.com/s54dev/s54/statement"
)

// formsBody is a statement's body before its sign-off: long enough that
// the sign-off sits at its end.
var formsBody = strings.Repeat("We buy goods from suppliers in Europe and Asia and audit them each year against our code. ", 15)

// TestSignatureForms: the ways real PDFs lay out a signature, written for
// this test — glued by extraction, on dotted lines, under a letter that
// opens the statement, as a form's labels, on an e-signature's page — and
// the ways that are not a director's signature.
func TestSignatureForms(t *testing.T) {
	cases := []struct {
		name, text string
		want       statement.Status
	}{
		{"page number glued", formsBody + "\n\n3John ShropshireExecutive Chairman", statement.Met},
		{"name repeated and glued", formsBody + "\n\nJohn Shropshire3John ShropshireExecutive Chairman", statement.Met},
		{"foreword by the chief executive", "Foreword from our Chief Executive\n\nWelcome to our statement. We made progress this year.\n\nSarah Jenkins\nChief Executive Officer\n\n" + formsBody, statement.Met},
		{"a message from the CEO", "A message from our CEO\n\nThis year we strengthened our supplier checks.\n\nJames Whitfield, CEO\n\n" + formsBody, statement.Met},
		{"chair's letter", "Chair's statement\n\nI am pleased to present our third statement. This year we audited twelve suppliers.\n\nRuth Okafor\nChair\n\n" + formsBody, statement.Met},
		{"dotted line", formsBody + "\n\nSigned: ..............................\n\nJohn Smith\nDirector\nDate: 12 May 2024", statement.Met},
		{"underscores", formsBody + "\n\nSigned ______________________\nPriya Patel\nManaging Director", statement.Met},
		{"director under the name", formsBody + "\n\nMichael O'Connor\nDirector", statement.Met},
		{"form labels", formsBody + "\n\nSignature:\nName: Tomasz Nowak\nPosition: Managing Director\nDate: 30 June 2024", statement.Met},
		{"role as a label", formsBody + "\n\nManaging Director: Alan Grey", statement.Met},
		{"role's name as a label", formsBody + "\n\nManaging Directors Name (UK and EME Region): Hazel Tomkinson\nDate: 3 May 2024", statement.Met},
		{"docusign", formsBody + "\n\nDocuSign Envelope ID: 3F2A1B7C-0D4E-4F5A-9B8C-112233445566\nSigned by:\nA1B2C3D4E5F6\nRichard Hale\nChief Financial Officer", statement.Met},
		{"e-signature certificate", formsBody + "\n\nCertificate Of Completion\nSigner Events\nMartin Dale\nmartin@example.com\nManaging Director\nSignature Adoption: Pre-selected Style", statement.Met},
		{"adobe sign", formsBody + "\n\nSignature: Jane Morton (Jun 30, 2024 10:15 GMT+1)\nEmail: jane.morton@example.com\nTitle: Chief Executive Officer", statement.Met},
		{"electronically signed", formsBody + "\n\nElectronically signed by Mark Allen, Director, on 3 July 2024", statement.Met},
		{"capitals", formsBody + "\n\nSigned\n\nANDREW PEACOCK\nDIRECTOR", statement.Met},
		{"name with no role", formsBody + "\n\nSigned: Helen Brooks\n20 June 2024", statement.Missing},
		{"a manager signs", formsBody + "\n\nSigned: Neil Barton, UK General Manager\n20 June 2024", statement.Partial},
		{"a director named in the text, not signing", "Our Finance Director, Jo Little, leads our work on modern slavery and reports to the board each quarter.\n\n" + formsBody, statement.Missing},
	}
	ck := checker.Default()
	for _, tc := range cases {
		a := ck.Check(statement.Text{Body: tc.text})
		if got := a.Status(statement.Signature); got != tc.want {
			t.Errorf("%s: %s, want %s (%+v)", tc.name, got, tc.want, a.SignedBy)
		}
	}
}

// TestSignerRole: the role recorded is the signer's, not the board's name
// that precedes the signer ("the Board of Directors").
func TestSignerRole(t *testing.T) {
	for _, text := range []string{
		formsBody + "\n\nSigned on behalf of the Board of Directors by Amir Khan, Chairman",
		formsBody + " This statement was approved by the Board of Directors.\nAmir Khan3Amir KhanExecutive Chairman",
	} {
		a := checker.Default().Check(statement.Text{Body: text})
		if a.SignedBy == nil || a.SignedBy.Name != "Amir Khan" || !strings.HasSuffix(a.SignedBy.Role, "Chairman") {
			t.Errorf("signed by %+v, want Amir Khan, Chairman", a.SignedBy)
		}
	}
}

// TestGuidance2025: what the 2025 statutory guidance asks beyond the law
// is said in notes, without changing a status.
func TestGuidance2025(t *testing.T) {
	ck := checker.Default()
	a := ck.Check(statement.Text{Body: "Modern Slavery Statement\n\nWe make bread in Leeds with 200 staff.\n\n" +
		"We have not identified any instances of modern slavery in our supply chain.\n\n" +
		"This statement was approved by the Board.\n\nSigned: Jane Smith, Director"})
	for id, want := range map[statement.CriterionID]string{
		statement.Approval:  "asks for the date of approval",
		statement.Signature: "asks for the signer's name, role and date",
		statement.Risk:      "treats finding none as a sign",
	} {
		if f := a.Finding(id); !strings.Contains(f.Note, want) {
			t.Errorf("%s (%s): note %q, want %q", id, f.Status, f.Note, want)
		}
	}
	if a.Status(statement.Approval) != statement.Met || a.Status(statement.Signature) != statement.Met {
		t.Error("a note changed a status")
	}
	// "no slavery" is a finding only when something was looked for and not
	// found; the commitment most statements open with is not one
	for text, warned := range map[string]bool{
		"We are committed to ensuring that there is no modern slavery in our supply chain.":             false,
		"Our aim is that no slavery or human trafficking takes place anywhere in our business.":         false,
		"We will continue to check that there are no instances of forced labour among our contractors.": false,
		"No modern slavery concerns were raised through our hotline during the year.":                   true,
		"Our audits found no evidence of forced labour at any of the farms we buy from.":                true,
		"We are not aware of any cases of slavery in our supply chain.":                                 true,
		"There were no reports of human trafficking from our suppliers in 2024.":                        true,
	} {
		r := ck.Check(statement.Text{Body: "Modern Slavery Statement\n\n" + text})
		f := r.Finding(statement.Risk)
		if got := strings.Contains(f.Note, "treats finding none as a sign"); got != warned {
			t.Errorf("%q: warned %v, want %v (note %q)", text, got, warned, f.Note)
		}
	}
	// a year label is a period, but the guidance asks for its end date
	y := ck.Check(statement.Text{Body: "Modern Slavery Statement 2023/24\n\nWe make bread in Leeds with 200 staff."})
	if f := y.Finding(statement.Period); f.Status != statement.Met || !strings.Contains(f.Note, "end date is not given") {
		t.Errorf("year label: period %s, note %q", f.Status, f.Note)
	}
	e := ck.Check(statement.Text{Body: "This statement covers the financial year ending 31 March 2024."})
	if f := e.Finding(statement.Period); f.Note != "" {
		t.Errorf("end date given: period note %q", f.Note)
	}
	g := ck.Check(statement.Text{Body: "Modern Slavery Statement\n\nThis statement is made on behalf of Acme Group plc and its subsidiaries. " +
		"We make bread with 200 staff and buy flour from UK mills in Kent.\n\nThis statement was approved by the Board on 3 May 2024."})
	if f := g.Finding(statement.Structure); !strings.Contains(f.Note, "name the parent and each subsidiary") {
		t.Errorf("group statement: structure note %q", f.Note)
	}
}

// TestGluedText: an extraction that lost every space is read again, word
// by word, and the evidence still points at the text.
func TestGluedText(t *testing.T) {
	text := "Modern Slavery Statement\n\nThisstatementhasbeenapprovedbytheBoardofDirectorsofAcmeFoodsLimited.Weprovidetrainingonmodernslaverytoallourbuyers.Thisstatementcoversthefinancialyearending31March2024."
	a := checker.Default().Check(statement.Text{Body: text})
	for _, id := range []statement.CriterionID{statement.Approval, statement.Training} {
		f := a.Finding(id)
		if f.Status != statement.Met {
			t.Errorf("%s: %s", id, f.Status)
			continue
		}
		e := f.Evidence[0]
		if got := text[e.Offset : e.Offset+e.Length]; !strings.HasPrefix(got, strings.Fields(e.Text)[0]) {
			t.Errorf("%s: evidence at %d reads %q", id, e.Offset, got)
		}
	}
}
