package web_test

import (
	"os"
	"testing"

	"github.com/s54dev/s54/extract"
)

// TestMain lets the test binary read PDFs: the server reads an uploaded
// draft in a child process, which is this binary run again.
func TestMain(m *testing.M) {
	extract.RunChildIfRequested()
	os.Exit(m.Run())
}
