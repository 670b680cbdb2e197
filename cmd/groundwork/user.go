package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strings"

	"groundwork/internal/account"
	"groundwork/internal/app"
)

const userUsage = "groundwork user create --email EMAIL --name NAME --role trainee|supervisor|admin [--password-stdin]\n" +
	"       groundwork user reset-link --email EMAIL"

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	switch {
	case len(args) > 0 && args[0] == "create":
		return runUserCreate(ctx, args[1:], os.Stdin, stdout, stderr)
	case len(args) > 0 && args[0] == "reset-link":
		return runUserResetLink(ctx, args[1:], stdout, stderr)
	case len(args) > 0 && isHelp(args[0]):
		fmt.Fprintln(stdout, "Usage: "+userUsage)
		return nil
	}
	return fmt.Errorf("%w: %s", errUsage, userUsage)
}

// runUserResetLink prints a one-hour password reset link for an account.
// Admins never see reset links in the web pages; an operator with shell
// access to the server can make one, and the audit log records it.
func runUserResetLink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var email *string
	cfg, _, err := openConfig("user reset-link", "user reset-link --email EMAIL\n\n"+
		"Prints a password reset link (valid 1 hour, works once) for the active account with EMAIL,\n"+
		"to pass on when no mail server is configured. It is written to the audit log.", args, stderr,
		func(fs *flag.FlagSet) {
			email = fs.String("email", "", "email address of the account (required)")
		})
	if err != nil {
		return err
	}
	if *email == "" || !strings.Contains(*email, "@") {
		return fmt.Errorf("%w: --email must be an email address", errUsage)
	}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	link, err := a.Accounts.ResetLink(ctx, *email, operator())
	if err != nil {
		return fmt.Errorf("no reset link: %w", err)
	}
	fmt.Fprintf(stdout, "password reset link for %s (valid 1 hour, works once):\n%s\n", account.NormalizeEmail(*email), link)
	return nil
}

// operator names who runs the command, for the audit log.
func operator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "operator " + u.Username
	}
	return "an operator"
}

func runUserCreate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var email, name, role *string
	var fromStdin *bool
	cfg, _, err := openConfig("user create", "user create --email EMAIL --name NAME --role ROLE [--password-stdin]\n\n"+
		"Creates an account. With --password-stdin the password is read from the first line of\n"+
		"standard input; without it, an invitation link is printed for the person to choose theirs.", args, stderr,
		func(fs *flag.FlagSet) {
			email = fs.String("email", "", "email address (required)")
			name = fs.String("name", "", "display name (required with --password-stdin)")
			role = fs.String("role", "trainee", "trainee, supervisor or admin")
			fromStdin = fs.Bool("password-stdin", false, "read the password from standard input")
		})
	if err != nil {
		return err
	}
	password, err := checkUserFlags(*email, *name, account.Role(*role), *fromStdin, stdin)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	user, link, err := a.Accounts.CreateUser(ctx, *email, strings.TrimSpace(*name), account.Role(*role), password)
	if errors.Is(err, account.ErrEmailTaken) {
		return fmt.Errorf("an account with email %s already exists", account.NormalizeEmail(*email))
	}
	if err != nil {
		return err
	}
	if user != nil {
		fmt.Fprintf(stdout, "created %s %s\n", user.Role, user.Email)
		return nil
	}
	fmt.Fprintf(stdout, "invitation for %s (valid 7 days, works once):\n%s\n", account.NormalizeEmail(*email), link)
	return nil
}

// checkUserFlags validates the flags and reads the password when asked.
func checkUserFlags(email, name string, role account.Role, fromStdin bool, stdin io.Reader) (string, error) {
	if email == "" || !strings.Contains(email, "@") {
		return "", fmt.Errorf("%w: --email must be an email address", errUsage)
	}
	if !role.Valid() {
		return "", fmt.Errorf("%w: --role must be trainee, supervisor or admin", errUsage)
	}
	if !fromStdin {
		return "", nil
	}
	if strings.TrimSpace(name) == "" {
		return "", fmt.Errorf("%w: --name is required with --password-stdin", errUsage)
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if msg := account.CheckPassword(password); msg != "" {
		return "", errors.New("password refused: " + msg)
	}
	return password, nil
}
