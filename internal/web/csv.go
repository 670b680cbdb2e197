package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// CSVCell makes text safe to open in a spreadsheet: a cell that starts
// like a formula (=, +, -, @, tab or carriage return) gets a leading
// apostrophe, so people's free text is shown, never evaluated.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// StartCSV starts a CSV download named filename: never cached, since
// exports hold personal data.
func StartCSV(c echo.Context, filename string) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(http.StatusOK)
}
