// Package web is Groundwork's shared HTTP kit: the Echo server and its
// middleware, the template renderer, error pages, CSRF, flash messages and
// form helpers. Capability packages use it to serve their pages.
package web

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error for the person who caused it.
type Code string

// Error codes, each mapped to one HTTP status by the central error handler.
const (
	CodeInvalid      Code = "invalid"      // 400: the request itself is wrong
	CodeUnauthorized Code = "unauthorized" // 401: sign-in needed
	CodeForbidden    Code = "forbidden"    // 403: signed in, but not allowed
	CodeNotFound     Code = "not_found"    // 404
	CodeConflict     Code = "conflict"     // 409: the state changed under the request
	CodeTooMany      Code = "too_many"     // 429: rate limited
	CodeUnavailable  Code = "unavailable"  // 503: a dependency is down
	CodeInternal     Code = "internal"     // 500: a bug or an unexpected failure
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

// ErrorCode returns the code of err, or CodeInternal for an error without one.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// statusOf maps a code to its HTTP status.
func statusOf(code Code) int {
	switch code {
	case CodeInvalid:
		return http.StatusBadRequest
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeForbidden:
		return http.StatusForbidden
	case CodeNotFound:
		return http.StatusNotFound
	case CodeConflict:
		return http.StatusConflict
	case CodeTooMany:
		return http.StatusTooManyRequests
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}
