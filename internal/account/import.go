package account

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"groundwork/internal/audit"
	"groundwork/internal/db"
	"groundwork/internal/fault"
)

// Limits of a people file.
const (
	// MaxImportBytes is the largest people file accepted.
	MaxImportBytes = 256 << 10
	// MaxImportRows is how many people one file may hold.
	MaxImportRows = 500
	// ImportPreviewTTL is how long a checked file waits for its import.
	ImportPreviewTTL = time.Hour
)

// ImportRow is one person from a people file, with what is wrong with them.
type ImportRow struct {
	Line       int      `json:"line"` // the row's line in the file, header included
	Name       string   `json:"name"`
	Email      string   `json:"email"`
	Role       string   `json:"role"`
	Cohort     string   `json:"cohort"`
	Supervisor string   `json:"supervisor"`
	Problems   []string `json:"-"`
}

// OK reports whether the row can be imported.
func (r ImportRow) OK() bool { return len(r.Problems) == 0 }

// ImportCheck is a people file checked against the database.
type ImportCheck struct {
	Rows []ImportRow
	Good int // rows without problems
}

// Bad is how many rows have problems.
func (c ImportCheck) Bad() int { return len(c.Rows) - c.Good }

// the columns of a people file, in the order used when it has no header.
var importColumns = []string{"name", "email", "role", "cohort", "supervisor"}

// ParsePeopleFile reads a people file: CSV with commas or semicolons, with
// or without a UTF-8 byte-order mark, optionally starting with a header
// row naming the columns (name, email, role, cohort, supervisor email).
// Problems with the file as a whole are fault.CodeInvalid errors.
func ParsePeopleFile(data []byte) ([]ImportRow, error) {
	if len(data) > MaxImportBytes {
		return nil, fault.Errorf(fault.CodeInvalid, "The file is larger than %d KB. Split it into smaller files.", MaxImportBytes>>10)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, fault.Errorf(fault.CodeInvalid, "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again.")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	columns := importColumns
	var rows []ImportRow
	for first := true; ; first = false {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return nil, fault.Errorf(fault.CodeInvalid, "The file cannot be read as CSV at line %d (%s).", perr.Line, perr.Err)
		}
		if err != nil {
			return nil, fmt.Errorf("read people file: %w", err)
		}
		if blank(record) {
			continue
		}
		if first {
			if header, ok := headerColumns(record); ok {
				columns = header
				continue
			}
		}
		if len(rows) == MaxImportRows {
			return nil, fault.Errorf(fault.CodeInvalid, "The file has more than %d people. Split it into files of up to %d.", MaxImportRows, MaxImportRows)
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, rowOf(record, columns, line))
	}
	if len(rows) == 0 {
		return nil, fault.Errorf(fault.CodeInvalid, "The file has nobody in it: put one person a row, with their name, email and role.")
	}
	return rows, nil
}

// delimiter is a semicolon when the first line has more semicolons than
// commas (as spreadsheets write CSV in many European locales), else a comma.
func delimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

func blank(record []string) bool {
	for _, v := range record {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// headerColumns reads a header row: ok when it names the email column.
func headerColumns(record []string) ([]string, bool) {
	columns := make([]string, len(record))
	hasEmail := false
	for i, v := range record {
		key := strings.Join(strings.Fields(strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(v))), " ")
		switch key {
		case "name", "full name":
			columns[i] = "name"
		case "email", "email address", "e mail":
			columns[i], hasEmail = "email", true
		case "role":
			columns[i] = "role"
		case "cohort":
			columns[i] = "cohort"
		case "supervisor", "supervisor email", "supervisor email address":
			columns[i] = "supervisor"
		}
	}
	return columns, hasEmail
}

func rowOf(record, columns []string, line int) ImportRow {
	row := ImportRow{Line: line}
	for i, v := range record {
		if i >= len(columns) {
			break
		}
		v = strings.TrimSpace(v)
		switch columns[i] {
		case "name":
			row.Name = v
		case "email":
			row.Email = NormalizeEmail(v)
		case "role":
			row.Role = v
		case "cohort":
			row.Cohort = v
		case "supervisor":
			row.Supervisor = NormalizeEmail(v)
		}
	}
	return row
}

// importRole reads a role as a file may spell it: its value or its label.
func importRole(s string) (Role, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, r := range Roles {
		if s == string(r) || s == strings.ToLower(r.Label()) {
			return r, true
		}
	}
	if s == "training lead" {
		return Admin, true
	}
	return "", false
}

// validImportEmail reports whether s is a plain address like name@example.org.
func validImportEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s && len(s) <= 254 && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// importLookup is what checking a file needs from the database.
type importLookup struct {
	cohorts     map[string]*Cohort // by lower-cased name
	supervisors map[string]*User   // active supervisors, by email
	taken       map[string]bool    // emails with an account
}

func loadImportLookup(ctx context.Context, idb bun.IDB, rows []ImportRow) (*importLookup, error) {
	l := &importLookup{cohorts: map[string]*Cohort{}, supervisors: map[string]*User{}, taken: map[string]bool{}}
	cohorts, err := ListCohorts(ctx, idb)
	if err != nil {
		return nil, err
	}
	for i := range cohorts {
		l.cohorts[strings.ToLower(cohorts[i].Name)] = &cohorts[i]
	}
	sups, err := UsersByRole(ctx, idb, Supervisor)
	if err != nil {
		return nil, err
	}
	for i := range sups {
		l.supervisors[sups[i].Email] = &sups[i]
	}
	emails := make([]string, 0, len(rows))
	for _, r := range rows {
		if r.Email != "" {
			emails = append(emails, r.Email)
		}
	}
	if len(emails) > 0 {
		var existing []string
		err := idb.NewSelect().Model((*User)(nil)).Column("email").Where("email IN (?)", bun.List(emails)).Scan(ctx, &existing)
		if err != nil {
			return nil, fmt.Errorf("check emails: %w", err)
		}
		for _, e := range existing {
			l.taken[e] = true
		}
	}
	return l, nil
}

// CheckImport checks every row against the file and the database and
// records each row's problems.
func CheckImport(ctx context.Context, idb bun.IDB, rows []ImportRow) (ImportCheck, error) {
	l, err := loadImportLookup(ctx, idb, rows)
	if err != nil {
		return ImportCheck{}, err
	}
	firstLine := map[string]int{}
	for _, r := range rows {
		if _, dup := firstLine[r.Email]; !dup && r.Email != "" {
			firstLine[r.Email] = r.Line
		}
	}
	// Trainees may name a supervisor from the same file, provided that
	// supervisor's own row is good: a supervisor row's check does not
	// depend on the others, so two passes settle it.
	newSupervisors := map[string]bool{}
	for _, r := range rows {
		if role, ok := importRole(r.Role); ok && role == Supervisor && len(l.problems(r, firstLine, nil)) == 0 {
			newSupervisors[r.Email] = true
		}
	}
	check := ImportCheck{Rows: make([]ImportRow, len(rows))}
	for i, r := range rows {
		r.Problems = l.problems(r, firstLine, newSupervisors)
		if r.OK() {
			check.Good++
		}
		check.Rows[i] = r
	}
	return check, nil
}

// problems lists what is wrong with r, in words for the preview.
func (l *importLookup) problems(r ImportRow, firstLine map[string]int, newSupervisors map[string]bool) []string {
	var p []string
	switch {
	case r.Name == "":
		p = append(p, "The name is missing.")
	case utf8.RuneCountInString(r.Name) > 100:
		p = append(p, "The name is longer than 100 characters.")
	}
	switch {
	case r.Email == "":
		p = append(p, "The email is missing.")
	case !validImportEmail(r.Email):
		p = append(p, "“"+r.Email+"” is not an email address like name@example.org.")
	case firstLine[r.Email] != r.Line:
		p = append(p, "This email is already on line "+strconv.Itoa(firstLine[r.Email])+" of the file.")
	case l.taken[r.Email]:
		p = append(p, "Someone already has an account with this email.")
	}
	role, ok := importRole(r.Role)
	if !ok {
		p = append(p, "The role must be trainee, supervisor or admin.")
	}
	if r.Cohort != "" {
		if _, ok := l.cohorts[strings.ToLower(r.Cohort)]; !ok {
			p = append(p, "There is no cohort called “"+r.Cohort+"”.")
		} else if role != "" && role != Trainee {
			p = append(p, "Only trainees can be members of a cohort.")
		}
	}
	if r.Supervisor != "" {
		if _, ok := l.supervisors[r.Supervisor]; !ok && !newSupervisors[r.Supervisor] {
			p = append(p, "No active supervisor, here or in the file, has the email “"+r.Supervisor+"”.")
		} else if role != "" && role != Trainee {
			p = append(p, "Only trainees have a supervisor.")
		}
	}
	return p
}

// importPreview is a checked people file waiting for its import, keyed by
// the SHA-256 of a random key held only by the uploading admin's form.
type importPreview struct {
	bun.BaseModel `bun:"table:import_previews"`

	ID        string    `bun:"id,pk"`
	CreatedBy string    `bun:"created_by,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	ExpiresAt time.Time `bun:"expires_at,notnull"`
	Rows      string    `bun:"rows,notnull"`
}

// errPreviewGone means the preview expired, was imported or is another's.
var errPreviewGone = fault.Errorf(fault.CodeNotFound, "This upload has expired or was already imported. Upload the file again.")

// SavePreview keeps rows for an hour for by's import and returns the key
// that finds them. Expired previews are deleted at the same time.
func (s *Service) SavePreview(ctx context.Context, by *User, rows []ImportRow) (string, error) {
	body, err := json.Marshal(rows)
	if err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	key := newToken()
	now := s.Clock.Now()
	p := &importPreview{ID: hashToken(key), CreatedBy: by.ID, CreatedAt: now, ExpiresAt: now.Add(ImportPreviewTTL), Rows: string(body)}
	err = db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := purgePreviews(ctx, tx, now); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(p).Exec(ctx)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("save preview: %w", err)
	}
	return key, nil
}

// purgePreviews deletes the previews expired at now, with the personal
// data they hold.
func purgePreviews(ctx context.Context, idb bun.IDB, now time.Time) error {
	if _, err := idb.NewDelete().Model((*importPreview)(nil)).Where("expires_at <= ?", now).Exec(ctx); err != nil {
		return fmt.Errorf("purge import previews: %w", err)
	}
	return nil
}

// Preview returns the rows kept under key for by.
func (s *Service) Preview(ctx context.Context, by *User, key string) ([]ImportRow, error) {
	return s.preview(ctx, s.DB, by, key)
}

func (s *Service) preview(ctx context.Context, idb bun.IDB, by *User, key string) ([]ImportRow, error) {
	if key == "" {
		return nil, errPreviewGone
	}
	p := new(importPreview)
	err := idb.NewSelect().Model(p).Where("id = ?", hashToken(key)).Where("created_by = ?", by.ID).
		Where("expires_at > ?", s.Clock.Now()).Scan(ctx)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errPreviewGone
		}
		return nil, fmt.Errorf("read preview: %w", err)
	}
	var rows []ImportRow
	if err := json.Unmarshal([]byte(p.Rows), &rows); err != nil {
		return nil, fmt.Errorf("read preview: %w", err)
	}
	return rows, nil
}

// Imported is one person an import made, with their invitation link when
// links are shown to the admin rather than mailed.
type Imported struct {
	User *User
	Link string
}

// ErrImportChanged means the file's rows no longer check as they did at
// the preview (someone was invited meanwhile, say): nothing was imported
// and Check holds the rows as they check now.
type ErrImportChanged struct{ Check ImportCheck }

func (e *ErrImportChanged) Error() string { return "the people file checks differently now" }

// Import creates the accounts of the preview under key, in one
// transaction: each person gets their role, cohort and supervisor and an
// invitation to choose their password. With onlyGood false, any row with a
// problem stops the import; with onlyGood true, the rows with problems are
// left out, provided good is still the number of good rows (what the admin
// was shown). Either way, a change since the preview returns an
// *ErrImportChanged and saves nothing.
func (s *Service) Import(ctx context.Context, by *User, key string, onlyGood bool, good int, ip string) ([]Imported, error) {
	var done []Imported
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		done = nil
		rows, err := s.preview(ctx, tx, by, key)
		if err != nil {
			return err
		}
		check, err := CheckImport(ctx, tx, rows)
		if err != nil {
			return err
		}
		if check.Good == 0 || (!onlyGood && check.Bad() > 0) || (onlyGood && check.Good != good) {
			return &ErrImportChanged{Check: check}
		}
		if done, err = s.importRows(ctx, tx, by, check, ip); err != nil {
			return err
		}
		_, err = tx.NewDelete().Model((*importPreview)(nil)).Where("id = ?", hashToken(key)).Exec(ctx)
		return err
	})
	if errors.Is(err, ErrEmailTaken) {
		// Someone got an account with one of the emails while this ran.
		return nil, s.recheck(ctx, by, key)
	}
	if err != nil {
		return nil, err
	}
	return done, nil
}

// recheck returns the preview under key as it checks now, as an
// *ErrImportChanged.
func (s *Service) recheck(ctx context.Context, by *User, key string) error {
	rows, err := s.Preview(ctx, by, key)
	if err != nil {
		return err
	}
	check, err := CheckImport(ctx, s.DB, rows)
	if err != nil {
		return err
	}
	return &ErrImportChanged{Check: check}
}

// importRows creates the good rows' accounts: supervisors first, so the
// trainees of a supervisor in the same file can be assigned to them.
func (s *Service) importRows(ctx context.Context, tx bun.Tx, by *User, check ImportCheck, ip string) ([]Imported, error) {
	l, err := loadImportLookup(ctx, tx, nil)
	if err != nil {
		return nil, err
	}
	var done []Imported
	for pass := range 2 {
		for _, r := range check.Rows {
			role, _ := importRole(r.Role)
			if !r.OK() || (pass == 0) != (role == Supervisor) {
				continue
			}
			imp, err := s.importRow(ctx, tx, by, l, r, role, ip)
			if err != nil {
				return nil, err
			}
			if role == Supervisor {
				l.supervisors[imp.User.Email] = imp.User
			}
			done = append(done, imp)
		}
	}
	return done, nil
}

// importRow creates one person's account without a password, puts them in
// their cohort and with their supervisor, and invites them.
func (s *Service) importRow(ctx context.Context, tx bun.Tx, by *User, l *importLookup, r ImportRow, role Role, ip string) (Imported, error) {
	u, err := s.createUser(ctx, tx, r.Email, r.Name, role, "")
	if err != nil {
		return Imported{}, err
	}
	if r.Supervisor != "" {
		sup := l.supervisors[r.Supervisor]
		if sup == nil {
			return Imported{}, fmt.Errorf("import line %d: supervisor not created", r.Line)
		}
		u.SupervisorID = &sup.ID
		if err := s.updateUser(ctx, tx, u, "supervisor_id"); err != nil {
			return Imported{}, err
		}
	}
	if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: u.ID, Action: audit.UserImported, IP: ip,
		Detail: "role " + string(role)}); err != nil {
		return Imported{}, err
	}
	if co := l.cohorts[strings.ToLower(r.Cohort)]; r.Cohort != "" && co != nil {
		if err := s.joinCohort(ctx, tx, by, co, u, ip); err != nil {
			return Imported{}, err
		}
	}
	link, err := s.sendInvitation(ctx, tx, &accountToken{Email: u.Email, Role: role, UserID: &u.ID, CreatedBy: &by.ID}, by.Name)
	if err != nil {
		return Imported{}, err
	}
	imp := Imported{User: u}
	if s.ShowInvitationLinks {
		imp.Link = link
	}
	return imp, nil
}
