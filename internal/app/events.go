package app

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/db"
	"groundwork/internal/events"
	"groundwork/internal/web"
)

// buildEvents wires public sessions: the service, its pages, and the key of
// registrants' private links (kept in the database, shared by replicas).
func (a *App) buildEvents(admin *echo.Group, renderer *web.Renderer) error {
	key, err := db.Secret(context.Background(), a.DB, "registration_link_key", 32)
	if err != nil {
		return err
	}
	var sender string // the invitations' organiser, when the From address parses
	if from, err := mail.ParseAddress(a.Config.SMTPFrom); err == nil {
		sender = from.Address
	}
	a.Events = &events.Service{DB: a.DB, Courses: a.Courses, Certificates: a.Certificates, Sender: sender,
		BaseURL: strings.TrimRight(a.Config.BaseURL, "/"), Organisation: strings.TrimSpace(a.Config.Organisation),
		Link: events.Link{Key: key}, ReminderBefore: time.Duration(a.Config.ReminderHours) * time.Hour,
		Retention: time.Duration(a.Config.RetentionDays) * 24 * time.Hour, Logger: a.Logger, Clock: a.Clock}
	return events.Routes(a.Echo, admin, renderer, a.Events, account.RequireRole(account.Admin, account.Supervisor))
}
