package report

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/tensorfile"
)

// writeRun writes a result directory into a new temporary directory: the
// config as JSON, each non-empty CSV text under its name, and iterates (when
// not nil) as iterates.npy.
func writeRun(t *testing.T, config map[string]any, metrics, eigs string, iterates [][]float64) string {
	t.Helper()
	dir := t.TempDir()
	raw, err := json.Marshal(config)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"config.json": string(raw), "metrics.csv": metrics, "eigs.csv": eigs}
	for name, text := range files {
		if text == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if iterates != nil {
		var flat []float64
		for _, row := range iterates {
			flat = append(flat, row...)
		}
		if err := tensorfile.WriteNPY(filepath.Join(dir, "iterates.npy"), "<f8", []int{len(iterates), len(iterates[0])}, flat); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustLoad loads dir or fails the test.
func mustLoad(t *testing.T, dir string) *Run {
	t.Helper()
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// gdConfig returns a GD run's config with learning rate lr.
func gdConfig(lr float64) map[string]any {
	return map[string]any{"kind": "gd", "dataset": "cifar10-5k", "arch": "fc-tanh", "loss": "mse", "opt": "gd",
		"lr": lr, "beta": 0.0, "seed": 0, "threshold": 2 / lr, "neigs": 2, "eig_freq": 5, "iterate_freq": 2}
}

// flowConfig returns a flow run's config.
func flowConfig(tick float64) map[string]any {
	return map[string]any{"kind": "flow", "dataset": "cifar10-5k", "arch": "fc-tanh", "loss": "mse", "opt": "flow",
		"lr": 0.0, "beta": 0.0, "seed": 0, "threshold": 40.0, "tick": tick, "iterate_freq": 1, "neigs": 2, "eig_freq": 5}
}

// gdMetrics returns metrics.csv text for a GD run of the given steps at
// constant lr whose loss decays like the paper's curves; test columns are
// filled every 10 steps and left empty otherwise.
func gdMetrics(lr float64, steps int) string {
	var b strings.Builder
	b.WriteString("step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n")
	for k := 0; k <= steps; k++ {
		loss := 0.5*math.Exp(-lr*float64(k)) + 0.01*(1+math.Sin(float64(k)))
		test := ","
		if k%10 == 0 {
			test = fmt.Sprintf("%g,%g", loss*1.2, 0.5)
		}
		fmt.Fprintf(&b, "%d,%g,%g,%s,%g,%g,%g\n", k, loss, 1-loss, test, 0.01*float64(k), lr, 2/lr)
	}
	return b.String()
}

// gdEigs returns eigs.csv text for a GD run whose λ1 rises to 2/lr and
// hovers there.
func gdEigs(lr float64, steps, every int) string {
	var b strings.Builder
	b.WriteString("step,lambda1,lambda2,eta_lambda1,hvps,seconds\n")
	for k := 0; k <= steps; k += every {
		l1 := 2 / lr * (1.05 - math.Exp(-float64(k)/40))
		fmt.Fprintf(&b, "%d,%g,%g,%g,%d,%g\n", k, l1, l1/2, lr*l1, 40, 0.1)
	}
	return b.String()
}

// flowMetrics returns metrics.csv text for a flow run of ticks ticks.
func flowMetrics(tick float64, ticks int) string {
	var b strings.Builder
	b.WriteString("tick,time,train_loss,train_acc,test_loss,test_acc,elapsed_s,h\n")
	for i := 0; i <= ticks; i++ {
		t := float64(i) * tick
		fmt.Fprintf(&b, "%d,%g,%g,%g,,,%g,%g\n", i, t, 2-t/2, t/4, 0.1*float64(i), tick/4)
	}
	return b.String()
}

// flowEigs returns eigs.csv text for a flow run with λ1 = 3 + 4t every
// `every` ticks.
func flowEigs(tick float64, ticks, every int) string {
	var b strings.Builder
	b.WriteString("tick,time,lambda1,lambda2,hvps,seconds\n")
	for i := 0; i <= ticks; i += every {
		t := float64(i) * tick
		fmt.Fprintf(&b, "%d,%g,%g,%g,%d,%g\n", i, t, 3+4*t, 1+t, 40, 0.1)
	}
	return b.String()
}

// checkPNG decodes path and checks it is a figure-sized, non-blank image in
// which every colour of wantColors is drawn.
func checkPNG(t *testing.T, path string, wantColors ...color.Color) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	b := img.Bounds()
	if b.Dx() != 6*pngDPI || b.Dy() != 7*pngDPI {
		t.Errorf("%s is %d×%d pixels, want %d×%d", path, b.Dx(), b.Dy(), 6*pngDPI, 7*pngDPI)
	}
	inked := 0
	found := make([]int, len(wantColors))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			if r, g, bl, _ := c.RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				inked++
			}
			for i, w := range wantColors {
				if similarColor(c, w) {
					found[i]++
				}
			}
		}
	}
	if frac := float64(inked) / float64(b.Dx()*b.Dy()); frac < 0.01 || frac > 0.5 {
		t.Errorf("%s: %.1f%% of pixels inked, want a drawn figure (1%%–50%%)", path, 100*frac)
	}
	for i, n := range found {
		if n < 50 {
			t.Errorf("%s: only %d pixels of colour %v, want a drawn line", path, n, wantColors[i])
		}
	}
}

// similarColor reports whether two colours agree to within 3 of 255 levels
// per channel.
func similarColor(a, b color.Color) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	near := func(x, y uint32) bool { d := int64(x) - int64(y); return d >= -0x300 && d <= 0x300 }
	return near(ar, br) && near(ag, bg) && near(ab, bb)
}

// checkSVG checks path is well-formed XML with an <svg> root and contains
// every string of want.
func checkSVG(t *testing.T, path string, want ...string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(strings.NewReader(string(raw)))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q, want svg", path, root)
	}
	for _, w := range want {
		if !strings.Contains(string(raw), w) {
			t.Errorf("%s does not contain %q", path, w)
		}
	}
}

// itoa and ftoa format numbers for hand-written CSV lines.
func itoa(k int) string     { return fmt.Sprint(k) }
func ftoa(v float64) string { return fmt.Sprint(v) }
