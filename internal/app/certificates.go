package app

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/certificate"
	"groundwork/internal/db"
	"groundwork/internal/learning"
	"groundwork/internal/web"
)

// credentialSeed decodes the configured credential key, if any.
func (cfg *Config) credentialSeed() ([]byte, error) {
	if cfg.CredentialKey == "" {
		return nil, nil
	}
	seed, err := base64.StdEncoding.DecodeString(cfg.CredentialKey)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("GROUNDWORK_CREDENTIAL_KEY: must be base64 of exactly 32 random bytes (try: openssl rand -base64 32)")
	}
	return seed, nil
}

// credentialKey returns the key that signs digital badges: the configured
// one, or the one generated on first start and kept in the settings table,
// so every replica signs with the same key.
func (a *App) credentialKey(ctx context.Context) (ed25519.PrivateKey, error) {
	seed, _ := a.Config.credentialSeed() // checked by Validate
	if seed == nil {
		var err error
		if seed, err = db.Secret(ctx, a.DB, "credential_key", ed25519.SeedSize); err != nil {
			return nil, err
		}
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// logo reads the configured logo, which must be a PNG or JPEG file.
func (cfg *Config) logo() ([]byte, error) {
	if cfg.Logo == "" {
		return nil, nil
	}
	data, err := os.ReadFile(cfg.Logo)
	if err != nil {
		return nil, fmt.Errorf("GROUNDWORK_LOGO: %w", err)
	}
	if t := http.DetectContentType(data); t != "image/png" && t != "image/jpeg" {
		return nil, fmt.Errorf("GROUNDWORK_LOGO: %s is not a PNG or JPEG file", cfg.Logo)
	}
	return data, nil
}

// buildCertificates wires the certificates capability: issuing when
// learning or supervision moves a trainee on, flagging on a withdrawn
// sign-off, and the dashboard's list.
func (a *App) buildCertificates(ctx context.Context, progress *learning.Progress) error {
	key, err := a.credentialKey(ctx)
	if err != nil {
		return err
	}
	logo, err := a.Config.logo()
	if err != nil {
		return err
	}
	a.Certificates = &certificate.Service{DB: a.DB, Courses: a.Courses, Progress: progress, Supervision: a.Supervision,
		Key: key, Logger: a.Logger, Clock: a.Clock, Notices: a.Notify, Issuer: certificate.Issuer{Name: strings.TrimSpace(a.Config.Organisation),
			BaseURL: strings.TrimRight(a.Config.BaseURL, "/"), Logo: logo, Lang: "en-GB"}}
	progress.Certificates = a.Certificates
	progress.OnChange = a.Certificates.Notify
	a.Supervision.OnChange = a.Certificates.Notify
	a.Supervision.OnWithdraw = a.Certificates.FlagWithdrawal
	return nil
}

// certificateRoutes mounts the certificate pages, the admin ones on admin.
func (a *App) certificateRoutes(admin *echo.Group, renderer *web.Renderer) error {
	return certificate.Routes(a.Echo, admin, renderer, a.Certificates, account.RequireSignIn)
}
