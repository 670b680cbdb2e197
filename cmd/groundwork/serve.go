package main

import (
	"context"
	"io"
	"os"

	"groundwork/internal/app"
)

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	cfg := &app.Config{}
	fs := newFlags("serve", "serve [flags]\n\nRuns the web server. Pending database migrations are applied at start.", stderr)
	if err := cfg.Bind(fs); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	return app.Run(ctx, cfg, cfg.NewLogger(os.Stderr))
}

// openConfig parses the shared database and logging flags of the
// maintenance commands.
func openConfig(name, synopsis string, args []string, stderr io.Writer) (*app.Config, []string, error) {
	cfg := &app.Config{}
	fs := newFlags(name, synopsis, stderr)
	if err := cfg.Bind(fs); err != nil {
		return nil, nil, err
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return cfg, fs.Args(), nil
}
