package web

import (
	"errors"
	"net/http"
	"path/filepath"
)

// maxImport bounds a list uploaded: the Home Office's list of some
// 20,000 organisations is a few MB.
const maxImport = 64 << 20

// importData is the import page, and what an import did.
type importData struct {
	CanImport bool
	File      string
	Report    string
	Error     string
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "import", "Import a list of organisations", importData{CanImport: s.cfg.ImportList != nil})
}

// importSubmit imports an uploaded list (CSV or XLSX) as s54 orgs import
// does, and shows the command's report.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) {
	d := importData{CanImport: s.cfg.ImportList != nil}
	fail := func(status int, msg string) {
		d.Error = msg
		s.render(w, r, status, "import", "Import a list of organisations", d)
	}
	if s.cfg.ImportList == nil {
		fail(http.StatusNotImplemented, "This server cannot import lists (s54 orgs import does).")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImport)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(http.StatusRequestEntityTooLarge, "The file is too large: 64 MB at most.")
			return
		}
		fail(http.StatusBadRequest, "The form could not be read.")
		return
	}
	defer r.MultipartForm.RemoveAll()
	ss, _ := s.session(r)
	if !csrfMatches(r.FormValue("csrf"), ss) {
		s.error(w, r, http.StatusForbidden, "The form had expired; go back, reload the page and try again.")
		return
	}
	f, h, err := r.FormFile("list")
	if err != nil {
		fail(http.StatusBadRequest, "Choose a file to import (CSV or Excel .xlsx).")
		return
	}
	defer f.Close()
	d.File = filepath.Base(h.Filename)
	d.Report, err = s.cfg.ImportList(r.Context(), d.File, f, staffName(r))
	if err != nil {
		fail(http.StatusBadRequest, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "import", "Import a list of organisations", d)
}
