package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/s54dev/s54/store"
)

const (
	sessionCookie = "s54_session"
	sessionLife   = 12 * time.Hour
	// MinPassword is the shortest password accepted.
	MinPassword = 10
)

// HashPassword hashes a staff password with bcrypt.
func HashPassword(password string) (string, error) {
	if len(password) < MinPassword {
		return "", fmt.Errorf("a password needs %d characters or more", MinPassword)
	}
	if len(password) > 72 {
		return "", errors.New("a password may have 72 bytes at most")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}

// NewToken returns a random token and the hash the register keeps of it.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

type sessionKey struct{}

// session returns the request's staff session, if any.
func (s *Server) session(r *http.Request) (store.Session, bool) {
	if ss, ok := r.Context().Value(sessionKey{}).(store.Session); ok {
		return ss, true
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return store.Session{}, false
	}
	ss, err := s.cfg.Store.SessionByHash(r.Context(), hashToken(c.Value))
	return ss, err == nil
}

// staff lets a handler run for a logged-in staff member (a session
// cookie, or an API token for /api/); others get 401, or the login page.
// Nothing staff see is kept by a browser or a proxy: the register and the
// documents downloaded are not for the next user of the machine.
func (s *Server) staff(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		// the account's regions are read at each request: a change of
		// them holds at once
		run := func(ss store.Session) {
			a, err := s.accountOf(ss.User)
			if err != nil {
				s.error(w, r, http.StatusForbidden, err.Error())
				return
			}
			ctx := context.WithValue(context.WithValue(r.Context(), sessionKey{}, ss), accountKey{}, a)
			h(w, r.WithContext(ctx))
		}
		if ss, ok := s.session(r); ok {
			run(ss)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
				if u, err := s.cfg.Store.TokenUser(r.Context(), hashToken(strings.TrimSpace(tok))); err == nil {
					run(store.Session{User: u})
					return
				}
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="s54"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "log in, or send an API token (s54 users token NAME)"})
			return
		}
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		s.error(w, r, http.StatusUnauthorized, "Log in first.")
	})
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", "Log in", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

type loginData struct {
	Next, Error, Name string
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.error(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	name, password := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	addr, key := clientKey(r, s.cfg.TrustedProxies), strings.ToLower(name)
	refuse := func(wait time.Duration, msg string) {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		s.render(w, r, http.StatusTooManyRequests, "login", "Log in", loginData{Next: next, Name: name, Error: msg})
	}
	if !s.logins.allowAddr(addr) {
		refuse(time.Minute, "Too many attempts from here. Wait a minute and try again.")
		return
	}
	if wait := s.logins.wait(key, addr); wait > 0 {
		refuse(wait, fmt.Sprintf("Too many wrong passwords for this name from here. Wait %s and try again.", waitString(wait)))
		return
	}
	u, err := s.cfg.Store.UserByName(r.Context(), name)
	known := false
	if err == nil {
		known, _ = s.cfg.Store.KnownLoginAddress(r.Context(), u.ID, addr)
	}
	// failures from elsewhere never hold back an address that has logged
	// in to this account before
	if !known && !s.logins.allowName(key) {
		refuse(nameEvery, "Too many attempts for this name. Wait a few minutes and try again.")
		return
	}
	if err == nil {
		err = bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password))
	} else {
		// as slow as a wrong password, so timing does not tell names
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
	}
	if err != nil {
		s.logins.failed(key, addr)
		s.render(w, r, http.StatusUnauthorized, "login", "Log in", loginData{Next: next, Name: name, Error: "That name and password do not match."})
		return
	}
	s.logins.succeeded(key, addr)
	if err := s.cfg.Store.RecordLoginAddress(r.Context(), u.ID, addr); err != nil {
		s.cfg.Log.Warn("login address not recorded", "err", err)
	}
	token, hash := NewToken()
	csrf, _ := NewToken()
	if err := s.cfg.Store.CreateSession(r.Context(), u.ID, hash, csrf, time.Now().Add(sessionLife)); err != nil {
		s.error(w, r, http.StatusInternalServerError, "The session could not be recorded.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || r.TLS != nil, MaxAge: int(sessionLife.Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// waitString says a wait for people: "40 seconds", "4 minutes".
func waitString(d time.Duration) string {
	if d <= time.Minute {
		return fmt.Sprintf("%d seconds", max(2, int(math.Ceil(d.Seconds()))))
	}
	return fmt.Sprintf("%d minutes", int(math.Ceil(d.Minutes())))
}

// dummyHash is compared with when the name is unknown; made on first use,
// not at every start of s54.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcrypt.DefaultCost)
	return h
})

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ss, ok := s.session(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if !s.csrfOK(r, ss) {
		s.error(w, r, http.StatusForbidden, "The form had expired; go back, reload the page and try again.")
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.cfg.Store.DeleteSession(r.Context(), hashToken(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || r.TLS != nil})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// csrfOK checks the token a staff form carries against its session's.
func (s *Server) csrfOK(r *http.Request, ss store.Session) bool {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	return csrfMatches(r.PostFormValue("csrf"), ss)
}

// csrfMatches reports whether a token sent is the session's.
func csrfMatches(got string, ss store.Session) bool {
	return got != "" && ss.CSRF != "" && subtle.ConstantTimeCompare([]byte(got), []byte(ss.CSRF)) == 1
}

// safeNext keeps a redirect after login on this site: a path, with no
// scheme, host, backslash or control character (browsers drop tabs and
// newlines, which would turn "/\t/evil" into "//evil").
func safeNext(next string) string {
	const fallback = "/"
	if next == "" || strings.ContainsAny(next, "\\") || strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return fallback
	}
	return next
}

// clientKey is the key of the client's address for the login limits and
// the upload budgets: the address, or its /64 for IPv6, where one host may
// hold a whole network.
func clientKey(r *http.Request, trusted []netip.Prefix) string {
	addr := clientAddr(r, trusted)
	if !addr.IsValid() {
		return r.RemoteAddr
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// clientAddr is the client's address: the peer's, or, when the peer is a
// trusted proxy, the right-most address of X-Forwarded-For that is not a
// trusted proxy. Each proxy appends the address it got the request from,
// so that hop was written by a proxy we trust; addresses to its left may
// have been written by the client itself.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr := parseHop(r.RemoteAddr)
	if !isTrusted(addr, trusted) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parseHop(hops[i])
		if !hop.IsValid() {
			break // not an address: believe nothing further left
		}
		addr = hop
		if !isTrusted(hop, trusted) {
			break
		}
	}
	return addr
}

// parseHop reads an address, with or without a port.
func parseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := netip.ParseAddr(s)
	return a.Unmap()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
