package mail

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig is how to reach the SMTP server.
type SMTPConfig struct {
	Host               string
	Port               int
	Username, Password string
	From               string
	TLS                string // "starttls", "tls" or "none"
}

// SMTPSender sends mail through an SMTP server.
type SMTPSender struct {
	client *gomail.Client
	from   string
	domain string // the sender's domain, the right-hand side of every Message-ID
}

// NewSMTPSender checks cfg and returns a sender.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	opts := []gomail.Option{gomail.WithPort(cfg.Port)}
	switch cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp from address %q: %w", cfg.From, err)
	}
	domain := from.Address[strings.LastIndex(from.Address, "@")+1:]
	return &SMTPSender{client: client, from: cfg.From, domain: domain}, nil
}

// messageID is m's Message-ID (without its angle brackets) at the sender's
// domain, naming the domain the mail comes from rather than the machine
// that sent it (RFC 5322, section 3.6.4): the outbox item's ID, the same
// on every attempt, or, for a message from outside the outbox, at least 128
// random bits.
func (s *SMTPSender) messageID(m Message) string {
	if m.ID != "" {
		return m.ID + "@" + s.domain
	}
	return rand.Text() + "@" + s.domain
}

// Send delivers m.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return err
	}
	if err := msg.To(m.To); err != nil {
		return errors.New("invalid recipient")
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(s.messageID(m))
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.Calendar != "" {
		method := "REQUEST"
		if strings.Contains(m.Calendar, "METHOD:CANCEL") {
			method = "CANCEL"
		}
		if err := msg.AttachReader("invitation.ics", strings.NewReader(m.Calendar),
			gomail.WithFileContentType(gomail.ContentType("text/calendar; charset=utf-8; method="+method))); err != nil {
			return fmt.Errorf("attach invitation: %w", err)
		}
	}
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return nil
}

func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}
