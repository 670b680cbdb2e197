package catalog

import (
	"fmt"
	"regexp"
	"strings"
)

// danosShape is the shape of a unit code: capital letters, then a number,
// like AF3 (a DANOS unit) or SCDHSC0035 (a health and social care unit the
// DANOS framework draws on).
var danosShape = regexp.MustCompile(`^[A-Z]{2,6}[0-9]{1,4}$`)

// danosUnits are the Drug and Alcohol National Occupational Standards
// units (Skills for Health) a competency may cite, with their titles. Only
// codes checked against the published standards belong here.
// The generic units are those the drug and alcohol professional
// certification (FDAP) requires alongside the DANOS units.
var danosUnits = map[string]string{
	"AB2":        "Support individuals who misuse substances",
	"AB5":        "Assess and act upon immediate risk of danger to individuals who have used alcohol and other substances",
	"AB7":        "Enable access to services to those affected by someone else's use of alcohol or other substances",
	"AD1":        "Raise awareness about substances, their use and effects",
	"AE1":        "Test for alcohol and other substance use",
	"AF2":        "Carry out assessment to identify and prioritise needs in a substance misuse setting",
	"AF3":        "Carry out comprehensive assessment for alcohol and other substances",
	"GE1":        "Recognise indications of substance misuse and refer individuals to specialists",
	"GEN36":      "Make use of supervision",
	"SCDHSC0031": "Promote effective communication",
	"SCDHSC0032": "Promote health, safety and security in the work setting",
	"SCDHSC0033": "Develop your practice through reflection and learning",
	"SCDHSC0035": "Promote the safeguarding of individuals",
	"SCDHSC0233": "Develop effective relationships with individuals",
	"SCDHSC0415": "Lead the service delivery planning process to achieve outcomes for individuals",
	"SCDHSC0438": "Develop and disseminate information and advice about health and social well-being",
	"SCDHSC3111": "Promote the rights and diversity of individuals",
}

// DANOSTitle returns the published title of a DANOS unit, or "".
func DANOSTitle(code string) string { return danosUnits[code] }

// checkDANOS returns what is wrong with a DANOS unit code, or "".
func checkDANOS(code string) string {
	switch {
	case !danosShape.MatchString(code):
		return fmt.Sprintf("%q does not look like a DANOS unit code: capital letters, then a number, like AF3 or SCDHSC0035", code)
	case danosUnits[code] == "":
		return fmt.Sprintf("%q is not a DANOS unit Groundwork knows: check it against the published standards (Skills for Health) and add it, with its title, to the list in internal/catalog/danos.go", code)
	}
	return ""
}

// DANOSUnit is a unit a competency evidences, with its published title.
type DANOSUnit struct{ Code, Title string }

// DANOSUnits returns the competency's DANOS units with their titles.
func (c Competency) DANOSUnits() []DANOSUnit {
	out := make([]DANOSUnit, len(c.DANOS))
	for i, code := range c.DANOS {
		out[i] = DANOSUnit{Code: code, Title: danosUnits[code]}
	}
	return out
}

// DANOSList is the competency's units as one line of text, for exports:
// "AB5 Assess and act upon ...; AF3 ...".
func (c Competency) DANOSList() string {
	parts := make([]string, len(c.DANOS))
	for i, u := range c.DANOSUnits() {
		parts[i] = strings.TrimSpace(u.Code + " " + u.Title)
	}
	return strings.Join(parts, "; ")
}
