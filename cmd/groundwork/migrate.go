package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/uptrace/bun"

	"groundwork/internal/db"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, rest, err := openConfig("migrate", "migrate [flags] up|down|status|unlock\n\n"+
		"  up      apply pending migrations (serve does this at start)\n"+
		"  down    roll back the most recent group of migrations\n"+
		"  status  list migrations and whether each is applied\n"+
		"  unlock  release a migration lock left by a process that died while migrating\n", args, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fmt.Errorf("%w: migrate needs one of up, down, status, unlock", errUsage)
	}
	conn, err := db.Open(ctx, cfg.DatabaseURL, db.Options{MaxOpenConns: 2, ApplicationName: "groundwork-migrate"})
	if err != nil {
		return err
	}
	defer conn.Close()
	switch rest[0] {
	case "up":
		names, err := db.Migrate(ctx, conn)
		return report(stdout, "applied", names, err)
	case "down":
		names, err := db.Rollback(ctx, conn)
		return report(stdout, "rolled back", names, err)
	case "status":
		return migrationStatus(ctx, conn, stdout)
	case "unlock":
		return db.Unlock(ctx, conn)
	}
	return fmt.Errorf("%w: unknown migrate action %q", errUsage, rest[0])
}

func report(w io.Writer, verb string, names []string, err error) error {
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintf(w, "nothing to do: %s 0 migrations\n", verb)
	}
	for _, n := range names {
		fmt.Fprintln(w, verb, n)
	}
	return nil
}

func migrationStatus(ctx context.Context, conn *bun.DB, w io.Writer) error {
	ms, err := db.MigrationStatus(ctx, conn)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MIGRATION\tSTATUS\tAPPLIED AT")
	for _, m := range ms {
		status, at := "pending", ""
		if m.IsApplied() {
			status, at = "applied", m.MigratedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Name+"_"+m.Comment, status, at)
	}
	return tw.Flush()
}
