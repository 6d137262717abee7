package main

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/edge-of-stability/eos"
)

func TestTruncateFitsTheWidth(t *testing.T) {
	s := "step 1234 loss 0.01234 acc 0.987 λ1 8.123 (threshold 8)"
	for width := -3; width <= utf8.RuneCountInString(s)+2; width++ {
		got := truncate(s, width)
		if n := utf8.RuneCountInString(got); n > max(width, 0) || width >= utf8.RuneCountInString(s) && got != s {
			t.Fatalf("truncate to %d: %q (%d runes)", width, got, n)
		}
		if got != s && got != "" && !strings.HasSuffix(got, "…") {
			t.Fatalf("truncate to %d: %q has no mark of the cut", width, got)
		}
	}
}

func TestSummaryReadsNaturally(t *testing.T) {
	p := newProgress(&strings.Builder{}, eos.DefaultConfig())
	p.observe(eos.Event{Step: 1500, Total: 1500, TrainLoss: 0.0312, TrainAcc: 0.984, Sharpness: 8.12, Threshold: 8, LR: 0.25})
	got := p.summary(&eos.Result{Steps: 1500, Stop: "max-steps"})
	want := "finished: 1500 steps (max-steps); train loss 0.0312, acc 0.984; λ1 8.12, η·λ1 2.03; "
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, " s") {
		t.Fatalf("summary %q, want %q followed by the wall time", got, want)
	}
	p.observe(eos.Event{Step: 3, TrainLoss: 1, TrainAcc: math.NaN(), Sharpness: math.NaN(), Threshold: math.NaN()})
	if got := p.summary(&eos.Result{Steps: 3, Stop: "loss-goal"}); strings.Contains(got, "acc") || strings.Contains(got, "λ1") {
		t.Fatalf("summary of a run without accuracy or sharpness: %q", got)
	}
}
