package main

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/preset"
)

// reproduce runs eos reproduce with args and returns its output, failing the test on a non-zero status.
func reproduce(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"reproduce"}, args...), &out, &errb); code != 0 {
		t.Fatalf("eos reproduce %v: status %d: %s%s", args, code, out.String(), errb.String())
	}
	return out.String()
}

// TestReproduceList checks that --list names every preset and that every
// preset's runs are valid eos run settings.
func TestReproduceList(t *testing.T) {
	out := reproduce(t, "--list")
	for _, name := range preset.Names() {
		if !strings.Contains(out, "\n"+name+" ") {
			t.Errorf("--list does not name %s:\n%s", name, out)
		}
	}
	if strings.Contains(out, "bad:") {
		t.Errorf("--list reports a bad preset:\n%s", out)
	}
	if strings.Contains(out, "not yet available") {
		t.Errorf("--list says some runs cannot run, but every architecture exists:\n%s", out)
	}
}

// TestReproduceWithoutData runs the ce preset, whose runs all read
// CIFAR-10, with an empty data directory: each run is listed as one that
// cannot run here, with the data error, and the preset ends unchecked
// instead of failing half-way.
func TestReproduceWithoutData(t *testing.T) {
	t.Setenv("EOS_DATA", t.TempDir())
	out := reproduce(t, "ce", "--results", t.TempDir())
	if n := strings.Count(out, "cannot run here: cifar10-1k: CIFAR-10 not found"); n != 4 || !strings.Contains(out, "eos data fetch cifar10") {
		t.Errorf("%d runs reported missing their data, want the 4 of ce's quick scale:\n%s", n, out)
	}
	if !strings.Contains(out, "ce: not checked") {
		t.Errorf("the preset's verdict is not \"not checked\":\n%s", out)
	}
}

// TestReproducePrintEditFrom prints fig1, shortens it to one step size and
// 600 steps on the embedded set, runs it with --from, and checks its claim
// (λ1 within [0.9, 1.3]·2/η over the last third) against the run's own
// eigs.csv, then that a second run skips the finished run and that the
// report inlines the figure. About 10 s on 2 cores; skipped by -short.
func TestReproducePrintEditFrom(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 10-second fig1 run")
	}
	src := reproduce(t, "fig1", "--print")
	edited := strings.Replace(src, "lr = [0.15, 0.2, 0.25, 0.4]", "lr = [0.4]", 1)
	edited = strings.Replace(edited, "max_steps = 1500", "max_steps = 600", 1)
	if edited == src {
		t.Fatal("the printed fig1 preset no longer has the lines this test edits")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "my.toml")
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	results := filepath.Join(dir, "results")
	out := reproduce(t, "--from", file, "--results", results, "--threads", "2")
	if !strings.Contains(out, "fig1: shows the claim") {
		t.Errorf("the claim does not hold:\n%s", out)
	}
	outDir := filepath.Join(results, "reproduce", "fig1-quick")
	o, err := preset.ReadOutcome(outDir)
	if err != nil {
		t.Fatal(err)
	}
	// Independent check from eigs.csv: mean λ1 over the last third against 2/η = 5.
	matches, _ := filepath.Glob(filepath.Join(outDir, "runs", "*", "*", "*", "*", "*", "*", "*", "eigs.csv"))
	if len(matches) != 1 {
		t.Fatalf("want one eigs.csv under %s, found %v", outDir, matches)
	}
	raw, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")[1:]
	sum, n := 0.0, 0
	for _, l := range lines[len(lines)-len(lines)/3:] {
		var step, l1 float64
		if _, err := fmtSscan(strings.Split(l, ",")[:2], &step, &l1); err != nil {
			t.Fatal(err)
		}
		sum += l1
		n++
	}
	if m := sum / float64(n) / 5; m < 0.9 || m > 1.3 {
		t.Errorf("mean λ1·η/2 over the last third %.3f, outside [0.9, 1.3]", m)
	}
	if !o.Holds || len(o.Figures) != 1 {
		t.Errorf("outcome %+v", o)
	}
	again := reproduce(t, "--from", file, "--results", results, "--threads", "2")
	if !strings.Contains(again, "already done") {
		t.Errorf("the second run did not skip the finished run:\n%s", again)
	}
	html, err := os.ReadFile(filepath.Join(outDir, reportFile))
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(string(html), "<svg"); c != len(o.Figures) {
		t.Errorf("report.html has %d inline SVGs, want %d", c, len(o.Figures))
	}
}

// TestReportRendersInChromium renders the quadratic preset's report in
// headless Chromium and checks that its figure is drawn: the screenshot's
// figure area holds many non-white pixels of several colours.
func TestReportRendersInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
	}
	dir := t.TempDir()
	reproduce(t, "quadratic", "--results", dir)
	page := filepath.Join(dir, "reproduce", "quadratic-quick", reportFile)
	shot := filepath.Join(dir, "shot.png")
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--window-size=1300,2000", "--screenshot="+shot, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v: %s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	inked, colours := 0, map[[3]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xe000 || g < 0xe000 || bl < 0xe000 {
				inked++
				colours[[3]uint32{r >> 12, g >> 12, bl >> 12}] = true
			}
		}
	}
	// The 600 × 700 figure with twelve coloured lines, axes and text inks far more than the page's text alone.
	if inked < 20000 || len(colours) < 8 {
		t.Errorf("the screenshot looks blank: %d inked pixels in %d colours", inked, len(colours))
	}
}

// fmtSscan parses each field into the matching float.
func fmtSscan(fields []string, dst ...*float64) (int, error) {
	for i, f := range fields {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return i, err
		}
		*dst[i] = v
	}
	return len(fields), nil
}
