package extract_test

import (
	"os"
	"testing"

	"github.com/s54dev/s54/extract"
)

// TestMain lets the test binary serve as the PDF child process: pdfText
// re-executes os.Executable(), which under go test is this binary.
func TestMain(m *testing.M) {
	extract.RunChildIfRequested()
	os.Exit(m.Run())
}
