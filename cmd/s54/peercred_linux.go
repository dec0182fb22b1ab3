//go:build linux

package main

import (
	"net"
	"os"
	"syscall"
)

// peerAllowed reports whether the process at the other end of a local
// connection runs as this server's user (or root, who could read the
// token anyway): the kernel says, whatever the socket's mode.
func peerAllowed(c net.Conn) bool {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return false
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return false
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil || credErr != nil {
		return false
	}
	return int(cred.Uid) == os.Geteuid() || cred.Uid == 0
}
