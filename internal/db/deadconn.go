package db

import (
	"context"
	"database/sql/driver"
	"net"

	"github.com/uptrace/bun/driver/pgdriver"
)

// discardDeadConn runs before database/sql reuses a pooled PostgreSQL
// connection. pgdriver only notices that the server closed a connection (for
// example after a restart) when a query on it fails, so every pooled
// connection would fail one request (bun issue 525). Instead we peek at the
// socket without a round trip: an idle connection has nothing to read, so
// end-of-file or unread bytes mean the server closed it or sent a termination
// notice. Returning driver.ErrBadConn makes database/sql drop the connection
// and use another one, invisibly to the caller.
func discardDeadConn(_ context.Context, cn *pgdriver.Conn) error {
	if !socketIdle(cn.Conn()) {
		_ = cn.Close()
		return driver.ErrBadConn
	}
	return nil
}

// netConner is implemented by *tls.Conn.
type netConner interface{ NetConn() net.Conn }

// socketIdle reports whether c is open with nothing waiting to be read.
func socketIdle(c net.Conn) bool {
	if tc, ok := c.(netConner); ok {
		c = tc.NetConn()
	}
	return peekIdle(c)
}
