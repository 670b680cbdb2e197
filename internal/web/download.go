package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Downloads lets exports and archives outlast the server's write timeout,
// which stays short for ordinary pages, and keeps count of those in
// progress so that shutdown can wait for them.
type Downloads struct {
	// Timeout is how long one download may take to send.
	Timeout time.Duration
	wg      sync.WaitGroup
}

// downloadKey holds the request's Downloads in the Echo context.
const downloadKey = "groundwork.downloads"

// middleware offers d to the request's handler and, when the handler
// started a download, counts it as finished once the handler returns.
func (d *Downloads) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		started := false
		c.Set(downloadKey, func() {
			if started {
				return
			}
			started = true
			d.wg.Add(1)
			// The error only means the writer cannot take a deadline
			// (a test recorder): there is no server timeout to outlast.
			_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(d.Timeout))
		})
		defer func() {
			if started {
				d.wg.Done()
			}
		}()
		return next(c)
	}
}

// Wait waits until no download is in progress or ctx is done, and reports
// whether all finished.
func (d *Downloads) Wait(ctx context.Context) bool {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// StartDownload marks the response as a download: it may take up to the
// configured download timeout to send, and shutdown waits for it. Call it
// before the first byte; StartCSV does.
func StartDownload(c echo.Context) {
	if start, ok := c.Get(downloadKey).(func()); ok {
		start()
	}
}
