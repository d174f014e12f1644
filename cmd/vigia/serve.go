package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/ingest"
	"github.com/vigia-mx/vigia/internal/screen"
	"github.com/vigia-mx/vigia/internal/web"
)

// cmdServe runs the web observatory until the context ends (SIGINT or
// SIGTERM), then lets requests in flight finish.
func cmdServe(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("serve", env)
	db := dbFlag(fs, env)
	defAddr := env.getenv("VIGIA_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8080"
	}
	addr := fs.String("addr", defAddr, "listen address (env VIGIA_ADDR)")
	keyFile := fs.String("key-file", env.getenv("VIGIA_SCREEN_KEY_FILE"), "HMAC key for contact tokens (created if missing; env VIGIA_SCREEN_KEY_FILE)")
	defRole := env.getenv("VIGIA_ROLE")
	if defRole == "" {
		defRole = "all"
	}
	role := fs.String("role", defRole, "all, intake (public form and reports API, public key only), console (staff only) or observatory (no hotline) (env VIGIA_ROLE)")
	hf := addHotlineFlags(fs, env)
	reportRate := fs.Int("report-rate", 5, "reports one client may send per minute")
	receiptRate := fs.Int("receipt-rate", 20, "receipt look-ups one client may make per minute")
	receiptFails := fs.Int("receipt-failures", 10, "unknown receipts one client may try per day before it is locked out")
	k := fs.Int("k", 10, "smallest count published in hotline statistics")
	secure := fs.Bool("secure-cookies", env.getenv("VIGIA_SECURE_COOKIES") == "1", "mark the console cookie Secure and send Strict-Transport-Security (behind TLS; env VIGIA_SECURE_COOKIES=1)")
	metricsAddr := fs.String("metrics-addr", env.getenv("VIGIA_METRICS_ADDR"), "serve /metrics on this address too (a private one); with the hotline intake on, /metrics is served only here (env VIGIA_METRICS_ADDR)")
	trustProxy := fs.Bool("trust-proxy", env.getenv("VIGIA_TRUST_PROXY") == "1", "behind a reverse proxy that appends X-Forwarded-For, rate-limit by the address it gives (env VIGIA_TRUST_PROXY=1)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, env, *db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	pop, err := ingest.Population()
	if err != nil {
		return err
	}
	key, err := loadKey(screenKeyPath(*keyFile, *db))
	if err != nil {
		return err
	}
	sc, err := screen.New(key)
	if err != nil {
		return err
	}
	handler := web.New(st, pop, sc, env.log)
	switch *role {
	case "all", "intake", "console":
		d, err := openDesk(env, st, *db, hf, sc, *role == "intake")
		if err != nil {
			return err
		}
		if *role != "console" {
			d.StartReceiptPool(ctx, 1024)
		}
		handler.EnableHotline(web.Hotline{Desk: d, Intake: *role != "console", Console: *role != "intake", PerMinute: *reportRate, ReceiptPerMinute: *receiptRate, ReceiptFailures: *receiptFails, K: *k, SecureCookies: *secure, TrustProxy: *trustProxy})
		if *role != "intake" {
			go retentionLoop(ctx, env, d)
		}
	case "observatory":
	default:
		return usageError{fmt.Errorf("serve: --role must be all, intake, console or observatory, not %q", *role)}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	// Tests and scripts read the address from here (with --addr :0).
	fmt.Fprintf(env.stdout, "vigia: serving on http://%s\n", ln.Addr())
	env.log.Info("serving", "addr", ln.Addr().String(), "db", st.Dialect())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			srv.Close()
			return fmt.Errorf("serve: listen on %s for metrics: %w", *metricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", handler.Metrics())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		defer msrv.Close()
		fmt.Fprintf(env.stdout, "vigia: metrics on http://%s/metrics\n", mln.Addr())
		go msrv.Serve(mln)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	env.log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// retentionLoop deletes expired hotline data at start and then daily.
func retentionLoop(ctx context.Context, env *environment, d *desk.Desk) {
	for {
		if r, c, err := d.Retention(ctx); err != nil {
			env.log.Error("retention", "err", err)
		} else if r+c > 0 {
			env.log.Info("retention", "reports_deleted", r, "cases_deleted", c)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}
