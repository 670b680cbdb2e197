package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"groundwork/courses"
	"groundwork/internal/catalog"
	"groundwork/internal/db/dbtest"
)

// runMain, set in a command's environment, makes the test binary run
// groundwork's main instead of the tests: the tests run the real command,
// with real signals and exit codes, without building it again.
const runMain = "GROUNDWORK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMain) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func groundworkCmd(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Dir = t.TempDir()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GROUNDWORK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Env = append(cmd.Env, runMain+"=1")
	return cmd
}

func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"version", "--help"}, {"version"}} {
		out, err := groundworkCmd(t, nil, args...).CombinedOutput()
		if err != nil {
			t.Errorf("groundwork %v: %v\n%s", args, err, out)
		}
		if !strings.Contains(strings.ToLower(string(out)), "groundwork") {
			t.Errorf("groundwork %v printed %q", args, out)
		}
	}
}

func TestUnknownCommandExitsTwo(t *testing.T) {
	t.Parallel()
	err := groundworkCmd(t, nil, "frobnicate").Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("unknown command: %v, want exit 2", err)
	}
}

// A command written after the flags is not silently ignored (the server
// would start instead of the demonstration, say).
func TestCommandAfterFlagsIsRefused(t *testing.T) {
	t.Parallel()
	cmd := groundworkCmd(t, []string{"GROUNDWORK_ADDRESS=127.0.0.1:0"}, "--database-url", dbtest.URL(t), "demo")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "groundwork demo --database-url") {
		t.Fatalf("groundwork --database-url … demo: %v, %q; want exit 2 saying to put the command first", err, stderr.String())
	}
}

func TestMalformedDatabaseURLExitsWithOneClearLine(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"postgres://%zz", "postgres:///nohost", "mysql://x/y"} {
		cmd := groundworkCmd(t, []string{"GROUNDWORK_DATABASE_URL=" + url, "GROUNDWORK_ADDRESS=127.0.0.1:0"})
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
			t.Fatalf("%s: %v, want a non-zero exit", url, err)
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], "GROUNDWORK_DATABASE_URL") {
			t.Fatalf("%s: stderr = %q, want one line naming GROUNDWORK_DATABASE_URL", url, stderr.String())
		}
	}
}

func TestMigrateCommands(t *testing.T) {
	t.Parallel()
	env := []string{"GROUNDWORK_DATABASE_URL=" + dbtest.URL(t)}
	run := func(args ...string) string {
		out, err := groundworkCmd(t, env, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("migrate %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := run("migrate", "status"); !strings.Contains(out, "pending") {
		t.Fatalf("status on a new database:\n%s", out)
	}
	if out := run("migrate", "up"); !strings.Contains(out, "applied") {
		t.Fatalf("up:\n%s", out)
	}
	if out := run("migrate", "status"); strings.Contains(out, "pending") {
		t.Fatalf("status after up:\n%s", out)
	}
	if out := run("migrate", "down"); !strings.Contains(out, "rolled back") {
		t.Fatalf("down:\n%s", out)
	}
	run("migrate", "unlock")
	// Flags may follow the verb too.
	url := dbtest.URL(t)
	out, err := groundworkCmd(t, nil, "migrate", "up", "--database-url", url).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "applied") {
		t.Fatalf("migrate up --database-url URL: %v\n%s", err, out)
	}
	if out, err := groundworkCmd(t, nil, "migrate", "unlock", "--database-url", url).CombinedOutput(); err != nil {
		t.Fatalf("migrate unlock --database-url URL: %v\n%s", err, out)
	}
}

// TestSIGTERMFinishesSlowRequest sends SIGTERM while a client is still
// uploading a request body: the server must answer that request, then exit 0.
func TestSIGTERMFinishesSlowRequest(t *testing.T) {
	t.Parallel()
	cmd, addr, logs, seen, exited := startServer(t)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "field=" + strings.Repeat("x", 100)
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", addr, len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // the request is now in flight

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		t.Fatalf("the server exited (%v) before the in-flight request finished", err)
	case <-time.After(300 * time.Millisecond):
	}
	io.WriteString(conn, body[10:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed { // the home page takes no POST, but it was answered
		t.Fatalf("in-flight request = %d, want 405", resp.StatusCode)
	}

	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v, want 0", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("server did not exit after SIGTERM")
	}
	all := seen
	for l := range logs {
		all = append(all, l)
	}
	if !strings.Contains(strings.Join(all, "\n"), "shutting down") {
		t.Fatalf("no shutdown log line in:\n%s", strings.Join(all, "\n"))
	}
}

// TestSIGTERMDrainsThenASecondSignalExits: the first SIGTERM turns /readyz
// to 503 while the server goes on serving for the drain period; a second
// signal ends the process at once.
func TestSIGTERMDrainsThenASecondSignalExits(t *testing.T) {
	t.Parallel()
	cmd, addr, _, _, exited := startServer(t, "GROUNDWORK_SHUTDOWN_DRAIN=1m")

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatalf("readyz while draining: %v (the listener closed before the drain)", err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz after SIGTERM = %d, want 503", resp.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("exit after a second signal: %v, want exit 1", err)
		}
		t.Logf("exited %v after the second signal", time.Since(start).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("a second SIGTERM did not end a draining server")
	}
}

// startServer runs `groundwork serve` on a new database with env added and
// waits until it is ready. It returns the process, its address, its log
// lines still to come and those read so far, and a channel that receives
// its exit. Port 0: the server takes a free port and holds it from the
// start; its "serving" log line says which.
func startServer(t *testing.T, env ...string) (cmd *exec.Cmd, addr string, logs <-chan string, seen []string, exited <-chan error) {
	t.Helper()
	cmd = groundworkCmd(t, append([]string{"GROUNDWORK_ADDRESS=127.0.0.1:0", "GROUNDWORK_DATABASE_URL=" + dbtest.MigratedURL(t)}, env...), "serve")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addr, seen = servingAddress(t, lines)
	waitReady(t, "http://"+addr+"/readyz")
	exit := make(chan error, 1)
	go func() { exit <- cmd.Wait() }()
	return cmd, addr, lines, seen, exit
}

// servingAddress reads log lines until the server says where it serves,
// and returns the address and the lines read.
func servingAddress(t *testing.T, logs <-chan string) (string, []string) {
	t.Helper()
	var seen []string
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-logs:
			if !ok {
				t.Fatalf("the server stopped before serving:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, line)
			if m := servingLine.FindStringSubmatch(line); m != nil {
				return m[1], seen
			}
		case <-timeout:
			t.Fatalf("the server never said where it serves:\n%s", strings.Join(seen, "\n"))
		}
	}
}

var servingLine = regexp.MustCompile(`msg=serving address=(\S+)`)

func waitReady(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server at %s never became ready", url)
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	env := []string{"GROUNDWORK_DATABASE_URL=" + dbtest.MigratedURL(t)}
	create := groundworkCmd(t, env, "user", "create", "--email", "Lead@Example.org", "--name", "Lead", "--role", "admin", "--password-stdin")
	create.Stdin = strings.NewReader("a long enough passphrase\n")
	if out, err := create.CombinedOutput(); err != nil || !strings.Contains(string(out), "created admin lead@example.org") {
		t.Fatalf("create with password: %v\n%s", err, out)
	}
	again := groundworkCmd(t, env, "user", "create", "--email", "lead@example.org", "--role", "trainee")
	if out, err := again.CombinedOutput(); err == nil || !strings.Contains(string(out), "already exists") {
		t.Fatalf("a duplicate email: %v\n%s", err, out)
	}
	invite := groundworkCmd(t, env, "user", "create", "--email", "new@example.org", "--role", "trainee")
	if out, err := invite.CombinedOutput(); err != nil || !strings.Contains(string(out), "/invitations/") {
		t.Fatalf("create without a password: %v\n%s", err, out)
	}
	weak := groundworkCmd(t, env, "user", "create", "--email", "w@example.org", "--name", "W", "--password-stdin")
	weak.Stdin = strings.NewReader("qwerty123456\n")
	if out, err := weak.CombinedOutput(); err == nil || !strings.Contains(string(out), "most common") {
		t.Fatalf("a common password: %v\n%s", err, out)
	}
}

// TestUserResetLink: an operator prints a working reset link for an
// account; it is audited; an unknown email gets a clear refusal.
func TestUserResetLink(t *testing.T) {
	t.Parallel()
	env := []string{"GROUNDWORK_DATABASE_URL=" + dbtest.MigratedURL(t)}
	create := groundworkCmd(t, env, "user", "create", "--email", "rio@example.org", "--name", "Rio", "--role", "trainee", "--password-stdin")
	create.Stdin = strings.NewReader("a long enough passphrase\n")
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	out, err := groundworkCmd(t, env, "user", "reset-link", "--email", "Rio@Example.org").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "/reset/") {
		t.Fatalf("reset-link: %v\n%s", err, out)
	}
	if out, err := groundworkCmd(t, env, "user", "reset-link", "--email", "nobody@example.org").CombinedOutput(); err == nil || !strings.Contains(string(out), "No active account") {
		t.Fatalf("reset-link for an unknown email: %v\n%s", err, out)
	}
	if out, err := groundworkCmd(t, env, "user", "reset-link").CombinedOutput(); err == nil || !strings.Contains(string(out), "--email") {
		t.Fatalf("reset-link without --email: %v\n%s", err, out)
	}
	conn := dbtest.Open(t, env[0][len("GROUNDWORK_DATABASE_URL="):])
	n, err := conn.NewSelect().Table("audit_log").Where("action = ?", "reset_link_printed").Count(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("%d audit entries, %v", n, err)
	}
}

func TestCoursesCheck(t *testing.T) {
	t.Parallel()
	example, _ := filepath.Abs("../../internal/catalog/testdata/example")
	if out, err := groundworkCmd(t, nil, "courses", "check", example).CombinedOutput(); err != nil || !strings.Contains(string(out), "is fine") {
		t.Fatalf("check on the example: %v\n%s", err, out)
	}
	if out, err := groundworkCmd(t, nil, "courses", "check").CombinedOutput(); err != nil {
		t.Fatalf("check on the built-in curriculum: %v\n%s", err, out)
	}
	broken := t.TempDir()
	if err := os.CopyFS(broken, os.DirFS(example)); err != nil {
		t.Fatal(err)
	}
	module := filepath.Join(broken, "first-contact", "module.yaml")
	data, _ := os.ReadFile(module)
	os.WriteFile(module, bytes.Replace(data, []byte("pass_mark:"), []byte("pass_marks:"), 1), 0o644)
	out, err := groundworkCmd(t, nil, "courses", "check", broken).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("check on a broken curriculum: %v, want exit 1", err)
	}
	if !strings.Contains(string(out), `first-contact/module.yaml:6: unknown field "pass_marks" (did you mean "pass_mark"?)`) {
		t.Fatalf("check output:\n%s", out)
	}
	if out, err := groundworkCmd(t, nil, "courses", "stats", example).CombinedOutput(); err != nil || !strings.Contains(string(out), "first-contact") {
		t.Fatalf("stats: %v\n%s", err, out)
	}
}

// courses check reads a ZIP in the export format: the whole built-in
// curriculum, and one module alone (laid over the built-in curriculum, as an
// import would be); a module broken inside a ZIP fails with its file and line.
func TestCoursesCheckReadsAZip(t *testing.T) {
	t.Parallel()
	whole, err := catalog.Files(courses.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	module := map[string][]byte{}
	for p, b := range whole {
		if strings.HasPrefix(p, "harm-reduction-for-policymakers/") {
			module[p] = b
		}
	}
	broken := maps.Clone(module)
	broken["harm-reduction-for-policymakers/module.yaml"] = bytes.Replace(broken["harm-reduction-for-policymakers/module.yaml"], []byte("minutes:"), []byte("minutess:"), 1)
	dir := t.TempDir()
	for name, files := range map[string]map[string][]byte{"whole.zip": whole, "module.zip": module, "broken.zip": broken} {
		var b bytes.Buffer
		if err := catalog.WriteZip(&b, files); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := groundworkCmd(t, nil, "courses", "check", path).CombinedOutput()
		if name != "broken.zip" {
			if err != nil || !strings.Contains(string(out), "is fine") {
				t.Errorf("check %s: %v\n%s", name, err, out)
			}
			continue
		}
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "harm-reduction-for-policymakers/module.yaml:") {
			t.Errorf("check %s: %v, want exit 1 naming the file:\n%s", name, err, out)
		}
	}
}

// TestCoursesCheckFailsOnEachRule runs the checker on every fixture of
// internal/catalog/testdata/broken: each breaks one rule of the format or
// of item quality, and must fail with that file and line.
func TestCoursesCheckFailsOnEachRule(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"unknown-evidence":                `first-contact/module.yaml:18: evidence "hearsay" is not a kind of evidence`,
		"instances-out-of-range":          "first-contact/module.yaml:19: instances is how many separate occasions the supervisor must see, from 1 to 5, not 6",
		"too-few-criteria":                "first-contact/module.yaml:21: a rubric needs 2 to 6 criteria, not 1",
		"danos-bad-shape":                 `first-contact/module.yaml:16: "unit 7" does not look like a DANOS unit code`,
		"danos-unknown":                   `first-contact/module.yaml:16: "ZZ9" is not a DANOS unit Groundwork knows`,
		"danos-missing":                   `first-contact/module.yaml:11: the field "danos" is missing or empty`,
		"rubric-missing":                  `first-contact/module.yaml:11: the field "rubric" is missing or empty`,
		"unsupervised-without-simulation": "first-contact/module.yaml:19: competency \"contact-welcome\" must be signed off before unsupervised practice, so its rubric must allow simulation",
		"longest-correct":                 "first-contact/quiz.yaml:1: the correct option is the longest in 1 of 1 single-choice questions (100%, more than 40%)",
		"all-of-the-above":                `first-contact/quiz.yaml:12: question "first-words": the option "All of the above." points at other options`,
		"few-scenarios":                   "first-contact/quiz.yaml:1: only 0 of 2 questions are scenario-based",
		"missing-explanation":             `first-contact/quiz.yaml:16: the field "explanation" is missing or empty`,
	}
	root, _ := filepath.Abs("../../internal/catalog/testdata/broken")
	entries, err := os.ReadDir(root)
	if err != nil || len(entries) != len(want) {
		t.Fatalf("%d fixtures (%v), want %d", len(entries), err, len(want))
	}
	for name, line := range want {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := groundworkCmd(t, nil, "courses", "check", filepath.Join(root, name)).CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("check: %v, want exit 1\n%s", err, out)
			}
			if !strings.Contains(string(out), line) || !strings.Contains(string(out), "1 problems in") {
				t.Fatalf("check output does not hold exactly %q:\n%s", line, out)
			}
		})
	}
}

func TestCoursesStatsShowsItemQuality(t *testing.T) {
	t.Parallel()
	example, _ := filepath.Abs("../../internal/catalog/testdata/example")
	out, err := groundworkCmd(t, nil, "courses", "stats", example).CombinedOutput()
	if err != nil {
		t.Fatalf("stats: %v\n%s", err, out)
	}
	lines := strings.Split(string(out), "\n")
	if !strings.Contains(lines[0], "SCENARIOS") || !strings.Contains(lines[0], "LONGEST CORRECT") {
		t.Fatalf("no item-quality columns:\n%s", out)
	}
	if !strings.Contains(lines[1], "50%") || !strings.Contains(lines[1], "0/1 0%") {
		t.Fatalf("first-contact has 1 of 2 scenarios and 0 of 1 longest-correct:\n%s", out)
	}
}

func TestServeRefusesABrokenCurriculum(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "programme.yaml"), []byte("slug: x\ntitle: X\nsummary: S\nmodules: [missing]\nsupervision_hours: 1\n"), 0o644)
	cmd := groundworkCmd(t, []string{"GROUNDWORK_COURSES_DIR=" + dir, "GROUNDWORK_DATABASE_URL=" + dbtest.URL(t), "GROUNDWORK_ADDRESS=127.0.0.1:0"}, "serve")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `the programme lists module "missing"`) {
		t.Fatalf("serve on a broken curriculum: %v\n%s", err, out)
	}
}

func TestDemoCommand(t *testing.T) {
	t.Parallel()
	env := []string{"GROUNDWORK_DATABASE_URL=" + dbtest.MigratedURL(t)}
	out, err := groundworkCmd(t, env, "demo", "--trainees", "15").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "15 trainees") || !strings.Contains(string(out), "lead@demo.groundwork.example") ||
		!strings.Contains(string(out), "15/15 trainees") {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if out, err := groundworkCmd(t, env, "demo").CombinedOutput(); err == nil || !strings.Contains(string(out), "already") {
		t.Fatalf("a second demo: %v\n%s", err, out)
	}
}

// TestCoursesCheckFindsRemovedSignedOffCompetencies checks a folder with a
// database: a competency signed off there but gone from the folder is
// reported, and so is local content published there that clashes with
// the folder.
func TestCoursesCheckFindsRemovedSignedOffCompetencies(t *testing.T) {
	t.Parallel()
	url := dbtest.MigratedURL(t)
	conn := dbtest.Open(t, url)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO users (id, email, name, role, password_hash, active, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000001', 's@example.org', 'Sam', 'supervisor', '', true, '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00')`,
		`INSERT INTO competency_events (id, trainee_id, competency_id, module_slug, kind, actor_id, at, body) VALUES ('01900000-0000-7000-8000-000000000002', '01900000-0000-7000-8000-000000000001', 'retired-skill', 'gone', 'signed_off', '01900000-0000-7000-8000-000000000001', '2026-01-01 00:00:00+00', 'Observed.')`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	example, _ := filepath.Abs("../../internal/catalog/testdata/example")
	out, err := groundworkCmd(t, nil, "courses", "check", "--database-url", url, example).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), `competency "retired-skill" was removed`) {
		t.Fatalf("check with a database: %v\n%s", err, out)
	}
	// A published local lesson that clashes with the folder (lesson 01 twice)
	// is reported, as the server would report it.
	for _, q := range []string{
		`INSERT INTO curriculum_versions (module, number, published_at, published_by) VALUES ('first-contact', 1, '2026-01-01 00:00:00+00', '01900000-0000-7000-8000-000000000001')`,
		`INSERT INTO curriculum_files (module, number, path, content) VALUES ('first-contact', 1, 'first-contact/lessons/01-our-door.md', ?)`,
	} {
		if _, err := conn.ExecContext(ctx, q, []byte("---\ntitle: Our door\nminutes: 5\n---\n\nCome in.\n")); err != nil {
			t.Fatal(err)
		}
	}
	out, _ = groundworkCmd(t, nil, "courses", "check", "--database-url", url, example).CombinedOutput()
	if !strings.Contains(string(out), "lesson number 01 is also used") {
		t.Fatalf("check with local content in the database:\n%s", out)
	}
}
