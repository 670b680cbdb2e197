//go:build unix

package certificate_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
)

// TestCertificateArchivesFinish downloads a cohort's certificates through
// Groundwork's own server to a client that reads slowly, so the archive
// takes longer to send than the server's write timeout: it must arrive
// whole, and SIGTERM in the middle of it must let it finish.
func TestCertificateArchivesFinish(t *testing.T) {
	t.Parallel()
	const writeTimeout = 200 * time.Millisecond
	site := apptest.Serve(t, "", func(cfg *app.Config) {
		cfg.WriteTimeout = writeTimeout
		cfg.ShutdownGrace = time.Millisecond
	})
	tm := teamOn(t, site)
	// Eight certificates make an archive larger than the socket buffers
	// between server and client hold, so the server is still writing when
	// the client pauses.
	const n = 8
	cohort := tm.cohortOf(t, n, "Aroha Ngata")
	path := "/admin/certificates/cohort.zip?cohort=" + cohort.ID

	t.Run("longer than the write timeout", func(t *testing.T) {
		body, took := slowDownload(t, tm, path, nil)
		t.Logf("%d bytes in %v", len(body), took)
		if took <= writeTimeout {
			t.Fatalf("the download took %v, not longer than the write timeout: the test proves nothing", took)
		}
		wholeArchive(t, body, n)
	})
	t.Run("SIGTERM in the middle", func(t *testing.T) {
		// Once Serve returns the process exits, cutting whatever is still
		// being sent: it must return only after the archive's last byte
		// has been written, while the archive is still being drawn when
		// the signal comes and the grace for ordinary requests is over.
		stopped := make(chan error, 1)
		var logsAtStop string
		body, _ := slowDownload(t, tm, path, func() {
			go func() { err := site.Shutdown(); logsAtStop = site.Logs.String(); stopped <- err }()
		})
		wholeArchive(t, body, n)
		if err := <-stopped; err != nil {
			t.Fatalf("shutdown during a download = %v, want a clean stop once it finished", err)
		}
		if !strings.Contains(logsAtStop, `"route":"/admin/certificates/cohort.zip","status":200`) ||
			strings.Contains(logsAtStop, "interrupted") {
			t.Fatalf("the server stopped before it finished sending the archive; its logs then:\n%s", logsAtStop)
		}
	})
}

// slowDownload fetches path as the admin through a small receive window,
// reading 4 KiB every 10 ms; midway, once the first bytes are in, it calls
// midway (when not nil). It returns the body and how long it took.
func slowDownload(t *testing.T, tm *team, path string, midway func()) ([]byte, time.Duration) {
	t.Helper()
	dialer := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		_ = rc.Control(func(fd uintptr) {
			err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		return err
	}}
	client := *tm.adminAt.Client()
	client.Transport = &http.Transport{DialContext: dialer.DialContext, DisableCompression: true}
	start := time.Now()
	resp, err := client.Get(tm.adminAt.URL(path))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s = %d", path, resp.StatusCode)
	}
	var body bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		body.Write(buf[:n])
		if midway != nil && body.Len() > 0 {
			midway()
			midway = nil
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the download broke after %d bytes and %v: %v", body.Len(), time.Since(start), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return body.Bytes(), time.Since(start)
}

// wholeArchive checks body is a ZIP of n files that all read.
func wholeArchive(t *testing.T, body []byte, n int) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the archive (%d bytes) does not read: %v", len(body), err)
	}
	if len(zr.File) != n {
		t.Fatalf("the archive holds %d files, want %d", len(zr.File), n)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatalf("%s does not read whole: %v", f.Name, err)
		}
		rc.Close()
	}
}
