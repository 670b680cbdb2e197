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
	"strings"

	"groundwork/internal/account"
	"groundwork/internal/app"
)

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && isHelp(args[0]) {
			fmt.Fprintln(stdout, "Usage: groundwork user create --email EMAIL --name NAME --role trainee|supervisor|admin [--password-stdin]")
			return nil
		}
		return fmt.Errorf("%w: groundwork user create --email EMAIL --name NAME --role ROLE [--password-stdin]", errUsage)
	}
	return runUserCreate(ctx, args[1:], os.Stdin, stdout, stderr)
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
