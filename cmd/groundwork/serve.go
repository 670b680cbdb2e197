package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"groundwork/internal/app"
)

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	cfg, rest, err := openConfig("serve", "serve [flags]\n\nRuns the web server. Pending database migrations are applied at start.", args, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: unexpected %q: the command comes first, then its flags (groundwork %s --database-url ...)", errUsage, rest[0], rest[0])
	}
	return app.Run(ctx, cfg, cfg.NewLogger(os.Stderr))
}

// openConfig parses the configuration flags (and any extra flags a command
// adds) and checks the result.
func openConfig(name, synopsis string, args []string, stderr io.Writer, extra ...func(*flag.FlagSet)) (*app.Config, []string, error) {
	cfg := &app.Config{}
	fs := newFlags(name, synopsis, stderr)
	for _, add := range extra {
		add(fs)
	}
	if err := cfg.Bind(fs); err != nil {
		return nil, nil, err
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return cfg, rest, nil
}
