package web

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/s54dev/s54/internal/lazyre"
)

var shaRe = lazyre.New(`^[0-9a-f]{64}$`)

// snapshot serves a kept document as it was fetched, as a download: it
// is someone else's content, so it is never shown as a page of this site.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	if !shaRe().MatchString(sha) {
		s.error(w, r, http.StatusNotFound, "No such document.")
		return
	}
	info, err := s.cfg.Store.Document(r.Context(), sha)
	if err != nil {
		s.error(w, r, http.StatusNotFound, "No such document.")
		return
	}
	if a := accountIn(r.Context()); a.limited() {
		// a statement of an organisation in the account's regions, or
		// as if there were none
		if ok, err := s.cfg.Store.DocumentWithin(r.Context(), sha, a.regions); err != nil || !ok {
			s.error(w, r, http.StatusNotFound, "No such document.")
			return
		}
	}
	f, err := os.Open(s.cfg.Store.DocumentPath(sha))
	if err != nil {
		s.error(w, r, http.StatusNotFound, "The document is recorded but its file is missing.")
		return
	}
	defer f.Close()
	ext := ".bin"
	switch {
	case strings.Contains(info.ContentType, "pdf"):
		ext = ".pdf"
	case strings.Contains(info.ContentType, "html"):
		ext = ".html"
	case strings.Contains(info.ContentType, "word"):
		ext = ".docx"
	case strings.Contains(info.ContentType, "text"):
		ext = ".txt"
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s%s"`, sha[:12], ext))
	w.Header().Set("Content-Security-Policy", "sandbox")
	io.Copy(w, f)
}
