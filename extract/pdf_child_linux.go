package extract

import (
	"os/exec"
	"syscall"
)

// isolateChild puts the child in its own process group, so that the kill
// at the deadline also reaches pdftoppm and tesseract when it runs them,
// and asks the kernel to kill it if the parent dies first.
func isolateChild(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
