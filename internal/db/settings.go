package db

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// setting is a row of the settings table.
type setting struct {
	bun.BaseModel `bun:"table:settings"`

	Name      string    `bun:"name,pk"`
	Value     string    `bun:"value,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// Secret returns the named secret of size random bytes, generating and
// storing it on first use. Every process sharing the database gets the same
// bytes: when two start at once, the first insert wins and the other reads it.
func Secret(ctx context.Context, db bun.IDB, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("generate secret %s: %w", name, err)
	}
	row := &setting{Name: name, Value: base64.StdEncoding.EncodeToString(fresh), CreatedAt: time.Now().UTC()}
	if _, err := db.NewInsert().Model(row).On("CONFLICT (name) DO NOTHING").Exec(ctx); err != nil {
		return nil, fmt.Errorf("store secret %s: %w", name, err)
	}
	var stored setting
	if err := db.NewSelect().Model(&stored).Where("name = ?", name).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	secret, err := base64.StdEncoding.DecodeString(stored.Value)
	if err != nil {
		return nil, fmt.Errorf("secret %s is corrupt: %w", name, err)
	}
	return secret, nil
}
