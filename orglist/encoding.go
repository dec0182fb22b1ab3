package orglist

import (
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// latinFallback passes UTF-8 through and reads every byte that is not part
// of a valid UTF-8 sequence as windows-1252. Lists are exported from Excel
// in windows-1252 ("£", "é", no-break spaces) as often as in UTF-8, and some
// mix the two; byte by byte, both come out right.
type latinFallback struct {
	r     io.Reader
	in    []byte // undecoded bytes
	out   []byte // decoded, not yet returned
	eof   bool
	latin bool // some byte was read as windows-1252
}

func (l *latinFallback) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if l.eof && len(l.in) == 0 {
			return 0, io.EOF
		}
		if !l.eof {
			buf := make([]byte, 32<<10)
			n, err := l.r.Read(buf)
			l.in = append(l.in, buf[:n]...)
			if err == io.EOF {
				l.eof = true
			} else if err != nil {
				return 0, err
			}
		}
		l.decode()
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}

// decode moves what can be decoded from in to out; an incomplete sequence
// at the end waits for more bytes unless the input has ended.
func (l *latinFallback) decode() {
	i := 0
	for i < len(l.in) {
		c := l.in[i]
		if c < utf8.RuneSelf {
			l.out = append(l.out, c)
			i++
			continue
		}
		if !l.eof && !utf8.FullRune(l.in[i:]) {
			break
		}
		r, size := utf8.DecodeRune(l.in[i:])
		if r == utf8.RuneError && size <= 1 {
			l.out = utf8.AppendRune(l.out, charmap.Windows1252.DecodeByte(c))
			l.latin = true
			i++
			continue
		}
		l.out = append(l.out, l.in[i:i+size]...)
		i += size
	}
	l.in = append(l.in[:0], l.in[i:]...)
}
