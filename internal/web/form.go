package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
)

// Form is a submitted form being validated: its trimmed values and a message
// per field that failed. Handlers re-render the form with both on failure.
type Form struct {
	Values url.Values
	Errors map[string]string
}

// NewForm returns an empty form, for the first rendering of a page.
func NewForm() *Form {
	return &Form{Values: url.Values{}, Errors: map[string]string{}}
}

// ParseForm reads the request's form. A body that is too large or malformed
// becomes a 413 or 400 error.
func ParseForm(c echo.Context) (*Form, error) {
	values, err := c.FormParams()
	if err != nil {
		return nil, formError(err)
	}
	f := NewForm()
	for k, vs := range values {
		if k == CSRFField {
			continue
		}
		for _, v := range vs {
			clean, problem := cleanText(strings.TrimSpace(v), IsMultiLine(k))
			if problem != "" {
				f.Fail(k, problem)
			}
			f.Values.Add(k, clean)
		}
	}
	return f, nil
}

// multiLineFields names the fields that are text areas somewhere in
// Groundwork: only they may hold line breaks. Every other field is one line,
// because its value ends up in a header, a file name or a one-line label.
var multiLineFields = map[string]bool{
	"access_needs": true, "address": true, "comment": true, "description": true, "evidence": true,
	"feedback": true, "private_note": true, "reason": true, "summary": true,
}

// IsMultiLine reports whether field may hold line breaks: the text areas
// above and the reflection prompts (prompt-1, prompt-2, ...).
func IsMultiLine(field string) bool {
	return multiLineFields[field] || strings.HasPrefix(field, "prompt-")
}

// cleanText removes what no text field may hold (NUL and the other control
// characters but tab and, in multi-line fields, line breaks) and says what
// was wrong, so the form can be shown again with a message for the field.
// Line breaks are kept as "\n".
func cleanText(v string, multiLine bool) (clean, problem string) {
	if multiLine {
		v = strings.ReplaceAll(v, "\r\n", "\n")
	}
	bad := func(r rune) bool {
		if r == '\t' || (multiLine && (r == '\n' || r == '\r')) {
			return false
		}
		return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)
	}
	if strings.IndexFunc(v, bad) < 0 {
		return v, ""
	}
	problem = "Remove the control characters (such as a NUL byte) from this text."
	if !multiLine && strings.ContainsAny(v, "\r\n") {
		problem = "Keep this to one line: remove the line breaks."
	}
	return strings.Map(func(r rune) rune {
		if bad(r) {
			return ' '
		}
		return r
	}, v), problem
}

// formError maps a failure to read a form to the error the person should see.
func formError(err error) error {
	var maxErr *http.MaxBytesError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &maxErr):
		return echo.ErrStatusRequestEntityTooLarge
	case errors.As(err, &he):
		return he
	default:
		return &fault.Error{Code: fault.CodeInvalid, Message: "The form could not be read. Try again.", Err: err}
	}
}

// HoneypotField names the hidden field of public forms that people never
// see and bots fill in.
const HoneypotField = "website"

// FromBot reports whether the honeypot field was filled in.
func (f *Form) FromBot() bool { return f.Get(HoneypotField) != "" }

// Get returns the trimmed value of field.
func (f *Form) Get(field string) string { return f.Values.Get(field) }

// Set replaces the value of field, for example to clear a password before
// re-rendering.
func (f *Form) Set(field, value string) { f.Values.Set(field, value) }

// Fail records message for field unless the field already has one.
func (f *Form) Fail(field, message string) {
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = message
	}
}

// Valid reports whether no field failed.
func (f *Form) Valid() bool { return len(f.Errors) == 0 }

// Required fails field when it is empty.
func (f *Form) Required(field, message string) {
	if f.Get(field) == "" {
		f.Fail(field, message)
	}
}

// MaxLength fails field when it has more than n characters.
func (f *Form) MaxLength(field string, n int) {
	if utf8.RuneCountInString(f.Get(field)) > n {
		f.Fail(field, "This is too long: use at most "+strconv.Itoa(n)+" characters.")
	}
}

// Email fails field unless it holds one plain email address.
func (f *Form) Email(field string) {
	v := f.Get(field)
	if v == "" {
		return
	}
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@'):], ".") {
		f.Fail(field, "Enter an email address like name@example.org.")
	}
}

// OneOf fails field unless its value is one of allowed.
func (f *Form) OneOf(field, message string, allowed ...string) {
	v := f.Get(field)
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	f.Fail(field, message)
}

// Years outside FirstYear and LastYear are refused by every date and time
// field: they are typing mistakes, and some (year 0, year 9999) break
// databases or calendar software.
const (
	FirstYear = 1900
	LastYear  = 2100
)

// Date parses field as a date (YYYY-MM-DD, as date inputs send it) at
// midnight UTC; empty is nil, and anything else, or a year outside
// FirstYear to LastYear, fails the field.
func (f *Form) Date(field string) *time.Time {
	v := f.Get(field)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		f.Fail(field, "Enter a date like 2026-09-01.")
		return nil
	}
	if !SaneYear(t) {
		f.Fail(field, fmt.Sprintf("Enter a date between %d and %d.", FirstYear, LastYear))
		return nil
	}
	return &t
}

// SaneYear reports whether t falls between FirstYear and LastYear.
func SaneYear(t time.Time) bool { return t.Year() >= FirstYear && t.Year() <= LastYear }

// Field describes one input for the "field" partial.
type Field struct {
	Name, Label, Type, Autocomplete, Value, Error string
}

// Field returns the input named name with its label, type, autocomplete
// hint, value and error, ready for the "field" partial. Password inputs never
// echo their value.
func (f *Form) Field(name, label, typ, autocomplete string) Field {
	fl := Field{Name: name, Label: label, Type: typ, Autocomplete: autocomplete, Value: f.Get(name), Error: f.Errors[name]}
	if typ == "password" {
		fl.Value = ""
	}
	return fl
}
