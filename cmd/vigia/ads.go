package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/vigia-mx/vigia/internal/screen"
)

// cmdAds finds the screened ads that gave a contact: the contact is turned
// into its token with the same key, so the raw contact is never stored or
// compared.
func cmdAds(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("ads", env)
	db := dbFlag(fs, env)
	keyFile := fs.String("key-file", env.getenv("VIGIA_SCREEN_KEY_FILE"), "the key file vigia screen used")
	contactText := fs.String("contact", "", `a phone, WhatsApp link, e-mail or handle, as written in an ad ("55 1234 5678")`)
	token := fs.String("token", "", "a contact token from vigia screen's output")
	limit := fs.Int("limit", 100, "most ads to list")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*contactText == "") == (*token == "") {
		return usageError{errors.New("ads: give --contact or --token")}
	}
	tokens := []string{*token}
	if *contactText != "" {
		key, err := loadKey(screenKeyPath(*keyFile, *db))
		if err != nil {
			return err
		}
		sc, err := screen.New(key)
		if err != nil {
			return err
		}
		res := sc.Screen(*contactText)
		if len(res.Identifiers) == 0 {
			return fmt.Errorf("ads: no phone, link, e-mail or handle recognised in --contact")
		}
		tokens = res.Tokens()
	}
	st, err := openStore(ctx, env, *db, false)
	if err != nil {
		return err
	}
	defer st.Close()
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AD\tTIER\tRISK\tFLAGS\tCLUSTER\tCITY\tPOSTED\tSOURCE\tBATCH")
	n := 0
	for _, tok := range tokens {
		ads, err := st.AdsByToken(ctx, tok, *limit)
		if err != nil {
			return err
		}
		for _, a := range ads {
			n++
			cluster := a.Cluster
			if c, ok, err := st.Cluster(ctx, a.Batch, a.Cluster); err == nil && ok {
				cluster = fmt.Sprintf("%s (%d ads, %s…%s)", c.ID, c.Size, c.First, c.Last)
			}
			fmt.Fprintf(tw, "%s\t%s\t%.2f\t%v\t%s\t%s\t%s\t%s\t%s\n", a.ExtID, a.Tier, a.Risk, a.Flags, cluster, a.City, a.PostedAt, a.Source, a.Batch)
		}
	}
	tw.Flush()
	fmt.Fprintf(env.stdout, "%d ads\n", n)
	return nil
}
