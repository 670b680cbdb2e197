// Package web is Groundwork's shared HTTP kit: the Echo server and its
// middleware, the template renderer, error pages, CSRF, flash messages and
// form helpers. Capability packages use it to serve their pages.
package web

import (
	"net/http"

	"groundwork/internal/fault"
)

// statusOf maps a domain error code to its HTTP status: the one place where
// codes meet HTTP.
func statusOf(code fault.Code) int {
	switch code {
	case fault.CodeInvalid:
		return http.StatusBadRequest
	case fault.CodeUnauthorized:
		return http.StatusUnauthorized
	case fault.CodeForbidden:
		return http.StatusForbidden
	case fault.CodeNotFound:
		return http.StatusNotFound
	case fault.CodeConflict:
		return http.StatusConflict
	case fault.CodeTooMany:
		return http.StatusTooManyRequests
	case fault.CodeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}
