package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ScreenedAd is what the store keeps of a screened ad: no text, no raw
// contact, only what links and explains it.
type ScreenedAd struct {
	ID           int64
	ExtID        string
	Source       string // cli, api, public
	Batch        string
	ScreenedAt   time.Time
	Tier         string
	Risk         float64
	Flags        []string
	Cluster      string
	City         string
	PostedAt     string
	RulesVersion string
	ModelVersion string
	Identifiers  []AdIdentifier
}

// AdIdentifier is a contact of an ad as its keyed token.
type AdIdentifier struct {
	Kind  string
	Token string
	Last4 string
}

// SaveAds stores a batch of screened ads in one transaction.
func (s *Store) SaveAds(ctx context.Context, ads []ScreenedAd) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save ads: %w", err)
	}
	defer tx.Rollback()
	for _, a := range ads {
		var cluster any
		if a.Cluster != "" {
			cluster = a.Cluster
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO screened_ads (ext_id, source, batch, screened_at, tier, risk, flags, cluster, city, posted_at, rules_version, model_version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.ExtID, a.Source, a.Batch, a.ScreenedAt.UTC().Format(time.RFC3339), a.Tier, a.Risk, strings.Join(a.Flags, ","), cluster,
			a.City, a.PostedAt, a.RulesVersion, a.ModelVersion).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: save ad %s: %w", a.ExtID, err)
		}
		for _, ident := range a.Identifiers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ad_identifiers (ad, kind, token, last4) VALUES ($1, $2, $3, $4)`,
				id, ident.Kind, ident.Token, ident.Last4); err != nil {
				return fmt.Errorf("store: save ad %s: identifier: %w", a.ExtID, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: save ads: %w", err)
	}
	return nil
}

// AdsByToken returns the ads that gave the contact with this token, newest
// first.
func (s *Store) AdsByToken(ctx context.Context, token string, limit int) ([]ScreenedAd, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.ext_id, a.source, a.batch, a.screened_at, a.tier, a.risk, a.flags, COALESCE(a.cluster, ''), a.city, a.posted_at, a.rules_version, a.model_version
		FROM screened_ads a JOIN ad_identifiers i ON i.ad = a.id WHERE i.token = $1 ORDER BY a.id DESC LIMIT $2`, token, limit)
	if err != nil {
		return nil, fmt.Errorf("store: ads by token: %w", err)
	}
	defer rows.Close()
	var out []ScreenedAd
	for rows.Next() {
		var a ScreenedAd
		var at, fl string
		if err := rows.Scan(&a.ID, &a.ExtID, &a.Source, &a.Batch, &at, &a.Tier, &a.Risk, &fl, &a.Cluster, &a.City, &a.PostedAt, &a.RulesVersion, &a.ModelVersion); err != nil {
			return nil, fmt.Errorf("store: ads by token: %w", err)
		}
		a.ScreenedAt, _ = time.Parse(time.RFC3339, at)
		if fl != "" {
			a.Flags = strings.Split(fl, ",")
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AdCluster is a network of screened ads: near-duplicate templates and
// shared contacts.
type AdCluster struct {
	Batch         string
	ID            string
	Size          int
	Cities        []string
	First, Last   string // dates of the first and last ad, when known
	TemplateEdges int
	ContactEdges  int
	SharedTokens  []string
}

// SaveClusters stores the clusters of one screening batch.
func (s *Store) SaveClusters(ctx context.Context, cs []AdCluster) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save clusters: %w", err)
	}
	defer tx.Rollback()
	for _, c := range cs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ad_clusters (batch, id, size, cities, first_posted, last_posted, template_edges, contact_edges, shared_tokens)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.Batch, c.ID, c.Size, strings.Join(c.Cities, "|"), c.First, c.Last,
			c.TemplateEdges, c.ContactEdges, strings.Join(c.SharedTokens, ",")); err != nil {
			return fmt.Errorf("store: save cluster %s: %w", c.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: save clusters: %w", err)
	}
	return nil
}

// Cluster returns one cluster of a batch; ok is false when there is none.
func (s *Store) Cluster(ctx context.Context, batch, id string) (AdCluster, bool, error) {
	c := AdCluster{Batch: batch, ID: id}
	var cities, tokens string
	err := s.db.QueryRowContext(ctx, `SELECT size, cities, first_posted, last_posted, template_edges, contact_edges, shared_tokens
		FROM ad_clusters WHERE batch = $1 AND id = $2`, batch, id).Scan(&c.Size, &cities, &c.First, &c.Last, &c.TemplateEdges, &c.ContactEdges, &tokens)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("store: cluster %s: %w", id, err)
	}
	if cities != "" {
		c.Cities = strings.Split(cities, "|")
	}
	if tokens != "" {
		c.SharedTokens = strings.Split(tokens, ",")
	}
	return c, true, nil
}
