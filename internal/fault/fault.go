// Package fault is Groundwork's vocabulary of domain errors: a code that
// says what kind of failure it is (not found, invalid, forbidden, conflict,
// unavailable, ...) and a message safe to show to the person who caused it.
// It knows nothing of HTTP; the web kit maps each code to a status in one
// place.
package fault

import (
	"errors"
	"fmt"
)

// Code classifies an error for the person who caused it.
type Code string

// Error codes.
const (
	CodeInvalid      Code = "invalid"      // the request itself is wrong
	CodeUnauthorized Code = "unauthorized" // sign-in needed
	CodeForbidden    Code = "forbidden"    // signed in, but not allowed
	CodeNotFound     Code = "not_found"    // no such object, or one the viewer may not know exists
	CodeConflict     Code = "conflict"     // the state changed under the request
	CodeTooMany      Code = "too_many"     // rate limited
	CodeUnavailable  Code = "unavailable"  // a dependency (the database) is down
	CodeInternal     Code = "internal"     // a bug or an unexpected failure
)

// Error is a domain error with a code and a message safe to show to users.
// Err, when set, is the underlying cause; it is logged, never shown.
type Error struct {
	Code    Code
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted user-facing message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the usual error for a missing object or one the viewer may not
// know exists.
func NotFound() *Error {
	return &Error{Code: CodeNotFound, Message: "We could not find that page."}
}

// Forbidden is the usual error for an object the viewer may not touch.
func Forbidden() *Error {
	return &Error{Code: CodeForbidden, Message: "You do not have permission to do that."}
}

// CodeOf returns the code of err, or CodeInternal for an error without one.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsNotFound reports whether err is a not-found error.
func IsNotFound(err error) bool { return CodeOf(err) == CodeNotFound }
