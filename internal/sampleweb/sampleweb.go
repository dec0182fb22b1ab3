// Package sampleweb is the sample web of fictional company sites, written
// for this project: what s54 demo serves and crawls, and the fake web the
// crawler, pipeline and command tests crawl (sites.yaml and a folder per
// site; see sites/README.md). It is embedded, so the binary carries it; it
// lives here rather than under testdata so that the binary ships no
// folder called testdata.
package sampleweb

import (
	"embed"
	"io/fs"
)

//go:embed sites
var files embed.FS

// FS returns the sample web's files: sites.yaml and a folder per site.
func FS() fs.FS {
	sub, err := fs.Sub(files, "sites")
	if err != nil {
		panic(err) // the folder is embedded above
	}
	return sub
}
