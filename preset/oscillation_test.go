package preset

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/sweep"
)

// configOf turns a preset run's settings into an eos configuration through
// their config.json names (numbers and booleans as such, the rest strings).
func configOf(t *testing.T, s sweep.Spec, results string) eos.Config {
	t.Helper()
	fields := map[string]json.RawMessage{}
	for _, st := range s.Settings {
		v := json.RawMessage(st.Value)
		if !json.Valid(v) {
			v, _ = json.Marshal(st.Value)
		}
		fields[st.Key] = v
	}
	raw, _ := json.Marshal(fields)
	cfg := eos.DefaultConfig()
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("settings %s: %v", raw, err)
	}
	cfg.Results, cfg.Threads = results, 2
	return cfg
}

// TestOscillationQuickShowsTheClaim runs the oscillation preset's --quick
// run (≈ 8 s on 2 cores) and checks its claim: in the window at the edge the
// iterate's step along u1 reverses direction on ≥ 90% of steps while the
// rest moves smoothly. The same check over every window, the ones before λ1 reaches
// 2/η included, must fail: there GD moves smoothly along u1 too.
func TestOscillationQuickShowsTheClaim(t *testing.T) {
	p, err := Builtin("oscillation")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := p.Specs(false, func(string) bool { return true })
	if err != nil || len(specs) != 1 {
		t.Fatalf("quick specs %v, %v; want one run", specs, err)
	}
	cfg := configOf(t, specs[0], t.TempDir())
	if !cfg.EigProj || cfg.NEigs == 0 {
		t.Fatalf("the quick run does not write eigproj.csv: %+v", cfg)
	}
	res, err := eos.Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	runs := []RunResult{{Spec: specs[0], Dir: res.Dir}}
	dir := t.TempDir()
	o, err := Analyze(p, false, dir, runs)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Checked || !o.Holds || len(o.Details) != 1 {
		t.Fatalf("quick oscillation run does not show the claim: %+v", o)
	}
	for _, f := range []string{"oscillation.png", "oscillation.svg", SummaryFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	summary, _ := os.ReadFile(filepath.Join(dir, SummaryFile))
	if !strings.Contains(string(summary), ",true\n") {
		t.Errorf("summary.csv does not mark the run as showing the claim:\n%s", summary)
	}

	all := *p
	all.Check.Tail = 1
	o, err = Analyze(&all, false, t.TempDir(), runs)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Checked || o.Holds {
		t.Errorf("the check passes on the windows before the edge too: %+v", o)
	}
}
