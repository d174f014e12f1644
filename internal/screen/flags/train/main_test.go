package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// sharedAds is the shared data folder beside the repository, where the ad
// texts live (they never enter the repository).
func sharedAds(t *testing.T) string {
	dir := filepath.Join("..", "..", "..", "..", "..", "shared", "data", "ads")
	if _, err := os.Stat(filepath.Join(dir, "mx-boards")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs the shared data beside the repository: %v", err)
		}
		t.Skipf("no shared ad data beside the repository (%v): the model cannot be retrained here", err)
	}
	return dir
}

// TestTrainReproducible retrains from the gold labels and the shared texts
// and requires model.json and docs/screening-eval.md to be byte-identical
// to what is committed (run the trainer to update them).
func TestTrainReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("retraining takes about 20 s")
	}
	root := filepath.Join("..", "..", "..", "..")
	m, rep, err := Run(root, sharedAds(t), DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join(root, "internal/screen/flags/model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, old) {
		t.Error("model.json is stale: run go run ./internal/screen/flags/train")
	}
	oldr, err := os.ReadFile(filepath.Join(root, "docs/screening-eval.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rep, oldr) {
		t.Error("docs/screening-eval.md is stale: run go run ./internal/screen/flags/train")
	}
}

func TestMetrics(t *testing.T) {
	p := []float64{0.9, 0.8, 0.3, 0.1}
	y := []float64{1, 0, 1, 0}
	if ap := averagePrecision(p, y); ap < 0.83 || ap > 0.84 { // (1 + 2/3)/2
		t.Errorf("AP %v", ap)
	}
	if auc := rocAUC(p, y); auc != 0.75 {
		t.Errorf("AUC %v", auc)
	}
	if k := kappa([]bool{true, false, true, false}, []bool{true, false, true, false}); k != 1 {
		t.Errorf("kappa of identical ratings %v", k)
	}
	if lo, hi := wilson(9, 10); !(lo > 0.55 && lo < 0.6 && hi > 0.98) {
		t.Errorf("wilson(9,10) = %v, %v", lo, hi)
	}
}

// TestThresholds: alto is the lowest score at the precision floor, medio
// keeps the recall floor.
func TestThresholds(t *testing.T) {
	z := []float64{5, 4, 3, 2, 1, 0, -1, -2, -3, -4}
	y := []float64{1, 1, 1, 0, 1, 0, 1, 0, 0, 0}
	cfg := DefaultConfig
	cfg.AltoPrecision, cfg.AltoLegitMax, cfg.MedioRecall = 0.9, 0.5, 0.8
	alto, medio := chooseThresholds(z, y, cfg)
	if alto != 3 {
		t.Errorf("alto %v, want 3 (precision 3/3; at 1 it is 4/5)", alto)
	}
	if medio != 1 {
		t.Errorf("medio %v, want 1 (recall 4/5)", medio)
	}
}
