package procstat_test

import (
	"runtime"
	"testing"

	"github.com/s54dev/s54/internal/procstat"
)

func TestBytes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	if n := procstat.Bytes("self", "VmData"); n < 1<<20 {
		t.Errorf("VmData of this process: %d bytes", n)
	}
	if n := procstat.Bytes("self", "NoSuchField"); n != 0 {
		t.Errorf("a field that is not there: %d", n)
	}
	if n := procstat.Bytes("0", "VmData"); n != 0 {
		t.Errorf("no such process: %d", n)
	}
}
