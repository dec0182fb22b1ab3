package statement

import "time"

// FollowUp is where staff stand with an organisation: whether they have
// to write to it, have written, have had an answer, or are done.
type FollowUp string

// Follow-up states.
const (
	// FollowUpNone: nothing to follow up (the state of an organisation
	// no one has written anything about).
	FollowUpNone FollowUp = "none"
	// ToContact: staff mean to write to the organisation.
	ToContact FollowUp = "to_contact"
	// Contacted: staff wrote to it and await a reply.
	Contacted FollowUp = "contacted"
	// Replied: it answered.
	Replied FollowUp = "replied"
	// Resolved: nothing more to do.
	Resolved FollowUp = "resolved"
)

// FollowUps are the follow-up states, in the order of the work.
var FollowUps = []FollowUp{FollowUpNone, ToContact, Contacted, Replied, Resolved}

// Valid reports whether f is one of FollowUps.
func (f FollowUp) Valid() bool {
	for _, v := range FollowUps {
		if f == v {
			return true
		}
	}
	return false
}

// FollowUpNote is one step of an organisation's follow-up: the state it
// was set to, what was written, by whom and when. Notes are kept across
// years, never replaced.
type FollowUpNote struct {
	Status FollowUp  `json:"status"`
	Note   string    `json:"note"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// AuditEntry is one change to the register by a person or an import: who (a
// staff member's name, or the command), when, what (the field), and the
// value before and after.
type AuditEntry struct {
	At            time.Time `json:"at"`
	By            string    `json:"by"`
	CompanyNumber string    `json:"company_number"`
	Name          string    `json:"name"`
	Field         string    `json:"field"`
	Before        string    `json:"before"`
	After         string    `json:"after"`
}
