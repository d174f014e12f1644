// Package sesnsp reads the crime statistics that Mexico's Secretariado
// Ejecutivo del Sistema Nacional de Seguridad Pública publishes every month,
// in every layout it has used (the 2015 "nueva metodología" state and
// municipal files, the 2026 RNID files and the 2015-2025 re-issues that come
// with them) and in the two third-party derivatives Vigía bundles.
//
// A file is read whole or not at all: the first bad cell stops the read with
// its file, line, column and value. The layout is sniffed from the header
// and the character set from the bytes, never from the file name; the
// release (vintage) comes from the caller, the name or the data. Months
// after a release's cut-off are never published, whatever the cell holds.
//
// The package also names the 32 states (INEGI codes, ISO 3166-2, SESNSP and
// CONAPO names, ONC regions) and the measures Vigía computes.
package sesnsp
