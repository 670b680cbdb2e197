package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/mail"
	"net/url"
	"reflect"
	"sort"
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
	order  []string          // the failed fields, in the order they failed
	ids    map[string]string // control ids that are not FieldID's (see Anchor)
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
	"access_needs": true, "address": true, "comment": true, "criteria_lines": true, "description": true, "emails": true, "evidence": true,
	"feedback": true, "markdown": true, "private_note": true, "prompt_lines": true, "reason": true, "reference_lines": true, "scenario": true, "summary": true, "yaml": true,
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
		f.order = append(f.order, field)
	}
}

// FailOn records the message of err for field and reports true when err is
// a domain error the person can correct (fault.CodeInvalid); any other
// error is left for the caller to return.
func (f *Form) FailOn(err error, field string) bool {
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != fault.CodeInvalid {
		return false
	}
	f.Fail(field, fe.Message)
	return true
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

// FieldID is the id of the input for field: the target of the error
// summary's link. A group of radios or checkboxes gives it to its first one.
func FieldID(field string) string { return "f-" + field }

// Anchor says that field's control has the id id rather than FieldID's,
// for pages that repeat a form (one per competency, say) and so need ids
// of their own. It returns f, so a page can write f.Anchor(...).Fail(...).
func (f *Form) Anchor(field, id string) *Form {
	if f.ids == nil {
		f.ids = map[string]string{}
	}
	f.ids[field] = id
	return f
}

// ID is the id of field's control: FieldID, unless Anchor set another.
func (f *Form) ID(field string) string {
	if f != nil {
		if id, ok := f.ids[field]; ok {
			return id
		}
	}
	return FieldID(field)
}

// Problem is one failed field as the error summary lists it.
type Problem struct {
	Field, ID, Message string
}

// Problems lists the failed fields in the order they failed (then, for
// messages set on Errors directly, by name).
func (f *Form) Problems() []Problem {
	if f == nil || len(f.Errors) == 0 {
		return nil
	}
	out := make([]Problem, 0, len(f.Errors))
	seen := map[string]bool{}
	add := func(field string) {
		if msg, ok := f.Errors[field]; ok && !seen[field] {
			seen[field] = true
			out = append(out, Problem{Field: field, ID: f.ID(field), Message: msg})
		}
	}
	for _, field := range f.order {
		add(field)
	}
	rest := make([]string, 0, len(f.Errors))
	for field := range f.Errors {
		if !seen[field] {
			rest = append(rest, field)
		}
	}
	sort.Strings(rest)
	for _, field := range rest {
		add(field)
	}
	return out
}

// Invalid returns the attributes that mark field's control as failed and
// point at its message, for inputs the "field" partial does not draw (text
// areas, selects, radios): <textarea id="f-comment" name="comment"{{$f.Invalid "comment"}}>.
// It is empty when the field is fine.
func (f *Form) Invalid(field string) template.HTMLAttr {
	if f == nil || f.Errors[field] == "" {
		return ""
	}
	id := template.HTMLEscapeString(f.ID(field))
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="` + id + `-error"`)
}

// Problem returns field's failure for the "field-error" partial, which
// draws its message (with the id Invalid points at) or nothing.
func (f *Form) Problem(field string) Problem {
	if f == nil {
		return Problem{Field: field, ID: FieldID(field)}
	}
	return Problem{Field: field, ID: f.ID(field), Message: f.Errors[field]}
}

// FormProblems is implemented by page data that holds its forms somewhere
// the renderer cannot find them (see formsIn).
type FormProblems interface {
	FormProblems() []Problem
}

// formsIn collects the problems of every form in a page's data: a *Form,
// a struct or map holding one (at most three levels down), or a
// FormProblems. The layout shows them in the error summary and marks the
// title.
func formsIn(data any) []Problem {
	var out []Problem
	collectProblems(reflect.ValueOf(data), 0, &out)
	return out
}

var formType = reflect.TypeFor[*Form]()

func collectProblems(v reflect.Value, depth int, out *[]Problem) {
	if !v.IsValid() || depth > 3 {
		return
	}
	if v.Kind() == reflect.Interface || (v.Kind() == reflect.Pointer && v.Type() != formType) {
		if v.IsNil() {
			return
		}
		if v.CanInterface() {
			if fp, ok := v.Interface().(FormProblems); ok {
				*out = append(*out, fp.FormProblems()...)
				return
			}
		}
		collectProblems(v.Elem(), depth, out)
		return
	}
	switch v.Kind() {
	case reflect.Pointer: // a *Form
		if !v.IsNil() {
			*out = append(*out, v.Interface().(*Form).Problems()...)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				collectProblems(v.Field(i), depth+1, out)
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.String {
			iter := v.MapRange()
			for iter.Next() {
				collectProblems(iter.Value(), depth+1, out)
			}
		}
	}
}
