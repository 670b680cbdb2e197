package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// ConfirmField is the form field that a confirmation page's "Yes" button
// sends. A handler of an action that cannot be undone refuses a POST
// without it and shows the confirmation page instead.
const ConfirmField = "confirmed"

// Confirmed reports whether the form carries the confirmation of an action
// that cannot be undone.
func (f *Form) Confirmed() bool { return f.Get(ConfirmField) == "yes" }

// Confirmation is the data of the page that asks before an action that
// cannot be undone: what will happen, a "Yes, …" button that posts the
// confirmation (with CSRF) and a way back. It works without JavaScript.
type Confirmation struct {
	Title   string   // the question, e.g. "Cancel your registration?"
	Intro   string   // one sentence on what is about to happen
	Effects []string // what will happen, one consequence a line
	Action  string   // where the "Yes" button posts
	Button  string   // the button's words, e.g. "Yes, cancel my registration"
	// Note replaces "This cannot be undone." for an action that can be
	// put right later (it says how).
	Note      string
	Back      string // where "No" leads
	BackLabel string // the words of that link
	// Hidden are fields sent again with the confirmation (already checked).
	Hidden map[string]string
	// Reason, when set, asks for a reason on the page itself.
	Reason *ReasonField
	// Form holds the reason's value and error when shown again.
	Form *Form
}

// ReasonField is a text area asked for on a confirmation page.
type ReasonField struct {
	Name, Label, Hint string
	MaxLength         int
}

// ConfirmPage is the kit's confirmation page ("web/confirm").
const ConfirmPage = "web/confirm"

// RenderConfirmation shows the confirmation page with status: 200 when the
// page is asked for, 422 when a POST arrived without the confirmation.
func RenderConfirmation(c echo.Context, page *Page, status int, d Confirmation) error {
	if d.Form == nil {
		d.Form = NewForm()
	}
	if d.BackLabel == "" {
		d.BackLabel = "No, go back"
	}
	return page.Render(c, status, d)
}

// RefuseUnconfirmed is the status of a confirmation page shown in answer to
// a POST that lacked the confirmation: nothing was changed.
const RefuseUnconfirmed = http.StatusUnprocessableEntity

// Confirm parses the form of an action that cannot be undone and reports
// whether it carries the confirmation. When it does not, Confirm has shown
// the confirmation page d (422) and the handler returns err, changing
// nothing.
func Confirm(c echo.Context, page *Page, d Confirmation) (ok bool, err error) {
	f, err := ParseForm(c)
	if err != nil {
		return false, err
	}
	if !f.Confirmed() {
		return false, RenderConfirmation(c, page, RefuseUnconfirmed, d)
	}
	return true, nil
}
