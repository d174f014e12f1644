package web

import (
	_ "embed"
	"net/http"
)

// openapiDoc describes /api/v1; a test calls every path it lists and checks
// each answer against the schema's required fields.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	setCORS(w)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(openapiDoc)
}
