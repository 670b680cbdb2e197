// Package mailtest offers a Sender that records messages instead of
// sending them, standing in for the SMTP server in tests.
package mailtest

import (
	"context"
	"sync"

	"groundwork/internal/mail"
)

// Recorder is a mail.Sender that keeps every message, and can be told to fail.
type Recorder struct {
	mu   sync.Mutex
	sent []mail.Message
	Fail error // when set, Send returns it and records nothing
}

// Send records m, or returns r.Fail.
func (r *Recorder) Send(_ context.Context, m mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Fail != nil {
		return r.Fail
	}
	r.sent = append(r.sent, m)
	return nil
}

// Sent returns a copy of the messages sent so far.
func (r *Recorder) Sent() []mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mail.Message(nil), r.sent...)
}
