package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/vigia-mx/vigia/data"
	"github.com/vigia-mx/vigia/internal/store"
	"github.com/vigia-mx/vigia/internal/storetest"
)

// releaseServer serves the bundled jun22 release (real SESNSP bytes) over
// TLS, as a publisher would, plus the failure modes an import must survive.
func releaseServer(t *testing.T) (*httptest.Server, []byte) {
	t.Helper()
	body, err := fs.ReadFile(data.FS(), "sesnsp/IDEFC_NM_jun22.csv")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /datos/IDEFC_NM_jun22.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	// A download link whose path says nothing; the header names the file,
	// and the length is not announced (chunked).
	mux.HandleFunc("GET /descarga", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="IDEFC_NM_jun22.csv"`)
		w.Write(body)
	})
	// Announces the whole file, sends half, and hangs up.
	mux.HandleFunc("GET /cortado/IDEFC_NM_jun22.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
	})
	mux.HandleFunc("GET /plano/IDEFC_NM_jun22.csv", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.invalid/IDEFC_NM_jun22.csv", http.StatusFound)
	})
	// Downloads whole, but a cell is bad: the import refuses the file.
	mux.HandleFunc("GET /malo/IDEFC_NM_ene27.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(hdr + "2027,2,Baja California,La sociedad,Trata de personas,Trata de personas,Trata de personas,cinco,,,,,,,,,,,\n"))
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	old := downloadTransport
	downloadTransport = srv.Client().Transport
	t.Cleanup(func() { downloadTransport = old })
	return srv, body
}

func releaseCount(t *testing.T, db string) int {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rs, err := st.Releases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

func TestImportURL(t *testing.T) {
	srv, body := releaseServer(t)
	sum := sha256.Sum256(body)
	want := hex.EncodeToString(sum[:])

	for _, tc := range []struct {
		name, path string
		percent    bool
	}{
		{"last path segment", "/datos/IDEFC_NM_jun22.csv", true},
		{"content-disposition", "/descarga?token=secreto", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			r := runVigia(t, nil, "import", "--no-seed", "--db", db, srv.URL+tc.path)
			if r.err != nil {
				t.Fatalf("import: %v\n%s%s", r.err, r.stdout, r.stderr)
			}
			for _, s := range []string{"downloaded " + strconv.Itoa(len(body)) + " bytes, sha256 " + want, "imported — release jun22 (carpetas from name)"} {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			// Progress on stderr: bytes, and the percent since the length was announced.
			if !strings.Contains(r.stderr, "bytes="+strconv.Itoa(len(body))) || strings.Contains(r.stderr, "percent=100") != tc.percent {
				t.Errorf("stderr shows no progress:\n%s", r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "secreto") {
				t.Errorf("the URL's query reached the output:\n%s%s", r.stdout, r.stderr)
			}
			r = runVigia(t, nil, "releases", "--db", db)
			if !strings.Contains(r.stdout, srv.URL+"/") || !strings.Contains(r.stdout, want[:12]) {
				t.Errorf("releases should name the URL and hash:\n%s", r.stdout)
			}
		})
	}

	// Each failure leaves nothing stored.
	for _, tc := range []struct {
		name, url string
		flags     []string
		usage     bool
		msg       string
	}{
		{"not found", srv.URL + "/datos/IDEFC_NM_jul22.csv", nil, false, "404 Not Found"},
		{"truncated body", srv.URL + "/cortado/IDEFC_NM_jun22.csv", nil, false, "interrupted after"},
		{"over the size cap", srv.URL + "/datos/IDEFC_NM_jun22.csv", []string{"--max-bytes", "100000"}, false, "more than --max-bytes 100000"},
		{"redirect to http", srv.URL + "/plano/IDEFC_NM_jun22.csv", nil, false, "plain http is refused"},
		{"bad cell", srv.URL + "/malo/IDEFC_NM_ene27.csv", nil, false, "/malo/IDEFC_NM_ene27.csv: line 2, column"},
		{"plain http", "http://127.0.0.1:1/IDEFC_NM_jun22.csv", nil, true, "plain http is refused"},
		{"other scheme", "ftp://127.0.0.1/IDEFC_NM_jun22.csv", nil, true, "only https://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			args := append([]string{"import", "--no-seed", "--db", db}, tc.flags...)
			r := runVigia(t, nil, append(args, tc.url)...)
			if r.err == nil {
				t.Fatalf("import succeeded:\n%s", r.stdout)
			}
			if got := exitCode(r.err) == 2; got != tc.usage {
				t.Errorf("usage error %v, want %v (%v)", got, tc.usage, r.err)
			}
			if !strings.Contains(r.stderr+r.err.Error(), tc.msg) {
				t.Errorf("error lacks %q: %v\n%s", tc.msg, r.err, r.stderr)
			}
			if strings.Contains(r.stderr, "vigia-import-") {
				t.Errorf("the message names the temporary file:\n%s", r.stderr)
			}
			if n := releaseCount(t, db); n != 0 {
				t.Errorf("%d releases stored after a failed download", n)
			}
		})
	}

	// --insecure-http lets a plain http URL through.
	t.Run("insecure http", func(t *testing.T) {
		plain := httptest.NewServer(srv.Config.Handler)
		defer plain.Close()
		db := storetest.SQLite(t)
		r := runVigia(t, nil, "import", "--no-seed", "--insecure-http", "--db", db, plain.URL+"/datos/IDEFC_NM_jun22.csv")
		if r.err != nil || !strings.Contains(r.stdout, "release jun22") {
			t.Fatalf("import: %v\n%s%s", r.err, r.stdout, r.stderr)
		}
	})
}

func TestDownloadName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"IDEFC_NM_jun22.csv", "IDEFC_NM_jun22.csv"},
		{"../../etc/passwd", "passwd"},
		{`C:\x\RNID-Delitos_Estatal-mar2026.zip`, "RNID-Delitos_Estatal-mar2026.zip"},
		{"..", ""},
		{".hidden", "hidden"},
		{"a%2Fb.csv", "a_b.csv"},
	} {
		if got := safeName(tc.in); got != tc.want {
			t.Errorf("safeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
