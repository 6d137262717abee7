package data

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressWriter counts downloaded bytes (written to it) and shows them.
type progressWriter interface {
	io.Writer
	// finish ends the display.
	finish()
}

// newProgress returns a progress display for a download of total bytes
// labelled name: a progress bar when w is a terminal, otherwise a plain line
// every tenth of the way.
func newProgress(w io.Writer, name string, total int64) progressWriter {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return barProgress{progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(name),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)}
	}
	return &lineProgress{w: w, name: name, total: total}
}

// barProgress shows a download as a terminal progress bar.
type barProgress struct{ bar *progressbar.ProgressBar }

// Write advances the bar by len(p) bytes.
func (b barProgress) Write(p []byte) (int, error) { return b.bar.Write(p) }

// finish completes the bar's line.
func (b barProgress) finish() { b.bar.Exit() }

// lineProgress shows a download as a plain line per tenth of the total.
type lineProgress struct {
	w     io.Writer
	name  string
	total int64
	done  int64
	tenth int64 // tenths of the total already reported
}

// Write counts len(p) more bytes, printing a line at each tenth passed.
func (l *lineProgress) Write(p []byte) (int, error) {
	l.done += int64(len(p))
	if l.total > 0 {
		if t := min(10*l.done/l.total, 10); t > l.tenth {
			l.tenth = t
			fmt.Fprintf(l.w, "%s: %.1f of %.1f MB (%d%%)\n", l.name, float64(l.done)/1e6, float64(l.total)/1e6, 10*t)
		}
	}
	return len(p), nil
}

// finish reports the final count if the last line did not.
func (l *lineProgress) finish() {
	if l.tenth < 10 {
		fmt.Fprintf(l.w, "%s: %.1f MB received\n", l.name, float64(l.done)/1e6)
	}
}
