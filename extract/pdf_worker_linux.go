package extract

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
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

// limitMemory sets RLIMIT_DATA, which counts what is written to (heap,
// stacks, anonymous mappings), not the address space the Go runtime and
// wazero reserve without touching (RLIMIT_AS would trip over those).
// Children inherit it.
func limitMemory(bytes int64) error {
	return syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: uint64(bytes), Max: uint64(bytes)})
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
