package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"
)

// uploadTime bounds the reading of one upload.
const uploadTime = time.Minute

// formOverhead is what a multipart form may add to the draft it carries:
// the boundaries, the part headers and the pasted-text field.
const formOverhead = 1 << 20

// uploadBudget bounds the bytes of uploads held in memory at once. An
// upload reserves its declared length (its Content-Length, or the most it
// may be when it has none) before a byte of it is read, and gives it back
// once its check is done; one that does not fit is refused at once. Large
// uploads have the budget less the reserve, and each client address a
// share of it; small ones may use the whole budget, the reserve included,
// and count against a share of their own, so that a client holding large
// uploads (or a crowd of them) does not stop a small draft being checked.
type uploadBudget struct {
	total, reserve   int64
	small            int64 // the largest small upload
	perClient        int64 // large uploads of one client
	smallPerClient   int64
	mu               sync.Mutex
	held             int64
	largeBy, smallBy map[string]int64
}

func newUploadBudget(cfg Config) *uploadBudget {
	return &uploadBudget{total: cfg.UploadBudget, reserve: cfg.UploadReserve, small: cfg.SmallUpload,
		perClient: cfg.UploadPerClient, smallPerClient: cfg.UploadReserve / 2,
		largeBy: map[string]int64{}, smallBy: map[string]int64{}}
}

// take reserves n bytes for an upload from client, or reports that they
// do not fit.
func (b *uploadBudget) take(client string, n int64) (release func(), ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	by, pool, share := b.largeBy, b.total-b.reserve, b.perClient
	if n <= b.small {
		by, pool, share = b.smallBy, b.total, b.smallPerClient
	}
	if b.held+n > pool || by[client]+n > share {
		return nil, false
	}
	b.held += n
	by[client] += n
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.held -= n
			if by[client] -= n; by[client] == 0 {
				delete(by, client)
			}
		})
	}, true
}

// heldBytes is what the uploads under way have reserved.
func (b *uploadBudget) heldBytes() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.held
}

// readDraft reads the upload (a file, or pasted text) from a multipart
// form, or the API's body, as it streams in, never to a temporary file
// (ParseMultipartForm would write a large one to disk). The bytes it will
// hold are reserved from the upload budget first, from the declared
// length, and the body is read into buffers of that size; release gives
// them back once the draft is no longer needed.
func (s *Server) readDraft(w http.ResponseWriter, r *http.Request) (d *draft, release func(), err error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	multipart := ct == "multipart/form-data"
	limit := s.cfg.MaxUpload
	if multipart {
		limit += formOverhead
	}
	// refused unread: the answer goes at once, and the connection with it
	// (net/http would otherwise read up to 256 KB of the body first)
	refuse := func(err error) (*draft, func(), error) {
		w.Header().Set("Connection", "close")
		return nil, nil, err
	}
	if r.ContentLength > limit {
		return refuse(errTooLarge)
	}
	size := r.ContentLength
	if size < 0 { // chunked: it may be as large as the limit
		size = limit
	}
	giveBack, ok := s.uploads.take(clientKey(r, s.cfg.TrustedProxies), size)
	if !ok {
		return refuse(errUploadsBusy)
	}
	defer func() {
		if err != nil {
			giveBack()
		}
	}()
	// an upload that trickles in is cut off: it must not hold its bytes
	// of the budget for long
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadTime))
	body := &bodyReader{r: http.MaxBytesReader(w, r.Body, limit)}
	r.Body = body
	// left is how much more the body may hold: no part is longer
	left := func() int64 {
		if r.ContentLength < 0 {
			return 0
		}
		return r.ContentLength - body.n + 4<<10 // what the form reader holds read ahead
	}
	if !multipart {
		// the API also takes the document as the body
		data, err := readAll(body, left(), s.cfg.MaxUpload)
		if err != nil && !errors.Is(err, errTooLarge) {
			err = errIncomplete
		}
		if err != nil {
			return nil, nil, body.failure(err)
		}
		return &draft{data: data, name: "draft", contentType: r.Header.Get("Content-Type")}, giveBack, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, errBadForm
	}
	var file, text *draft
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, body.failure(errBadForm)
		}
		switch part.FormName() {
		case "file":
			if part.FileName() == "" {
				continue
			}
			data, err := readAll(part, left(), s.cfg.MaxUpload)
			if err != nil && !errors.Is(err, errTooLarge) {
				err = errBadForm
			}
			if err != nil {
				return nil, nil, body.failure(err)
			}
			if len(data) > 0 {
				file = &draft{data: data, name: part.FileName(), contentType: part.Header.Get("Content-Type")}
			}
		case "text":
			data, err := readAll(part, left(), maxPaste)
			if errors.Is(err, errTooLarge) {
				err = errPasteTooLarge
			} else if err != nil {
				err = errBadForm
			}
			if err != nil {
				return nil, nil, body.failure(err)
			}
			if strings.TrimSpace(string(data)) != "" {
				text = &draft{data: data, name: pastedName, contentType: "text/plain; charset=utf-8"}
			}
		}
		part.Close()
	}
	if file != nil {
		return file, giveBack, nil
	}
	if text != nil {
		return text, giveBack, nil
	}
	return nil, nil, errNoDraft
}

// readAll reads r to its end: errTooLarge past limit bytes. expect is how
// much may come (0 when unknown): the buffer is made that size at once,
// not grown by doubling as io.ReadAll does, which would hold up to twice
// the bytes; it grows only when the length was not given.
func readAll(r io.Reader, expect, limit int64) ([]byte, error) {
	size := int64(64 << 10)
	if expect > 0 {
		size = expect
	}
	buf := make([]byte, 0, min(size, limit+1))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, errTooLarge
			}
			// full: is there more?
			var probe [1]byte
			if _, err := io.ReadFull(r, probe[:]); err == io.EOF {
				return buf, nil
			} else if err != nil {
				return nil, err
			}
			if int64(len(buf)) >= limit {
				return nil, errTooLarge
			}
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), limit+1))
			copy(grown, buf)
			buf = append(grown, probe[0])
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if int64(len(buf)) > limit {
				return nil, errTooLarge
			}
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// bodyReader counts the bytes of a request's body and remembers the
// first error in reading it, so that an upload cut short (the client went
// away, or stalled past its time) is told from one over the limit and
// from a malformed form.
type bodyReader struct {
	r   io.ReadCloser
	n   int64
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

func (b *bodyReader) Close() error { return b.r.Close() }

// failure is errTooLarge when the body went over the limit,
// errIncomplete when it could not be read to its end, else otherwise.
func (b *bodyReader) failure(otherwise error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(b.err, &mbe):
		return errTooLarge
	case b.err != nil:
		return errIncomplete
	}
	return otherwise
}
