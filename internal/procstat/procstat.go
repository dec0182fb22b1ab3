// Package procstat reads a process's memory figures from Linux's /proc.
package procstat

import (
	"os"
	"strconv"
	"strings"
)

// Bytes is a field of /proc/PID/status counted in kB ("VmData",
// "VmHWM"), in bytes; pid may be "self". It is 0 when it cannot be read
// (not Linux, the process has gone).
func Bytes(pid, field string) int64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
