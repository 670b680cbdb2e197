package catalog_test

import (
	"net/http"
	"testing"

	"groundwork/internal/app/apptest"
)

// signedInClient signs in through the real sign-in form and returns a
// client with that session which follows redirects.
func signedInClient(t testing.TB, base, email, password string) *http.Client {
	t.Helper()
	c := *apptest.Visit(t, base).SignInAs(email, password).Client()
	c.CheckRedirect = nil
	return &c
}
