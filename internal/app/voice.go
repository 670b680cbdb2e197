package app

import (
	"strings"

	"groundwork/internal/account"
	"groundwork/internal/voice"
	"groundwork/internal/web"
)

// buildVoice wires client voice: feedback rounds on trainees' groups, their
// pages, and their results as evidence for supervision.
func (a *App) buildVoice(renderer *web.Renderer) error {
	a.Voice = &voice.Service{DB: a.DB, Courses: a.Courses, BaseURL: strings.TrimRight(a.Config.BaseURL, "/"),
		Clock: a.Clock, Logger: a.Logger}
	a.Supervision.Voice = a.Voice
	return voice.Routes(a.Echo, renderer, a.Voice, account.RequireSignIn)
}
