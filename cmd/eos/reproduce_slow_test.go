//go:build slow

package main

import (
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/preset"
)

// TestPresetClaimsQuick runs the --quick scale of the presets whose claims
// were seen to hold (about 25 minutes on 2 cores, 16 of them the grid and
// sharpening-depth and -data) and checks that each shows its claim: the
// check's figures are computed by preset.Analyze from the runs' own
// eigs.csv and metrics.csv (build tag slow: make test-slow). A preset with
// a run whose CIFAR-10 is not under $EOS_DATA (ce, grid, sharpening-data)
// is skipped, with the reason eos reproduce gives.
func TestPresetClaimsQuick(t *testing.T) {
	for _, name := range []string{"fig1", "ce", "gd-vs-flow", "oscillation", "momentum", "lr-drop", "inverse-sharpness", "deeplinear", "quadratic", "grid", "sharpening-depth", "sharpening-data"} {
		t.Run(name, func(t *testing.T) {
			p, err := preset.Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			specs, err := p.Specs(false, isRunOption)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range specs {
				if why := missingData(s); why != "" {
					t.Skipf("%s: %s", name, why)
				}
			}
			dir := t.TempDir()
			out := reproduce(t, name, "--results", dir, "--threads", "2")
			if !strings.Contains(out, name+": shows the claim") {
				t.Errorf("%s does not show its claim:\n%s", name, out)
			}
			o, err := preset.ReadOutcome(dir + "/reproduce/" + name + "-quick")
			if err != nil {
				t.Fatal(err)
			}
			if !o.Checked || !o.Holds || len(o.Figures) == 0 {
				t.Errorf("outcome %+v", o)
			}
		})
	}
}
