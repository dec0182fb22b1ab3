// Package s54 holds what the s54 binary carries with it besides its code:
// the sample web of company sites that s54 demo serves, which is the
// tests' fake web (testdata/web), written for this project.
package s54

import (
	"embed"
	"io/fs"
)

//go:embed testdata/web
var sampleWeb embed.FS

// SampleWeb returns the sample web's files: sites.yaml and a folder per
// site.
func SampleWeb() fs.FS {
	sub, err := fs.Sub(sampleWeb, "testdata/web")
	if err != nil {
		panic(err)
	}
	return sub
}
