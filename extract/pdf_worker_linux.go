package extract

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/s54dev/s54/internal/procstat"
)

// isolateChild puts a worker in its own process group, so that the kill at
// the deadline (killGroup) also reaches pdftoppm and tesseract when it runs
// them, and asks the kernel to kill it if the parent dies first.
func isolateChild(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills a worker and whatever it started.
func killGroup(p *os.Process) {
	syscall.Kill(-p.Pid, syscall.SIGKILL)
	p.Kill()
}

// limitMemory lets the process map at most bytes more of private writable
// memory than it has now (RLIMIT_DATA: heap, thread stacks and anonymous
// mappings, counted when mapped, not when written; the address space the
// Go runtime and wazero reserve without access does not count). The
// limit is on top of what the process holds at start: that is ~120 MB
// before it reads anything (~440 MB under the race detector), most of it
// mapped but never touched, and a limit under it would fail the first
// thread stack the runtime maps, whatever the document. Children inherit
// it.
func limitMemory(bytes int64) error {
	limit := uint64(bytes + procstat.Bytes("self", "VmData"))
	return syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: limit, Max: limit})
}

// residentBytes is a process's resident memory, or 0 when unknown.
func residentBytes(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
