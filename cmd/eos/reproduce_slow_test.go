//go:build slow

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/preset"
)

// TestPresetClaimsQuick runs the --quick scale of the presets whose claims
// were seen to hold (about 25 minutes on 2 cores, 16 of them the grid and
// sharpening-depth and -data; ce, the grid and sharpening-data read
// CIFAR-10 from $EOS_DATA and are skipped without it)
// and checks that each shows its claim: the check's figures are computed by
// preset.Analyze from the runs' own eigs.csv and metrics.csv (build tag
// slow: make test-slow).
func TestPresetClaimsQuick(t *testing.T) {
	for _, name := range []string{"fig1", "ce", "gd-vs-flow", "oscillation", "momentum", "lr-drop", "inverse-sharpness", "deeplinear", "quadratic", "grid", "sharpening-depth", "sharpening-data"} {
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(os.Getenv("EOS_DATA"), "cifar-10-batches-bin")); (name == "ce" || name == "grid" || name == "sharpening-data") && err != nil {
				t.Skipf("%s needs CIFAR-10 under $EOS_DATA: %v", name, err)
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
