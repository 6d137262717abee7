package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/asm"
	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/report"
)

func cmdData(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data", "eos data fetch [options] cifar10", stdout, stderr)
	dir := fs.String("data-dir", "", "data directory (default $EOS_DATA, else the user cache dir/eos)")
	url := fs.String("url", "", "download from this URL instead of the official one")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.args) != 2 || fs.args[0] != "fetch" {
		return fs.fail("want: eos data fetch cifar10")
	}
	d, err := data.Dir(*dir)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := data.Fetch(ctx, fs.args[1], d, *url, stderr); errors.Is(err, data.ErrUnknownDataset) {
		return fs.fail("%v", err)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "data: %s\n", d)
	return nil
}

func cmdPlot(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", "eos plot [options] DIR...  |  eos plot --sweep [--x S --y F --by S,S] CSV_OR_DIR...", stdout, stderr)
	out := fs.String("out", "", "output file prefix (default DIR/plot for one run, ./eos-plot for several, ./eos-sweep with --sweep)")
	formats := fs.String("format", "png,svg", "comma-separated formats: png, svg")
	sweepFig := fs.Bool("sweep", false, "a summary figure of a sweep: a figure of eos collect against a setting, one line per other setting, seeds as a band")
	x := fs.String("x", "lr", "with --sweep: the `setting` on the x axis")
	y := fs.String("y", "edge_eta_lambda1_mean", "with --sweep: the `figure` on the y axis (a column of eos collect)")
	by := fs.String("by", "", "with --sweep: comma-separated `settings`, one line per combination (default: every other setting that varies, but seed)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.args) == 0 {
		return fs.fail("name at least one result directory")
	}
	plotFormats, err := report.ParseFormats(*formats)
	if err != nil {
		return fs.fail("--format: %v", err)
	}
	if *sweepFig {
		return plotSweep(fs, *out, *x, *y, *by, plotFormats, stdout)
	}
	var runs []*report.Run
	for _, dir := range fs.args {
		r, err := report.Load(dir)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	prefix := *out
	if prefix == "" {
		prefix = "eos-plot"
		if len(runs) == 1 {
			prefix = filepath.Join(fs.args[0], "plot")
		}
	}
	files, err := report.Plot(runs, prefix, plotFormats)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	return nil
}

func cmdCompare(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compare", "eos compare [options] GD_DIR FLOW_DIR", stdout, stderr)
	out := fs.String("out", "", "output prefix for compare.csv and plots (default GD_DIR/compare)")
	formats := fs.String("format", "png,svg", "comma-separated plot formats: png, svg")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.args) != 2 {
		return fs.fail("want two result directories: a GD run and a flow run")
	}
	plotFormats, err := report.ParseFormats(*formats)
	if err != nil {
		return fs.fail("--format: %v", err)
	}
	gd, err := report.Load(fs.args[0])
	if err != nil {
		return err
	}
	fl, err := report.Load(fs.args[1])
	if err != nil {
		return err
	}
	c, err := report.Compare(gd, fl)
	if err != nil {
		return err
	}
	prefix := *out
	if prefix == "" {
		prefix = filepath.Join(fs.args[0], "compare")
	}
	if err := c.WriteCSV(prefix + ".csv"); err != nil {
		return err
	}
	files, err := c.Plot(prefix, plotFormats)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, prefix+".csv")
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	if c.FirstEdgeStep >= 0 {
		fmt.Fprintf(stdout, "GD's sharpness first exceeds its threshold at step %d (time %g)\n", c.FirstEdgeStep, c.FirstEdgeTime)
	} else {
		fmt.Fprintln(stdout, "GD's sharpness never exceeds its threshold in the recorded steps")
	}
	return nil
}

func cmdInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("info", "eos info [--kernel LEVEL]", stdout, stderr)
	kernel := fs.String("kernel", "", "kernel level to select: auto, generic, avx2, avx512, neon")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := selectKernel(*kernel); err != nil {
		return fs.fail("%v", err)
	}
	fmt.Fprint(stdout, asm.Describe())
	fmt.Fprintf(stdout, "kernel:     conv2d (im2col groups, sgemm/dgemm)  %s\n", asm.Selected())
	fmt.Fprintf(stdout, "kernel:     pooling, relu (Go loops)             generic\n")
	threads := runtime.GOMAXPROCS(0)
	if peak := asm.PeakGFLOPS(threads, peakTime); peak > 0 {
		fmt.Fprintf(stdout, "peak:       %.0f GFLOP/s float32 FMA on %d threads (%s register-only loop, %v)\n", peak, threads, asm.Selected(), peakTime)
	} else {
		fmt.Fprintf(stdout, "peak:       not measured (level %s has no FMA loop)\n", asm.Selected())
	}
	return nil
}

func cmdVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "eos version", stdout, stderr)
	if err := fs.parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "eos", eos.ProgramVersion())
	return nil
}
