package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

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
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", *addr, err)
	}
	srv := &http.Server{
		Handler:           web.New(st, pop, sc, env.log),
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
