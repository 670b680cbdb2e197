package certificate

import (
	"github.com/uptrace/bun"

	"groundwork/internal/learning"
)

var _ learning.ProgrammeHolders = (*Service)(nil)

// ProgrammeHeld selects the programme certificates in force (neither
// revoked nor superseded) of the person whose ID is the SQL expression
// holderID (a column of the outer query), for EXISTS. It implements
// learning.ProgrammeHolders.
func (s *Service) ProgrammeHeld(idb bun.IDB, holderID string) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("certificates AS pc").ColumnExpr("1").
		Where("pc.holder_id = "+holderID).Where("pc.achievement = ?", ProgrammeAchievement).
		Where("NOT EXISTS (SELECT 1 FROM certificate_revocations AS rv WHERE rv.certificate_id = pc.id)").
		Where("NOT EXISTS (SELECT 1 FROM certificates AS ri WHERE ri.reissue_of = pc.id)")
}
