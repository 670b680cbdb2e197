package certificate

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/catalog"
	"groundwork/internal/certificate/credential"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/learning"
	"groundwork/internal/notify"
	"groundwork/internal/supervision"
)

// Issuer is the organisation that issues certificates.
type Issuer struct {
	Name    string
	BaseURL string // the site's public URL, without a trailing slash
	Logo    []byte // PNG or JPEG printed on certificates; nil for none
	Lang    string // language of the certificates, BCP 47
}

// Service issues, checks, revokes and re-issues certificates.
type Service struct {
	DB          *bun.DB
	Courses     *catalog.Store
	Progress    *learning.Progress
	Supervision *supervision.Service
	Issuer      Issuer
	// Key signs the Open Badges credentials.
	Key    ed25519.PrivateKey
	Logger *slog.Logger
	// Clock tells the time of every issue, revocation and flag.
	Clock clock.Clock
	// Notices tells holders about new certificates; nil tells nobody.
	Notices *notify.Notifier
}

// achievement is something a certificate can be issued for.
type achievement struct {
	slug, title, description, version string
	kind                              Kind
	modules                           []string // whose sign-offs it rests on
}

// due lists what userID has achieved, from their standing.
func due(st learning.Standing, cat *catalog.Catalog) []achievement {
	var out []achievement
	for _, mp := range st.Completed {
		m := mp.Module
		out = append(out, achievement{slug: m.Slug, title: m.Title, description: m.Summary,
			version: m.Version, kind: ModuleKind, modules: []string{m.Slug}})
	}
	// The programme certificate says the holder may practise unsupervised,
	// so it needs every safety-critical competency signed off, whatever
	// else the programme's completion rests on.
	if st.Programme && st.Clearance.Cleared() {
		p := cat.Programme
		out = append(out, achievement{slug: ProgrammeAchievement, title: p.Title, description: p.Summary,
			version: programmeVersion(cat), kind: ProgrammeKind, modules: p.Modules})
	}
	return out
}

// programmeVersion is a version of the programme: a hash of its modules'.
func programmeVersion(cat *catalog.Catalog) string {
	h := sha256.New()
	for _, slug := range cat.Programme.Modules {
		if m, ok := cat.Module(slug); ok {
			h.Write([]byte(slug + "\x00" + m.Version + "\x00"))
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Notify issues what holderID is due and logs a failure instead of
// returning it: it runs after a person's step is already recorded, and the
// certificates page issues anything missed.
func (s *Service) Notify(ctx context.Context, holderID string) {
	if _, err := s.IssueDue(context.WithoutCancel(ctx), holderID); err != nil {
		s.Logger.Error("issue certificates", slog.String("user_id", holderID), slog.String("error", err.Error()))
	}
}

// IssueDue issues a certificate for every module, and the programme, that
// holderID has completed and holds none for yet. However many requests run
// it at once, each achievement gets one certificate: the unique index
// certificates_once lets exactly one insert through.
func (s *Service) IssueDue(ctx context.Context, holderID string) ([]Certificate, error) {
	cat := s.Courses.Catalog()
	st, err := s.Progress.Standing(ctx, holderID, cat)
	if err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	todo, err := s.missing(ctx, holderID, due(st, cat))
	if err != nil || len(todo) == 0 {
		return nil, err
	}
	holder, err := account.UserByID(ctx, s.DB, holderID)
	if err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	history, err := s.Supervision.History(ctx, holderID)
	if err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	var issued []Certificate
	for _, a := range todo {
		c := s.freeze(holder, a, signers(history, a.modules))
		if c.StatusIndex, err = newStatusIndex(ctx, s.DB); err != nil {
			return issued, fmt.Errorf("issue certificate: %w", err)
		}
		ok, err := s.issueOne(ctx, c)
		if err != nil {
			return issued, err
		}
		if ok {
			issued = append(issued, *c)
		}
	}
	return issued, nil
}

// issueOne inserts c unless its holder already holds one for the
// achievement, and tells the holder in the same transaction; it reports
// whether c was issued.
func (s *Service) issueOne(ctx context.Context, c *Certificate) (bool, error) {
	issued := false
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		issued = false
		res, err := tx.NewInsert().Model(c).
			On("CONFLICT (holder_id, achievement) WHERE reissue_of IS NULL DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("issue certificate: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		issued = true
		return s.Notices.Tell(ctx, tx, c.HolderID, notify.CertificateIssued, c.ID,
			"A new certificate: "+c.Title, "/certificates")
	})
	return issued, err
}

// missing keeps the achievements holderID holds no certificate for.
func (s *Service) missing(ctx context.Context, holderID string, achieved []achievement) ([]achievement, error) {
	if len(achieved) == 0 {
		return nil, nil
	}
	var have []string
	if err := s.DB.NewSelect().Model((*Certificate)(nil)).Column("achievement").
		Where("holder_id = ?", holderID).Where("reissue_of IS NULL").Scan(ctx, &have); err != nil {
		return nil, fmt.Errorf("issue certificates: %w", err)
	}
	return slices.DeleteFunc(achieved, func(a achievement) bool { return slices.Contains(have, a.slug) }), nil
}

// signers returns, in order of sign-off, the names of the people whose
// sign-offs of the modules' competencies still stand.
func signers(history []supervision.Event, modules []string) []string {
	latest := map[string]supervision.Event{}
	var order []string
	for _, e := range history {
		if !slices.Contains(modules, e.ModuleSlug) {
			continue
		}
		if _, seen := latest[e.CompetencyID]; !seen {
			order = append(order, e.CompetencyID)
		}
		latest[e.CompetencyID] = e
	}
	var names []string
	for _, id := range order {
		if e := latest[id]; e.Kind == supervision.SignOffEvent && !slices.Contains(names, e.ActorName) {
			names = append(names, e.ActorName)
		}
	}
	return names
}

// freeze builds a new certificate of a for holder, as things are now.
func (s *Service) freeze(holder *account.User, a achievement, signedOffBy []string) *Certificate {
	if signedOffBy == nil {
		signedOffBy = []string{}
	}
	names, _ := json.Marshal(signedOffBy)
	salt := newSalt()
	return &Certificate{
		ID: clock.NewID(), Number: NewNumber(), Token: NewToken(), HolderID: holder.ID,
		Achievement: a.slug, Kind: a.kind, HolderName: holder.Name,
		RecipientSalt: salt, RecipientHash: credential.HashEmail(holder.Email, salt),
		Title: a.title, Description: a.description, ContentVersion: a.version,
		SignedOffBy: string(names), IssuedAt: s.Clock.Now(),
	}
}

// newSalt returns a fresh salt for hashing a holder's email.
func newSalt() string { return rand.Text() }

// Reissue replaces old with a new certificate carrying the holder's
// current name and email, the same achievement, content version and
// sign-offs, and a fresh number; old then says it is superseded. A
// certificate is re-issued at most once (a unique constraint), so two
// admins acting at once cannot fork it.
func (s *Service) Reissue(ctx context.Context, by *account.User, old *Certificate, reason string) (*Certificate, error) {
	if old.SupersededBy != "" {
		return nil, ErrSuperseded
	}
	if old.Kind == AttendanceKind {
		return nil, ErrAttendanceReissue
	}
	var fresh *Certificate
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		holder, err := account.UserByID(ctx, tx, old.HolderID)
		if err != nil {
			return err
		}
		a := achievement{slug: old.Achievement, title: old.Title, description: old.Description,
			version: old.ContentVersion, kind: old.Kind}
		fresh = s.freeze(holder, a, old.Signers())
		fresh.IssuedBy, fresh.ReissueOf, fresh.ReissueReason = &by.ID, &old.ID, reason
		if fresh.StatusIndex, err = newStatusIndex(ctx, tx); err != nil {
			return fmt.Errorf("re-issue certificate: %w", err)
		}
		if _, err := tx.NewInsert().Model(fresh).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrSuperseded
			}
			return fmt.Errorf("re-issue certificate: %w", err)
		}
		if err := s.clearFlags(ctx, tx, by, old.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: old.HolderID,
			Action: audit.CertificateReissued, Detail: old.Number + " → " + fresh.Number + ": " + reason})
	})
	return fresh, err
}

// Revoke revokes c with a reason, which its verification page shows. A
// certificate is revoked at most once.
func (s *Service) Revoke(ctx context.Context, by *account.User, c *Certificate, reason string) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		rev := &Revocation{CertificateID: c.ID, RevokedAt: s.Clock.Now(), RevokedBy: &by.ID, Reason: reason}
		if _, err := tx.NewInsert().Model(rev).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrRevoked
			}
			return fmt.Errorf("revoke certificate: %w", err)
		}
		if err := s.clearFlags(ctx, tx, by, c.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: c.HolderID,
			Action: audit.CertificateRevoked, Detail: c.Number + ": " + reason})
	})
}

// KeepFlagged clears the open flags of c: an admin looked and the
// certificate stands.
func (s *Service) KeepFlagged(ctx context.Context, by *account.User, c *Certificate) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.clearFlags(ctx, tx, by, c.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: c.HolderID,
			Action: audit.CertificateKept, Detail: c.Number})
	})
}

func (s *Service) clearFlags(ctx context.Context, tx bun.IDB, by *account.User, certificateID string) error {
	_, err := tx.NewUpdate().Model((*Flag)(nil)).Set("cleared_at = ?, cleared_by = ?", s.Clock.Now(), by.ID).
		Where("certificate_id = ?", certificateID).Where("cleared_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("clear certificate flags: %w", err)
	}
	return nil
}

// FlagWithdrawal flags the current certificates that rest on a module's
// sign-offs (the module's and the programme's) when a supervisor withdraws
// one, so that an admin decides whether to revoke them. It runs inside the
// withdrawal's transaction.
func (s *Service) FlagWithdrawal(ctx context.Context, tx bun.IDB, traineeID, moduleSlug, reason string) error {
	var ids []string
	err := tx.NewSelect().Model((*Certificate)(nil)).Column("c.id").
		Where("c.holder_id = ?", traineeID).Where("c.achievement IN (?)", bun.List([]string{moduleSlug, ProgrammeAchievement})).
		Where("NOT EXISTS (SELECT 1 FROM certificates AS n WHERE n.reissue_of = c.id)").
		Where("NOT EXISTS (SELECT 1 FROM certificate_revocations AS r WHERE r.certificate_id = c.id)").
		Scan(ctx, &ids)
	if err != nil {
		return fmt.Errorf("flag certificates: %w", err)
	}
	title := moduleSlug
	if m, ok := s.Courses.Catalog().Module(moduleSlug); ok {
		title = m.Title
	}
	for _, id := range ids {
		f := &Flag{ID: clock.NewID(), CertificateID: id, FlaggedAt: s.Clock.Now(),
			Reason: "A sign-off in “" + title + "” was withdrawn: " + reason}
		if _, err := tx.NewInsert().Model(f).Exec(ctx); err != nil {
			return fmt.Errorf("flag certificate: %w", err)
		}
	}
	return nil
}
