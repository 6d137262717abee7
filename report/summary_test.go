package report

import (
	"math"
	"testing"
)

func TestSummarizeGD(t *testing.T) {
	eigs := "step,lambda1,eta_lambda1\n0,10,1\n10,13,1.3\n20,16,1.6\n30,19,1.9\n40,21,2.1\n50,19,1.9\n"
	r := mustLoad(t, writeRun(t, gdConfig(0.1), gdMetrics(0.1, 50), eigs, nil))
	got := Summarize(r)
	if len(got) != len(SummaryColumns) {
		t.Fatalf("%d figures for %d columns", len(got), len(SummaryColumns))
	}
	loss := 0.5*math.Exp(-0.1*50) + 0.01*(1+math.Sin(50))
	want := map[string]float64{
		"final_step": 50, "final_train_loss": loss, "final_train_acc": 1 - loss, "final_test_loss": loss * 1.2,
		"final_test_acc": 0.5, "final_lambda1": 19,
		// 0.9·2/η = 18 is first reached at step 30, time 30·0.1.
		"edge_step": 30, "edge_time": 3,
		"edge_eta_lambda1_mean": (1.9 + 2.1 + 1.9) / 3,
		// λ1 = 10 + 0.3·step before the edge.
		"sharpening_rate": 0.3,
	}
	want["edge_eta_lambda1_std"] = math.Sqrt((2*math.Pow(1.9-want["edge_eta_lambda1_mean"], 2) + math.Pow(2.1-want["edge_eta_lambda1_mean"], 2)) / 3)
	for i, name := range SummaryColumns {
		if math.Abs(got[i]-want[name]) > 1e-6*math.Max(1, math.Abs(want[name])) {
			t.Errorf("%s = %v, want %v", name, got[i], want[name])
		}
	}
}

func TestSummarizeNeverAtTheEdgeAndFlow(t *testing.T) {
	eigs := "step,lambda1,eta_lambda1\n0,2,0.2\n10,4,0.4\n"
	got := Summarize(mustLoad(t, writeRun(t, gdConfig(0.1), gdMetrics(0.1, 10), eigs, nil)))
	fig := map[string]float64{}
	for i, name := range SummaryColumns {
		fig[name] = got[i]
	}
	if !math.IsNaN(fig["edge_step"]) || !math.IsNaN(fig["edge_eta_lambda1_mean"]) || math.Abs(fig["sharpening_rate"]-0.2) > 1e-12 {
		t.Errorf("run below the edge: %v", fig)
	}
	got = Summarize(mustLoad(t, writeRun(t, flowConfig(0.5), flowMetrics(0.5, 8), flowEigs(0.5, 8, 2), nil)))
	if got[0] != 8 || got[1] != 2-4.0/2 || !math.IsNaN(got[6]) || !math.IsNaN(got[10]) {
		t.Errorf("flow run: %v", got)
	}
}
