// Command groundwork runs the Groundwork training platform.
//
//	groundwork [serve]                 run the web server (the default)
//	groundwork migrate up|down|status|unlock
//	groundwork user create --email EMAIL --name NAME --role ROLE [--password-stdin]
//	groundwork user reset-link --email EMAIL
//	groundwork version
//
// Every command takes --help. Settings come from GROUNDWORK_* environment
// variables or the matching flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // public sessions keep their own time zones; the image may have no zoneinfo
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

// command is one subcommand of the CLI.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server (the default)", runServe},
		{"migrate", "apply or inspect database migrations: up, down, status, unlock", runMigrate},
		{"courses", "check the curriculum or print its statistics: courses check|stats [--database-url URL] [DIR]", runCourses},
		{"demo", "fill the database with a demonstration organisation: demo [--trainees N]", runDemo},
		{"user", "create an account, or print a reset link: user create|reset-link --email ...", runUser},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	go stopOnSignals(cancel)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "groundwork:", err)
		}
		os.Exit(exitCode(err))
	}
}

// stopOnSignals cancels the commands' context at the first SIGTERM or
// interrupt, letting the server drain and finish its requests; a second
// signal exits at once, for an operator who will not wait.
func stopOnSignals(cancel context.CancelFunc) {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	<-signals
	cancel()
	<-signals
	fmt.Fprintln(os.Stderr, "groundwork: second signal: exiting now, without waiting for requests in flight")
	os.Exit(1)
}

// errUsage marks a mistake in how the command was called.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		return 1
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "help" || isHelp(args[0])) {
		usage(stdout)
		return nil
	}
	name := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args, stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("%w: unknown command %q", errUsage, name)
}

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

func usage(w io.Writer) {
	fmt.Fprintln(w, "Groundwork: training, supervision and public sessions for drug and alcohol services.")
	fmt.Fprintln(w, "\nUsage: groundwork <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'groundwork <command> --help' for a command's flags.")
}

// newFlags returns a flag set whose --help prints a description first.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: groundwork %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with flags before, between or after the
// positional arguments (`migrate unlock --database-url URL` as well as
// `migrate --database-url URL unlock`) and returns the positional ones in
// order. Everything after "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if ended := len(args) > len(rest) && args[len(args)-len(rest)-1] == "--"; ended {
			return append(positional, rest...), nil
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "groundwork", buildVersion())
	return nil
}

// buildVersion is the -ldflags version, else the module version and VCS
// revision recorded by the Go toolchain, else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	return "dev"
}
