// Package demo fills a database with a realistic demonstration
// organisation: a training lead, supervisors, and trainees in cohorts at
// every stage of the programme, so every capability has something to show.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/certificate"
	"groundwork/internal/db"
	"groundwork/internal/events"
	"groundwork/internal/learning"
	"groundwork/internal/supervision"
)

// Options size the demonstration.
type Options struct {
	Trainees int       // default 12
	Progress io.Writer // where a progress bar is drawn; nil for none
	// Learning enrols the trainees in the programme; it is required.
	Learning *learning.Progress
	// Certificates, when set, issues the certificates the trainees have
	// earned, then revokes one and re-issues another.
	Certificates *certificate.Service
	// Events, when set, schedules public sessions: upcoming ones with
	// registrations and a waitlist, and a past one with its register taken,
	// certificates sent and feedback given.
	Events *events.Service
}

// SignIn is a demonstration account to print.
type SignIn struct {
	Role, Name, Email string
}

// Result lists the accounts made and the shared password.
type Result struct {
	Password string
	SignIns  []SignIn
	Trainees int
	Rows     int // progress and supervision rows written
	Issued   int // certificates issued
	Sessions int // public sessions scheduled
}

// ErrPresent means the demonstration organisation already exists.
var ErrPresent = errors.New("the demonstration data is already in this database")

const domain = "@demo.groundwork.example"

var (
	firstNames = []string{"Amira", "Ben", "Chloe", "Dev", "Ewa", "Farah", "Gary", "Hana", "Ines", "Jon", "Kai", "Leah",
		"Marcus", "Niamh", "Olu", "Priya", "Rosa", "Sandor", "Tomasz", "Yusuf", "Zara", "Aisha", "Callum", "Dee"}
	lastNames = []string{"Okafor", "Nowak", "Haddad", "Murphy", "Tupou", "Singh", "Kowalski", "Mensah", "Nguyen", "Evans",
		"Ahmed", "Byrne", "Costa", "Duarte", "Eriksen", "Fofana"}
)

// Fill writes the demonstration organisation in bulk (multi-row INSERTs,
// a transaction per batch of trainees followed by the certificates they
// have earned, two batches under way at once), then refreshes the
// planner's statistics, which a bulk load leaves behind.
func Fill(ctx context.Context, conn *bun.DB, svc *account.Service, cat *catalog.Catalog, opts Options) (*Result, error) {
	if opts.Trainees <= 0 {
		opts.Trainees = 12
	}
	exists, err := conn.NewSelect().Table("users").Where("email = ?", "lead"+domain).Exists(ctx)
	if err != nil {
		return nil, err
	}
	if exists {
		return nil, ErrPresent
	}
	if opts.Learning == nil {
		return nil, errors.New("demo: Options.Learning is required to enrol the trainees")
	}
	res := &Result{Password: passphrase(), Trainees: opts.Trainees}
	hash, err := svc.Hasher().Hash(res.Password)
	if err != nil {
		return nil, err
	}
	staff, err := makeStaff(ctx, svc, res)
	if err != nil {
		return nil, err
	}
	cohorts, err := makeCohorts(ctx, svc)
	if err != nil {
		return nil, err
	}
	w := &writer{conn: conn, accounts: svc, learning: opts.Learning, certs: opts.Certificates, cat: cat, hash: hash, staff: staff, cohorts: cohorts}
	batches, err := w.trainees(ctx, opts)
	if err != nil {
		return nil, err
	}
	first, last := res.add(batches)
	if opts.Certificates != nil && first != nil && first.HolderID != last.HolderID {
		if err := amend(ctx, conn, svc, opts.Certificates, first, last); err != nil {
			return nil, err
		}
		res.Issued++
	}
	if opts.Events != nil {
		if res.Sessions, err = sessions(ctx, conn, opts.Events, staff[0].ID); err != nil {
			return nil, err
		}
	}
	if opts.Progress != nil {
		fmt.Fprintln(opts.Progress, "Refreshing the database's statistics...")
	}
	if err := db.RefreshStatistics(ctx, conn); err != nil {
		return nil, err
	}
	return res, nil
}

// add counts what batches wrote into r and returns the first and the last
// certificate they issued (nil when none).
func (r *Result) add(batches []batchResult) (first, last *certificate.Certificate) {
	for _, b := range batches {
		r.SignIns = append(r.SignIns, b.signIns...)
		r.Rows += b.rows
		r.Issued += b.issued
		if first == nil {
			first = b.first
		}
		if b.last != nil {
			last = b.last
		}
	}
	return first, last
}

// amend revokes first and re-issues last after a change of its holder's
// name, so that the verification page has every answer to show.
func amend(ctx context.Context, conn *bun.DB, svc *account.Service, certs *certificate.Service, first, last *certificate.Certificate) error {
	var lead account.User
	if err := conn.NewSelect().Model(&lead).Where("email = ?", "lead"+domain).Scan(ctx); err != nil {
		return fmt.Errorf("find the training lead: %w", err)
	}
	if err := certs.Revoke(ctx, &lead, first, "Issued in error: a sign-off was recorded against the wrong trainee."); err != nil {
		return err
	}
	holder, err := account.UserByID(ctx, conn, last.HolderID)
	if err != nil {
		return err
	}
	if err := svc.ChangeName(ctx, holder, holder.Name+"-Tupou"); err != nil {
		return err
	}
	_, err = certs.Reissue(ctx, &lead, last, "Name changed at the holder's request.")
	return err
}

// passphrase is four random words' worth of letters, shared by every demo
// account and printed once.
func passphrase() string {
	return "demo-" + strings.ToLower(rand.Text()[:16])
}

func makeStaff(ctx context.Context, svc *account.Service, res *Result) ([]*account.User, error) {
	people := []struct {
		role        account.Role
		name, email string
	}{
		{account.Admin, "Lena Training-Lead", "lead"},
		{account.Supervisor, "Sam Okoro", "sam.okoro"},
		{account.Supervisor, "Ruth Byrne", "ruth.byrne"},
	}
	var supervisors []*account.User
	for _, p := range people {
		u, _, err := svc.CreateUser(ctx, p.email+domain, p.name, p.role, res.Password)
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", p.email, err)
		}
		res.SignIns = append(res.SignIns, SignIn{Role: string(p.role), Name: p.name, Email: u.Email})
		if p.role == account.Supervisor {
			supervisors = append(supervisors, u)
		}
	}
	return supervisors, nil
}

func makeCohorts(ctx context.Context, svc *account.Service) ([]*account.Cohort, error) {
	start := time.Now().UTC().AddDate(0, -4, 0).Truncate(24 * time.Hour)
	var out []*account.Cohort
	for i, name := range []string{"Spring cohort", "Autumn cohort"} {
		s := start.AddDate(0, 3*i, 0)
		e := s.AddDate(0, 6, 0)
		c := &account.Cohort{Name: name, Description: "Trainee groupworkers starting together.", StartsOn: &s, EndsOn: &e}
		if err := svc.SaveCohort(ctx, c); err != nil {
			return nil, fmt.Errorf("create cohort: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// writer bulk-inserts trainees and their progress in batches.
type writer struct {
	conn     *bun.DB
	accounts *account.Service
	learning *learning.Progress
	certs    *certificate.Service // nil: no certificates
	cat      *catalog.Catalog
	hash     string
	staff    []*account.User
	cohorts  []*account.Cohort
	// issuing lets one batch at a time issue certificates: two issues
	// picking places in the status list at once may pick the same one,
	// which the unique index turns into a failed batch.
	issuing *sync.Mutex
	// rng is the batch's own random source (see batchWriter).
	rng *mrand.Rand
}

func (w *writer) trainee(i int) account.User {
	first := firstNames[i%len(firstNames)]
	last := lastNames[(i*5+i/len(firstNames))%len(lastNames)]
	sup := w.staff[i%len(w.staff)].ID
	return account.User{
		ID:           uuid.Must(uuid.NewV7()).String(),
		Email:        fmt.Sprintf("trainee%05d%s", i+1, domain),
		Name:         first + " " + last,
		Role:         account.Trainee,
		PasswordHash: w.hash,
		Active:       true,
		SupervisorID: &sup,
		CreatedAt:    time.Now().UTC().AddDate(0, 0, -60-w.rng.IntN(60)),
	}
}

// progress gives a trainee a realistic stage: some modules complete, the
// next one part read, sometimes a failed knowledge check first; activity
// spread over the last six weeks, so some trainees look inactive. It
// returns how many modules they have finished and when they were last active.
func (w *writer) progress(u account.User, rec *learning.Records) (int, time.Time) {
	modules := w.cat.TraineeModules()
	done := w.rng.IntN(len(modules) + 1)
	at := time.Now().UTC().AddDate(0, 0, -w.rng.IntN(42)).Truncate(time.Second)
	for mi, m := range modules {
		if mi > done {
			break
		}
		read := len(m.Lessons)
		if mi == done {
			read = w.rng.IntN(len(m.Lessons) + 1)
		}
		for _, l := range m.Lessons[:read] {
			rec.Lessons = append(rec.Lessons, learning.LessonRead{UserID: u.ID, Module: m.Slug, Lesson: l.Slug, At: at})
		}
		if mi < done && m.Quiz != nil {
			if w.rng.IntN(3) == 0 {
				rec.Attempts = append(rec.Attempts, w.attempt(u.ID, m, at, false))
			}
			rec.Attempts = append(rec.Attempts, w.attempt(u.ID, m, at, true))
			for p := range m.ReflectionPrompts {
				rec.Reflections = append(rec.Reflections, reflection(u.ID, m.Slug, p+1, at))
			}
		}
	}
	return done, at
}

var summaries = []string{
	"Went through the week's groups. Talked about a visitor who left upset and what we could offer next time.",
	"Reviewed the consent forms together and practised explaining the limits of confidentiality.",
	"Discussed a hard outreach shift and how to wind down after it; agreed to use the debrief slot.",
	"Watched the Thursday drop-in: warm welcomes, clear information about naloxone, good use of silence.",
}

// supervision gives a trainee a supervision history that fits their
// stage: a session about every three weeks (one in five has not had one
// for two months), the latest sometimes not agreed yet; every competency
// of a finished module signed off, and sometimes a request pending for the
// module in hand.
func (w *writer) supervision(u account.User, done int, lastActive time.Time, b *supervision.Bulk) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	last := today.AddDate(0, 0, -w.rng.IntN(21))
	if w.rng.IntN(5) == 0 {
		last = today.AddDate(0, 0, -60)
	}
	sessions := 2 + done
	var recordIDs []string
	for k := range sessions {
		held := last.AddDate(0, 0, -21*(sessions-1-k))
		kind, minutes := supervision.OneToOne, 60
		switch k % 4 {
		case 2:
			kind, minutes = supervision.Group, 90
		case 3:
			kind, minutes = supervision.Observed, 45
		}
		c := supervision.Content{HeldOn: held, Minutes: minutes, Kind: kind, Summary: summaries[k%len(summaries)]}
		c.SetActions([]supervision.Action{{Text: "Read the service's lone working policy before the next outreach shift."}})
		signed := held.Add(26 * time.Hour)
		r := supervision.Record{ID: uuid.Must(uuid.NewV7()).String(), TraineeID: u.ID, SupervisorID: u.SupervisorID,
			AuthorID: *u.SupervisorID, Content: c, AuthorSigned: held.Add(2 * time.Hour), OtherSigned: &signed,
			CreatedAt: held, UpdatedAt: signed}
		if k == sessions-1 {
			next := held.AddDate(0, 0, 21)
			r.NextOn = &next
			if w.rng.IntN(4) == 0 {
				r.OtherSigned = nil
			}
		}
		b.Records = append(b.Records, r)
		recordIDs = append(recordIDs, r.ID)
	}
	modules := w.cat.TraineeModules()
	for mi, m := range modules {
		if mi > done {
			break
		}
		for ci, comp := range m.Competencies {
			switch {
			case mi < done:
				at := lastActive.AddDate(0, 0, -7)
				w.competency(b, u, m.Slug, comp.ID, supervision.SignedOff, at, recordIDs[min(mi, len(recordIDs)-1)])
			case ci == 0 && w.rng.IntN(2) == 0:
				w.competency(b, u, m.Slug, comp.ID, supervision.Pending, lastActive, "")
			}
		}
	}
}

// competency adds a competency's status with a request and, when signed
// off, the sign-off in the session of recordID.
func (w *writer) competency(b *supervision.Bulk, u account.User, module, id string, status supervision.Status, at time.Time, recordID string) {
	b.States = append(b.States, supervision.CompetencyState{TraineeID: u.ID, CompetencyID: id, ModuleSlug: module, Status: status, UpdatedAt: at})
	b.Events = append(b.Events, supervision.Event{ID: uuid.Must(uuid.NewV7()).String(), TraineeID: u.ID, CompetencyID: id,
		ModuleSlug: module, Kind: supervision.Requested, ActorID: u.ID, At: at.Add(-48 * time.Hour),
		Body: "I did this on shift this month; my reflections describe what happened and what I would change."})
	if status == supervision.SignedOff {
		b.Events = append(b.Events, supervision.Event{ID: uuid.Must(uuid.NewV7()).String(), TraineeID: u.ID, CompetencyID: id,
			ModuleSlug: module, Kind: supervision.SignOffEvent, ActorID: *u.SupervisorID, At: at,
			Body: "Seen in practice and talked through in supervision.", RecordID: &recordID})
	}
}

// attempt is a submitted knowledge-check attempt that passes or fails as
// asked, with an answer to every question, so reports that read answers
// (the item analysis) count it like one made on the site. Its score is
// the quiz's own marking of those answers.
func (w *writer) attempt(userID string, m *catalog.Module, at time.Time, pass bool) learning.Attempt {
	questions := m.Quiz.Questions
	right := w.rightAnswers(m, pass)
	answers := learning.Answers{}
	for i, qi := range w.rng.Perm(len(questions)) {
		q := questions[qi]
		if i < right {
			answers[q.ID] = q.CorrectSet()
		} else {
			answers[q.ID] = wrongAnswer(q)
		}
	}
	score := learning.Score(m.Quiz, answers)
	passed := score >= m.PassMark
	encoded, _ := json.Marshal(answers)
	return learning.Attempt{ID: uuid.Must(uuid.NewV7()).String(), UserID: userID, ModuleSlug: m.Slug,
		ModuleVersion: m.Version, OptionOrder: "{}", StartedAt: at.Add(-15 * time.Minute), SubmittedAt: &at,
		Answers: string(encoded), Score: &score, Passed: &passed}
}

// rightAnswers picks how many questions an attempt gets right: at least
// enough to pass when pass, fewer otherwise.
func (w *writer) rightAnswers(m *catalog.Module, pass bool) int {
	n := len(m.Quiz.Questions)
	least := 0
	for least < n && (least*200+n)/(2*n) < m.PassMark {
		least++
	}
	if pass {
		return least + w.rng.IntN(n-least+1)
	}
	return w.rng.IntN(max(least, 1))
}

// wrongAnswer is one option that is not the question's correct answer.
func wrongAnswer(q catalog.Question) []int {
	correct := q.CorrectSet()
	for i := range q.Options {
		if !slices.Equal([]int{i}, correct) {
			return []int{i}
		}
	}
	return nil
}

var reflectionTexts = []string{
	"I noticed I wanted to fix things for him rather than ask what he wanted. Next time I will ask first.",
	"It helped to say out loud what the service can and cannot do. She seemed to relax after that.",
	"I found the silence in the group hard. My supervisor suggested using a round to open.",
}

func reflection(userID, module string, prompt int, at time.Time) learning.Reflection {
	return learning.Reflection{ID: uuid.Must(uuid.NewV7()).String(), UserID: userID, ModuleSlug: module, Prompt: prompt,
		Body: reflectionTexts[prompt%len(reflectionTexts)], UpdatedAt: at, SubmittedAt: &at}
}

// drawBar redraws a one-line progress bar.
func drawBar(w io.Writer, what string, done, total int) {
	if w == nil {
		return
	}
	const width = 30
	filled := done * width / total
	fmt.Fprintf(w, "\r[%s%s] %d/%d %s", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total, what)
	if done == total {
		fmt.Fprintln(w)
	}
}
