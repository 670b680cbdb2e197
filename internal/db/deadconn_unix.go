//go:build unix

package db

import (
	"errors"
	"net"
	"syscall"
)

// peekIdle does a non-blocking MSG_PEEK read on the socket: EAGAIN means open
// and idle; zero bytes means the peer closed it; bytes mean an unsolicited
// message, which on an idle PostgreSQL connection is a termination notice.
func peekIdle(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	idle := false
	var buf [1]byte
	err = rc.Read(func(fd uintptr) bool {
		n, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		idle = n < 0 && (errors.Is(rerr, syscall.EAGAIN) || errors.Is(rerr, syscall.EWOULDBLOCK))
		return true
	})
	return err == nil && idle
}
