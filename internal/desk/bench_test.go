package desk

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vigia-mx/vigia/data"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/store"
)

// BenchmarkSubmit measures one report end to end below HTTP: validate,
// screen the offer, seal, derive the receipt, store with its audit entry.
// The report is SYNTHETIC.
func BenchmarkSubmit(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	keys, _ := seal.Generate()
	f, _ := data.FS().Open(data.Municipalities)
	geo, err := hotline.ReadGeography(data.Municipalities, f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	sc, _ := screen.New(make([]byte, 32))
	d := New(Config{Store: st, Keys: keys, Geo: geo, Screener: sc})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			r := hotline.Report{Kind: hotline.PosibleTrata, State: 21, Description: fmt.Sprintf("SINTÉTICO %d: oferta de trabajo sin detalles", i),
				Offer: "Se solicitan edecanes, $3,000 diarios, viaje pagado, sin experiencia. WhatsApp 55 1234 5678"}
			if _, err := d.Submit(ctx, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
