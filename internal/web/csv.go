package web

import "strings"

// CSVCell makes text safe to open in a spreadsheet: a cell that starts
// like a formula (=, +, -, @, tab or carriage return) gets a leading
// apostrophe, so people's free text is shown, never evaluated.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
