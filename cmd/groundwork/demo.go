package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"groundwork/internal/app"
	"groundwork/internal/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var trainees *int
	cfg, _, err := openConfig("demo", "demo [--trainees N] [flags]\n\n"+
		"Fills the database with a demonstration organisation: a training lead, two supervisors and\n"+
		"trainees in two cohorts at every stage of the programme, then prints the sign-ins.", args, stderr,
		func(fs *flag.FlagSet) { trainees = fs.Int("trainees", 12, "how many trainees to create") })
	if err != nil {
		return err
	}
	if *trainees < 1 || *trainees > 1_000_000 {
		return fmt.Errorf("%w: --trainees must be between 1 and 1000000", errUsage)
	}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	res, err := demo.Fill(ctx, a.DB, a.Accounts, a.Courses.Catalog(), demo.Options{Trainees: *trainees, Progress: stderr, Learning: a.Learning, Certificates: a.Certificates, Events: a.Events})
	if errors.Is(err, demo.ErrPresent) {
		return fmt.Errorf("%w; use a fresh database", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demonstration organisation ready: %d trainees, %d progress rows, %d certificates, %d public sessions, in %s.\n\n",
		res.Trainees, res.Rows, res.Issued, res.Sessions, time.Since(start).Round(time.Millisecond))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tNAME\tEMAIL")
	for _, s := range res.SignIns {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Role, s.Name, s.Email)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\nEvery demonstration account uses the password: %s\n", res.Password)
	if res.Trainees > 4 {
		fmt.Fprintf(stdout, "Other trainees: trainee00005 ... trainee%05d at the same domain.\n", res.Trainees)
	}
	return nil
}
