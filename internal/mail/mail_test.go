package mail_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"groundwork/internal/clock"
	"groundwork/internal/db/dbtest"
	"groundwork/internal/mail"
	"groundwork/internal/mail/mailtest"
)

func TestEnqueueRefusesBadMessages(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	bad := []mail.Message{
		{To: "not an address", Subject: "s", Body: "b"},
		{To: "a@example.org, b@example.org", Subject: "s", Body: "b"},
		{To: "a@example.org", Subject: "s\r\nBcc: victim@example.org", Body: "b"},
		{To: "a@example.org", Subject: "", Body: "b"},
	}
	if err := mail.Enqueue(context.Background(), conn, "", mail.Message{To: "a@example.org", Subject: "s", Body: "b"}); err == nil {
		t.Error("Enqueue accepted a mail with no kind")
	}
	for _, m := range bad {
		if err := mail.Enqueue(context.Background(), conn, mail.Reminder, m); err == nil {
			t.Errorf("Enqueue(%+v) accepted", m)
		}
	}
	items, err := mail.List(context.Background(), conn, mail.Filter{})
	if err != nil || len(items) != 0 {
		t.Fatalf("refused mail was stored: %v %v", items, err)
	}
}

func TestSendDueDeliversOnce(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	ctx := context.Background()
	for i := range 30 {
		if err := mail.Enqueue(ctx, conn, mail.Reminder, mail.Message{To: fmt.Sprintf("p%d@example.org", i), Subject: "Hello", Body: "Body"}); err != nil {
			t.Fatal(err)
		}
	}
	rec := &mailtest.Recorder{}
	// Three replicas sending at once must never deliver a message twice.
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := mail.NewOutbox(conn, rec, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.System)
			for {
				n, err := out.SendDue(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	sent := rec.Sent()
	seen := map[string]int{}
	for _, m := range sent {
		seen[m.To]++
	}
	if len(sent) != 30 || len(seen) != 30 {
		t.Fatalf("sent %d messages to %d addresses, want 30 each once", len(sent), len(seen))
	}
	unsent, _ := mail.List(ctx, conn, mail.Filter{Unsent: true})
	if len(unsent) != 0 {
		t.Fatalf("%d messages still unsent", len(unsent))
	}
}

func TestFailingSenderBacksOffThenGivesUp(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	ctx := context.Background()
	if err := mail.Enqueue(ctx, conn, mail.PasswordReset, mail.Message{To: "a@example.org", Subject: "S", Body: "B /reset/SECRET"}); err != nil {
		t.Fatal(err)
	}
	rec := &mailtest.Recorder{Fail: errors.New("550 <A@example.org>: mailbox unavailable")}
	clk := &clock.Moving{}
	out := mail.NewOutbox(conn, rec, slog.New(slog.NewTextHandler(io.Discard, nil)), clk)
	for attempt := 1; attempt <= 8; attempt++ {
		if n, err := out.SendDue(ctx); err != nil || n != 0 {
			t.Fatalf("attempt %d: SendDue = %d, %v", attempt, n, err)
		}
		items, _ := mail.List(ctx, conn, mail.Filter{})
		it := items[0]
		if it.Attempts != attempt || it.LastError == "" {
			t.Fatalf("after attempt %d: %+v", attempt, it)
		}
		if attempt < 8 {
			wait := it.NextAttemptAt.Sub(clk.Now())
			backoff := min(time.Duration(1<<(attempt-1))*time.Minute, time.Hour)
			if it.Status() != "pending" || wait < backoff-time.Second || wait > backoff {
				t.Fatalf("attempt %d: status %s, retry in %v", attempt, it.Status(), wait)
			}
			if n, _ := out.SendDue(ctx); n != 0 {
				t.Fatal("a message was retried before its back-off")
			}
			clk.Move(backoff) // wait out the back-off
		} else if it.Status() != "failed" {
			t.Fatalf("after 8 attempts the status is %s, want failed", it.Status())
		}
		if strings.Contains(strings.ToLower(it.LastError), "a@example.org") {
			t.Fatalf("the error kept the address: %q", it.LastError)
		}
	}
	// Failed for good: nothing of what the mail said, or to whom, remains.
	if found := dbtest.Mentions(t, conn, "a@example.org", "SECRET"); len(found) > 0 {
		t.Fatalf("a failed mail kept its content:\n%s", strings.Join(found, "\n"))
	}
}

func TestWithoutSMTPMailStaysAndLogsNoPersonalData(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	ctx := context.Background()
	if err := mail.Enqueue(ctx, conn, mail.PasswordReset, mail.Message{To: "private@example.org", Subject: "Secret subject", Body: "token ABC123"}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	clk := &clock.Moving{}
	out := mail.NewOutbox(conn, nil, slog.New(slog.NewJSONHandler(&logs, nil)), clk)
	out.SendDue(ctx)
	out.SendDue(ctx)
	if strings.Count(logs.String(), "mail queued") != 1 {
		t.Fatalf("want one log line per message:\n%s", logs.String())
	}
	for _, secret := range []string{"private@example.org", "Secret subject", "ABC123"} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("the log holds %q", secret)
		}
	}
	if items, _ := mail.List(ctx, conn, mail.Filter{Unsent: true}); len(items) != 1 {
		t.Fatal("the mail left the outbox without a sender")
	}
	// After a day unsent, the mail is given up and purged.
	clk.Move(25 * time.Hour)
	if _, err := out.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	items, _ := mail.List(ctx, conn, mail.Filter{})
	if len(items) != 1 || items[0].Status() != "failed" || items[0].Kind != mail.PasswordReset {
		t.Fatalf("a day later: %+v", items)
	}
	if found := dbtest.Mentions(t, conn, "private@example.org", "Secret subject", "ABC123"); len(found) > 0 {
		t.Fatalf("mail given up kept its content:\n%s", strings.Join(found, "\n"))
	}
}

// TestSentMailIsPurged: once delivered, a mail keeps its kind, times,
// attempts and status, and nothing of its recipient, subject, body or
// calendar.
func TestSentMailIsPurged(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	ctx := context.Background()
	msg := mail.Message{To: "noor@example.org", Subject: "Your place: Naloxone", Body: "Hello Noor, /registrations/LINKTOKEN", Calendar: "BEGIN:VCALENDAR\r\nATTENDEE:Noor\r\nEND:VCALENDAR\r\n"}
	if err := mail.Enqueue(ctx, conn, mail.Registration, msg); err != nil {
		t.Fatal(err)
	}
	rec := &mailtest.Recorder{}
	out := mail.NewOutbox(conn, rec, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.System)
	if n, err := out.SendDue(ctx); n != 1 || err != nil {
		t.Fatalf("SendDue = %d, %v", n, err)
	}
	sent := rec.Sent()
	if len(sent) != 1 || sent[0].Body != msg.Body || sent[0].Kind != mail.Registration || sent[0].Calendar != msg.Calendar {
		t.Fatalf("delivered %+v", sent)
	}
	items, err := mail.List(ctx, conn, mail.Filter{})
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox: %v %v", items, err)
	}
	it := items[0]
	if it.To != "" || it.Subject != "" || it.Body != "" || it.Calendar != "" {
		t.Fatalf("the sent mail kept its content: %+v", it)
	}
	if it.Kind != mail.Registration || it.Status() != "sent" || it.Attempts != 1 || it.SentAt == nil || it.CreatedAt.IsZero() {
		t.Fatalf("the sent mail lost what shows it went: %+v", it)
	}
	if found := dbtest.Mentions(t, conn, "noor", "Naloxone", "LINKTOKEN"); len(found) > 0 {
		t.Fatalf("the database still holds the mail:\n%s", strings.Join(found, "\n"))
	}
}

// smtpServer is a minimal SMTP server on loopback that records what it is
// sent, standing in for a real mail server.
func smtpServer(t *testing.T) (addr string, got chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		var all strings.Builder
		fmt.Fprint(c, "220 test ESMTP\r\n")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			all.WriteString(line)
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				fmt.Fprint(c, "250-test\r\n250 8BITMIME\r\n")
			case cmd == "DATA":
				fmt.Fprint(c, "354 go ahead\r\n")
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					all.WriteString(l)
					if l == ".\r\n" {
						break
					}
				}
				fmt.Fprint(c, "250 queued\r\n")
			case cmd == "QUIT":
				fmt.Fprint(c, "221 bye\r\n")
				got <- all.String()
				return
			default:
				fmt.Fprint(c, "250 ok\r\n")
			}
		}
	}()
	return ln.Addr().String(), got
}

// smtpSender is a sender talking to a fake SMTP server, and the channel
// that receives each conversation.
func smtpSender(t *testing.T) (*mail.SMTPSender, chan string) {
	t.Helper()
	addr, got := smtpServer(t)
	host, port, _ := net.SplitHostPort(addr)
	var p int
	fmt.Sscan(port, &p)
	s, err := mail.NewSMTPSender(mail.SMTPConfig{Host: host, Port: p, From: "Groundwork <gw@example.org>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	return s, got
}

func TestSMTPSenderDelivers(t *testing.T) {
	t.Parallel()
	s, got := smtpSender(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Send(ctx, mail.Message{To: "trainee@example.org", Subject: "Welcome aboard", Body: "Hello"}); err != nil {
		t.Fatal(err)
	}
	conversation := <-got
	for _, want := range []string{"RCPT TO:<trainee@example.org>", "Subject: Welcome aboard", "MAIL FROM:<gw@example.org>"} {
		if !strings.Contains(conversation, want) {
			t.Errorf("the server did not receive %q:\n%s", want, conversation)
		}
	}
}

func TestSMTPSenderAttachesTheInvitation(t *testing.T) {
	t.Parallel()
	s, got := smtpSender(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cal := "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
	if err := s.Send(ctx, mail.Message{To: "guest@example.org", Subject: "Your place", Body: "Hello", Calendar: cal}); err != nil {
		t.Fatal(err)
	}
	conversation := <-got
	for _, want := range []string{"text/calendar; charset=utf-8; method=REQUEST", `filename="invitation.ics"`} {
		if !strings.Contains(conversation, want) {
			t.Errorf("the mail lacks %q:\n%s", want, conversation)
		}
	}
}

// The Message-ID names the sender's domain (of GROUNDWORK_SMTP_FROM), not
// the machine's host name, and differs from one mail to the next. The mail
// the fake server receives is read back with net/mail.
func TestSMTPSenderMessageIDUsesTheSendersDomain(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{}
	for range 2 {
		s, got := smtpSender(t)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := s.Send(ctx, mail.Message{To: "trainee@example.org", Subject: "Welcome aboard", Body: "Hello"}); err != nil {
			cancel()
			t.Fatal(err)
		}
		cancel()
		conversation := <-got
		_, data, ok := strings.Cut(conversation, "DATA\r\n")
		if !ok {
			t.Fatalf("no DATA in the conversation:\n%s", conversation)
		}
		data, _, _ = strings.Cut(data, "\r\n.\r\n")
		msg, err := netmail.ReadMessage(strings.NewReader(data))
		if err != nil {
			t.Fatalf("net/mail cannot read the mail: %v\n%s", err, data)
		}
		id := msg.Header.Get("Message-ID")
		if !messageID.MatchString(id) {
			t.Fatalf("Message-ID %q; want <random@example.org>", id)
		}
		ids[id] = true
	}
	if len(ids) != 2 {
		t.Fatalf("two mails share a Message-ID: %v", ids)
	}
}

// messageID is a Message-ID at the test sender's domain (gw@example.org).
var messageID = regexp.MustCompile(`^<[A-Za-z0-9]{20,}@example\.org>$`)
