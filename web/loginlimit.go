package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The login limits. Each is meant to hold back one kind of guessing
// without letting a stranger lock a staff member out:
//   - an address: five attempts a minute, whatever the names;
//   - a name from one address: three wrong passwords, then a wait that
//     doubles with each further one (5 s, 10 s, … up to 15 minutes),
//     until a right one;
//   - a name from addresses that have never logged in to it: 30 attempts
//     an hour (10 at once). An address that has (the register keeps
//     them) is not held by this one, so failures from elsewhere, however
//     many, cannot keep the account's owner out.
const (
	addrBurst    = 5
	addrEvery    = 12 * time.Second
	freeFailures = 3
	firstWait    = 5 * time.Second
	longestWait  = 15 * time.Minute
	nameBurst    = 10
	nameEvery    = 2 * time.Minute
	// forgetAfter: an entry idle this long is as good as new
	forgetAfter = 30 * time.Minute
	// sweepAt is how many entries are kept before idle ones are dropped
	sweepAt = 10000
)

type loginLimiter struct {
	mu     sync.Mutex
	now    func() time.Time
	byAddr map[string]*limit
	byName map[string]*limit
	// failures by name and address
	failures map[pairKey]*failures
}

type limit struct {
	lim  *rate.Limiter
	seen time.Time
}

type pairKey struct{ name, addr string }

type failures struct {
	n     int
	until time.Time // no attempt before
	seen  time.Time
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, byAddr: map[string]*limit{}, byName: map[string]*limit{}, failures: map[pairKey]*failures{}}
}

// allowAddr takes one attempt from an address's allowance.
func (l *loginLimiter) allowAddr(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.take(l.byAddr, addr, rate.Every(addrEvery), addrBurst)
}

// allowName takes one attempt from a name's allowance for addresses that
// have never logged in to it.
func (l *loginLimiter) allowName(name string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.take(l.byName, name, rate.Every(nameEvery), nameBurst)
}

func (l *loginLimiter) take(m map[string]*limit, key string, every rate.Limit, burst int) bool {
	now := l.now()
	l.sweep(now)
	e := m[key]
	if e == nil {
		e = &limit{lim: rate.NewLimiter(every, burst)}
		m[key] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}

// wait is how long a name must wait before its next attempt from an
// address; 0 when it may try now.
func (l *loginLimiter) wait(name, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.failures[pairKey{name, addr}]
	if f == nil {
		return 0
	}
	return max(0, f.until.Sub(l.now()))
}

// failed records a wrong password for a name from an address.
func (l *loginLimiter) failed(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	k := pairKey{name, addr}
	f := l.failures[k]
	if f == nil {
		f = &failures{}
		l.failures[k] = f
	}
	f.n++
	f.seen = now
	if f.n >= freeFailures {
		f.until = now.Add(backoff(f.n - freeFailures))
	}
}

// backoff is the wait after the free failures and n more.
func backoff(n int) time.Duration {
	if n >= 8 || firstWait<<n > longestWait {
		return longestWait
	}
	return firstWait << n
}

// succeeded clears a name's failures from an address.
func (l *loginLimiter) succeeded(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, pairKey{name, addr})
}

// sweep drops entries idle long enough to be as good as new, once there
// are many, so that made-up names and addresses cannot fill the memory.
func (l *loginLimiter) sweep(now time.Time) {
	if len(l.byAddr)+len(l.byName)+len(l.failures) < sweepAt {
		return
	}
	for _, m := range []map[string]*limit{l.byAddr, l.byName} {
		for k, e := range m {
			if now.Sub(e.seen) > forgetAfter {
				delete(m, k)
			}
		}
	}
	for k, f := range l.failures {
		if now.Sub(f.seen) > forgetAfter && now.After(f.until) {
			delete(l.failures, k)
		}
	}
}
