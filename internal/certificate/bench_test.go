package certificate_test

import (
	"context"
	"testing"

	"groundwork/internal/app/apptest"
	"groundwork/internal/certificate"
)

// issued returns a site and one issued certificate, for the benchmarks.
func issued(b *testing.B) (*apptest.Site, *certificate.Certificate) {
	b.Helper()
	tm := newTeam(b)
	return tm.site, tm.complete(b, tm.trainee, tm.module(b, "the-workers-role"))
}

// BenchmarkPDF renders a certificate's PDF from its frozen row, as the
// download does.
func BenchmarkPDF(b *testing.B) {
	site, c := issued(b)
	for b.Loop() {
		if _, err := site.App.Certificates.PDF(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCredential builds and signs a certificate's Open Badges
// credential, as its URL does.
func BenchmarkCredential(b *testing.B) {
	site, c := issued(b)
	for b.Loop() {
		if _, err := site.App.Certificates.Credential(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusList reads the certificates that no longer stand and
// signs the status list, as its URL does.
func BenchmarkStatusList(b *testing.B) {
	tm := newTeam(b)
	c := tm.complete(b, tm.trainee, tm.module(b, "the-workers-role"))
	if err := tm.site.App.Certificates.Revoke(context.Background(), tm.admin, c, "Issued in error."); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := tm.site.App.Certificates.StatusList(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
