package main

import (
	"bytes"
	"os"
	"testing"
)

// TestTrainReproducible retrains from testdata and requires the result to be
// byte-identical to the embedded model.json (run the trainer to update).
func TestTrainReproducible(t *testing.T) {
	es, en, err := Load("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := Build(TrainingSet(es, en), DefaultConfig)
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile("../model.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, old) {
		t.Fatal("model.json is stale: run go run ./internal/screen/flags/train")
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
	if pr, rc, _ := prf(p, y, 0.5); pr != 0.5 || rc != 0.5 {
		t.Errorf("prf %v %v", pr, rc)
	}
}
