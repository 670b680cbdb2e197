//go:build !unix

package db

import "net"

// peekIdle cannot inspect sockets on this platform; a dead connection then
// fails one query, as plain pgdriver does.
func peekIdle(net.Conn) bool { return true }
