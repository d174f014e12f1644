package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/seal"
	"github.com/vigia-mx/vigia/internal/staff"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// TestTwoServersOnePostgres runs two servers, each with its own store
// connection and desk, on one PostgreSQL database and one key file, as two
// `vigia serve` processes behind a load balancer: the report rate limit,
// the unknown-receipt lockout and the sign-in lockout are one count across
// both. Everything here is synthetic.
func TestTwoServersOnePostgres(t *testing.T) {
	target := storetest.Postgres(t)
	ctx := context.Background()
	keys, err := seal.Generate()
	if err != nil {
		t.Fatal(err)
	}
	pop, err := ingest.Population()
	if err != nil {
		t.Fatal(err)
	}
	clock := &hotClock{t: time.Now()}
	var servers []*Server
	var desks []*desk.Desk
	for i := 0; i < 2; i++ {
		st, err := store.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		d := desk.New(desk.Config{Store: st, Keys: keys, Geo: hotGeography(t), Screener: testScreener(t), Now: clock.Now})
		s := New(st, pop, testScreener(t), slog.New(slog.DiscardHandler))
		s.now = clock.Now
		s.EnableHotline(Hotline{Desk: d, Intake: true, Console: true, PerMinute: 3, ReceiptPerMinute: 1000, ReceiptFailures: 4})
		servers, desks = append(servers, s), append(desks, d)
	}
	// One client, whose requests the balancer spreads over both.
	const addr = "198.51.100.77:40000"
	do := func(i int, method, target, body string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		r.RemoteAddr = addr
		for j := 0; j+1 < len(hdr); j += 2 {
			r.Header.Set(hdr[j], hdr[j+1])
		}
		w := httptest.NewRecorder()
		servers[i%2].ServeHTTP(w, r)
		return w
	}
	report := `{"kind":"situacion_riesgo","description":"[SINTÉTICO] réplicas","state":19}`

	// Reports: 3 a minute across both servers, however they are spread,
	// also when sent at once.
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := do(i, "POST", "/api/v1/reports", report, "Content-Type", "application/json")
			mu.Lock()
			codes[w.Code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[http.StatusCreated] != 3 || codes[http.StatusTooManyRequests] != 5 {
		t.Errorf("8 reports at once over two servers: %v, want 3 created and 5 refused", codes)
	}
	clock.Advance(time.Minute)
	if w := do(1, "POST", "/api/v1/reports", report, "Content-Type", "application/json"); w.Code != http.StatusCreated {
		t.Errorf("a report the next minute: %d", w.Code)
	}

	// Unknown receipts: 4 a day across both servers.
	own := syntheticReport("[SINTÉTICO] folio propio")
	receipt, err := desks[0].Submit(ctx, &own)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if w := do(i, "GET", "/api/v1/reports/mine", "", "Authorization", fmt.Sprintf("Receipt %016d", 7000+i)); w.Code != http.StatusNotFound {
			t.Fatalf("unknown receipt %d: %d", i, w.Code)
		}
	}
	for i := 0; i < 2; i++ {
		if w := do(i, "GET", "/api/v1/reports/mine", "", "Authorization", "Receipt "+receipt); w.Code != http.StatusTooManyRequests {
			t.Errorf("server %d after 4 unknown receipts on both: %d, want 429", i, w.Code)
		}
	}
	// Another client is not refused for it, on either server.
	for i := 0; i < 2; i++ {
		r := httptest.NewRequest("GET", "/api/v1/reports/mine", nil)
		r.RemoteAddr = fmt.Sprintf("203.0.113.%d:5000", 10+i)
		r.Header.Set("Authorization", "Receipt "+receipt)
		w := httptest.NewRecorder()
		servers[i].ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("another client on server %d: %d", i, w.Code)
		}
	}

	// Sign-in: failures on either server lock the account on both.
	pw := "contraseña sintética de réplica"
	secret, err := desks[0].AddStaff(ctx, "test", desk.NewStaff{Username: "op_rep", Password: pw, Role: staff.Operador, Team: "norte"})
	if err != nil {
		t.Fatal(err)
	}
	login := func(i int, password string) int {
		code, _ := staff.TOTPCode(secret, clock.Now())
		body := vals("usuario", "op_rep", "contrasena", password, "codigo", code).Encode()
		return do(i, "POST", "/consola/entrar", body, "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin").Code
	}
	for i := 0; i < staff.DefaultLockout.Threshold; i++ {
		if c := login(i, "contraseña equivocada"); c != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, c)
		}
	}
	for i := 0; i < 2; i++ {
		if c := login(i, pw); c != http.StatusUnauthorized {
			t.Errorf("the right password on server %d while locked: %d, want 401", i, c)
		}
	}
}
