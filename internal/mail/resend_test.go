package mail_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/db/dbtest"
	"groundwork/internal/mail"
	"groundwork/internal/mail/mailtest"
)

// TestADatabaseDropWhileSendingDoesNotSendTwice: the database goes away
// (every connection cut, new ones refused) while the SMTP server accepts a
// message, and comes back a second later. The outbox must record the
// message as sent once the database is back, and never send it again.
func TestADatabaseDropWhileSendingDoesNotSendTwice(t *testing.T) {
	t.Parallel()
	if !dbtest.Postgres() {
		t.Skip("a database that drops and comes back needs a server: PostgreSQL only")
	}
	target, err := url.Parse(dbtest.MigratedURL(t))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, target.Host)
	viaProxy := *target
	viaProxy.Host = p.addr
	ctx := context.Background()
	conn, err := db.Open(ctx, viaProxy.String(), db.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := mail.Enqueue(ctx, conn, mail.Reminder, mail.Message{To: "p@example.org", Subject: "Hello", Body: "Body"}); err != nil {
		t.Fatal(err)
	}
	clk := &clock.Moving{}
	sender := &droppingSender{proxy: p}
	out := mail.NewOutbox(conn, sender, slog.New(slog.NewTextHandler(io.Discard, nil)), clk)
	if sent, err := out.SendDue(ctx); err != nil || sent != 1 {
		t.Fatalf("SendDue across the drop = %d, %v; want 1 sent", sent, err)
	}
	clk.Move(time.Hour) // long past any lease
	if sent, err := out.SendDue(ctx); err != nil || sent != 0 {
		t.Fatalf("SendDue an hour later = %d, %v; want nothing", sent, err)
	}
	if got := len(sender.Sent()); got != 1 {
		t.Fatalf("the message went out %d times, want once", got)
	}
}

// droppingSender accepts each message, then drops the database for a
// second, as if it restarted while the SMTP conversation ended.
type droppingSender struct {
	mailtest.Recorder
	proxy *proxy
}

func (s *droppingSender) Send(ctx context.Context, m mail.Message) error {
	if err := s.Recorder.Send(ctx, m); err != nil {
		return err
	}
	s.proxy.drop(time.Second)
	return nil
}

// proxy forwards TCP connections to a database server and can drop them
// all and refuse new ones for a while.
type proxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target}
	p.listen("127.0.0.1:0")
	t.Cleanup(func() { p.close() })
	return p
}

func (p *proxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// close stops listening and cuts every connection.
func (p *proxy) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// drop cuts every connection, refuses new ones for d, then listens again
// on the same address.
func (p *proxy) drop(d time.Duration) {
	p.close()
	time.AfterFunc(d, func() { p.listen(p.addr) })
}

// TestAResentMessageKeepsItsMessageID: an outbox message sent twice (the
// rare case the database stayed away past the lease) carries one
// Message-ID, built from its outbox ID, so mail systems show it once.
func TestAResentMessageKeepsItsMessageID(t *testing.T) {
	t.Parallel()
	const id = "0193a5c4-7f1e-7c2a-9b1d-2f6e8a4c1b3d"
	var ids []string
	for range 2 {
		s, got := smtpSender(t)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := s.Send(ctx, mail.Message{ID: id, To: "trainee@example.org", Subject: "Welcome", Body: "Hello"})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		conversation := <-got
		_, data, _ := strings.Cut(conversation, "DATA\r\n")
		data, _, _ = strings.Cut(data, "\r\n.\r\n")
		msg, err := netmail.ReadMessage(strings.NewReader(data))
		if err != nil {
			t.Fatalf("net/mail cannot read the mail: %v", err)
		}
		ids = append(ids, msg.Header.Get("Message-ID"))
	}
	if want := "<" + id + "@example.org>"; ids[0] != want || ids[1] != want {
		t.Fatalf("Message-IDs %v; want both %s", ids, want)
	}
}
