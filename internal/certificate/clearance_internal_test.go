package certificate

import (
	"testing"

	"groundwork/internal/catalog"
	"groundwork/internal/learning"
)

// TestProgrammeCertificateNeedsClearance holds the issuing rule on its own:
// a standing that says the programme is complete but leaves a
// safety-critical competency unsigned earns no programme certificate.
func TestProgrammeCertificateNeedsClearance(t *testing.T) {
	cat := &catalog.Catalog{Programme: catalog.Programme{Title: "Trainee Groupworker Programme"}}
	drill := catalog.Competency{ID: "odn-naloxone-drill", BeforeUnsupervisedPractice: true}
	has := func(st learning.Standing) bool {
		for _, a := range due(st, cat) {
			if a.slug == ProgrammeAchievement {
				return true
			}
		}
		return false
	}
	notCleared := learning.Standing{Programme: true,
		Clearance: catalog.Clearance{Required: []catalog.Competency{drill}, Missing: []catalog.Competency{drill}}}
	if has(notCleared) {
		t.Fatal("a programme certificate was due without clearance for unsupervised practice")
	}
	cleared := learning.Standing{Programme: true, Clearance: catalog.Clearance{Required: []catalog.Competency{drill}}}
	if !has(cleared) {
		t.Fatal("no programme certificate for a cleared trainee who completed the programme")
	}
	if has(learning.Standing{Programme: false, Clearance: cleared.Clearance}) {
		t.Fatal("clearance alone earned the programme certificate")
	}
}
