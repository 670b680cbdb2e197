package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	msg := gomail.NewMsg()
	if err := msg.From(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp from address %q: %w", cfg.From, err)
	}
	return &SMTPSender{client: client, from: cfg.From}, nil
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
