package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/edge-of-stability/eos"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows a run's progress: a bar on a terminal (step, loss, latest
// sharpness beside its threshold, steps/s, ETA), plain log lines otherwise.
type progress struct {
	w        io.Writer
	bar      *progressbar.ProgressBar
	unit     string
	lastLine time.Time
	// width reads the terminal's width in columns (0 when unknown).
	width func() int
	// start is when the progress began; last the latest event (seen is false before the first).
	start time.Time
	last  eos.Event
	seen  bool
}

// logEvery is how often plain log lines are written when not on a terminal.
const logEvery = 10 * time.Second

func newProgress(w io.Writer, cfg eos.Config) *progress {
	p := &progress{w: w, unit: "step", start: time.Now()}
	total := cfg.MaxSteps
	if cfg.IsFlow() {
		p.unit = "tick"
		total = int(math.Round(cfg.MaxTime / cfg.Tick))
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.width = func() int {
			cols, _, err := term.GetSize(int(f.Fd()))
			if err != nil {
				return 0
			}
			return cols
		}
		p.bar = progressbar.NewOptions(total+1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetItsString(p.unit+"s"),
			progressbar.OptionShowIts(),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetWidth(20),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// describe is one line of the latest figures.
func (p *progress) describe(e eos.Event) string {
	s := fmt.Sprintf("%s %d loss %.4g", p.unit, e.Step, e.TrainLoss)
	if !math.IsNaN(e.TrainAcc) {
		s += fmt.Sprintf(" acc %.3f", e.TrainAcc)
	}
	if !math.IsNaN(e.Sharpness) {
		s += fmt.Sprintf(" λ1 %.4g", e.Sharpness)
		if !math.IsNaN(e.Threshold) {
			s += fmt.Sprintf(" (threshold %.4g)", e.Threshold)
		} else {
			s += fmt.Sprintf(" (h %.3g)", e.LR)
		}
	}
	return s
}

func (p *progress) observe(e eos.Event) {
	p.last, p.seen = e, true
	if e.Notice != "" {
		fmt.Fprintln(p.w, e.Notice)
	}
	if p.bar != nil {
		desc := p.describe(e)
		if cols := p.width(); cols > 0 {
			desc = truncate(desc, cols-barReserve)
		}
		p.bar.Describe(desc)
		p.bar.Set(e.Step + 1)
		return
	}
	if e.Step == 0 || e.Step == e.Total || time.Since(p.lastLine) >= logEvery {
		fmt.Fprintln(p.w, p.describe(e))
		p.lastLine = time.Now()
	}
}

// barReserve is the width the bar's line needs beside the description:
// percentage, a bar of at least 10 cells, count, rate and times. The bar
// itself shrinks to fit the terminal; the description is cut to leave it room.
const barReserve = 60

// truncate cuts s to at most width runes, marking a cut with "…".
func truncate(s string, width int) string {
	r := []rune(s)
	switch {
	case len(r) <= width:
		return s
	case width < 1:
		return ""
	}
	return string(r[:width-1]) + "…"
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// summary is the closing line of a run that ended on its own, e.g.
// "finished: 1500 steps (max-steps); train loss 0.0312, acc 0.984; λ1 8.12, η·λ1 2.03; 31.2 s".
func (p *progress) summary(res *eos.Result) string {
	s := fmt.Sprintf("finished: %d %ss (%s)", res.Steps, p.unit, res.Stop)
	if !p.seen {
		return s
	}
	e := p.last
	s += fmt.Sprintf("; train loss %.4g", e.TrainLoss)
	if !math.IsNaN(e.TrainAcc) {
		s += fmt.Sprintf(", acc %.3f", e.TrainAcc)
	}
	if !math.IsNaN(e.Sharpness) {
		s += fmt.Sprintf("; λ1 %.4g", e.Sharpness)
		if !math.IsNaN(e.Threshold) {
			s += fmt.Sprintf(", η·λ1 %.3g", e.LR*e.Sharpness)
		}
	}
	return s + fmt.Sprintf("; %.1f s", time.Since(p.start).Seconds())
}
