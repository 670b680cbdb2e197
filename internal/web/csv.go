package web

import (
	"io"
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

// StartCSV starts a CSV download (StartDownload) named filename: never cached, since
// exports hold personal data. It writes a UTF-8 byte-order mark first:
// without one, Excel reads UTF-8 as the Windows code page and mangles every
// name outside ASCII; LibreOffice and CSV libraries skip it.
func StartCSV(c echo.Context, filename string) {
	StartDownload(c)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(http.StatusOK)
	// A failed write means the client left; the rows written next fail
	// the same way and the handler returns that error.
	_, _ = io.WriteString(c.Response(), ByteOrderMark)
}

// ByteOrderMark starts every CSV Groundwork writes.
const ByteOrderMark = "\ufeff"
