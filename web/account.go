package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/s54dev/s54/region"
	"github.com/s54dev/s54/store"
)

// account is what a staff member may see: every organisation, or those in
// the regions their account is limited to (s54 users add --region). The
// limit holds on every staff page, download and API: the register, search,
// an organisation, its snapshots and the crawl runs.
type account struct {
	// regions are the account's regions; nil: every organisation.
	regions []*region.Region
}

type accountKey struct{}

// errNotYours is a region, an organisation or a document outside the
// account's regions.
var errNotYours = errors.New("outside your regions")

// accountOf reads a user's regions from the configuration's. A region the
// configuration no longer has is left out; an account none of whose
// regions is left sees nothing rather than everything.
func (s *Server) accountOf(u store.User) (account, error) {
	if len(u.Regions) == 0 {
		return account{}, nil
	}
	var a account
	for _, id := range u.Regions {
		if r, ok := s.cfg.Regions.Get(id); ok {
			a.regions = append(a.regions, r)
		} else {
			s.cfg.Log.Warn("account region not in the configuration", "user", u.Name, "region", id)
		}
	}
	if len(a.regions) == 0 {
		return a, fmt.Errorf("your account is limited to regions this server does not have (%s): ask for your account's regions to be changed (s54 users regions)",
			strings.Join(u.Regions, ", "))
	}
	return a, nil
}

// accountIn is the request's account, set by staff.
func accountIn(ctx context.Context) account {
	a, _ := ctx.Value(accountKey{}).(account)
	return a
}

func (a account) limited() bool { return a.regions != nil }

// allows reports whether the account sees a region, by id.
func (a account) allows(id string) bool {
	return !a.limited() || slices.ContainsFunc(a.regions, func(r *region.Region) bool { return r.ID == id })
}

// sees reports whether the account sees an organisation at a postcode.
func (a account) sees(postcode string) bool {
	return !a.limited() || slices.ContainsFunc(a.regions, func(r *region.Region) bool { return r.Contains(postcode) })
}

// names are the account's regions for people: "Humber, West Mercia"; ""
// for every organisation.
func (a account) names() string {
	var out []string
	for _, r := range a.regions {
		out = append(out, r.Name)
	}
	return strings.Join(out, ", ")
}

// regionOptions are the regions a staff member may choose from.
func (s *Server) regionOptions(a account) []option {
	var out []option
	for _, id := range s.cfg.Regions.IDs() {
		if a.allows(id) {
			out = append(out, option{Value: id, Label: s.regionName(id)})
		}
	}
	return out
}
