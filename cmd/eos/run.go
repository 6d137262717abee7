package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/flow"
	"github.com/edge-of-stability/eos/net"
	"github.com/edge-of-stability/eos/report"
)

// runOptions are the command-line options of run and flow beyond eos.Config.
type runOptions struct {
	kernel     string
	cpuProfile string
	memProfile string
	plot       bool
}

// addConfigFlags registers the options of eos.Config on fs, with the
// reference's option names in Go style.
func addConfigFlags(fs *flagSet, c *eos.Config, o *runOptions, isFlow bool) {
	fs.StringVar(&c.Dataset, "dataset", c.Dataset, "dataset: "+fmt.Sprint(data.Names()))
	fs.StringVar(&c.DataDir, "data-dir", "", "data directory (default $EOS_DATA, else <user cache dir>/eos)")
	fs.StringVar(&c.Arch, "arch", c.Arch, "architecture: "+fmt.Sprint(net.ArchNames()))
	fs.Var(intList{&c.Widths}, "widths", "hidden widths of an fc net, e.g. 200,200, or conv channels of a cnn net, e.g. 32,32 (default: the arch's)")
	fs.StringVar(&c.Init, "init", c.Init, "initialisation: standard (PyTorch default), xavier or ntk")
	fs.StringVar(&c.InitFrom, "init-from", "", "start from the weights in this safetensors `file` (PyTorch state_dict names)")
	fs.StringVar(&c.Loss, "loss", c.Loss, "loss: mse or ce")
	fs.StringVar(&c.Dtype, "dtype", c.Dtype, "float32 or float64")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "seed of the network initialisation")
	fs.IntVar(&c.PhysicalBatch, "physical-batch", c.PhysicalBatch, "examples per chunk of a full-batch pass, and the ghost batch of BatchNorm nets (0: 1000 for nets with BatchNorm, 250 otherwise)")
	fs.Var(byteSize{&c.MaxMemory}, "max-memory", "memory budget, e.g. 8GiB: the HVPs cache their linearisation only if it fits (default 60% of RAM)")
	fs.IntVar(&c.Threads, "threads", c.Threads, "worker goroutines (results are identical for any value)")
	fs.Float64Var(&c.AccGoal, "acc-goal", 0, "stop once the train accuracy exceeds this (0 = off)")
	fs.Float64Var(&c.LossGoal, "loss-goal", 0, "stop once the train loss falls below this (0 = off)")
	fs.IntVar(&c.TestFreq, "test-freq", c.TestFreq, "evaluate the test set every N steps (1 = every step as the reference; 0 = never)")
	fs.IntVar(&c.SaveFreq, "save-freq", 0, "save weights every N steps (0 = only at the end)")
	fs.IntVar(&c.NEigs, "neigs", c.NEigs, "number of top Hessian eigenvalues to track (0 = none)")
	fs.IntVar(&c.EigFreq, "eig-freq", c.EigFreq, "measure the eigenvalues every N steps (and at step 0)")
	fs.IntVar(&c.Abridged, "abridged", 0, "measure the Hessian on the first N training examples (0 = all)")
	fs.Float64Var(&c.EigTol, "eig-tol", c.EigTol, "eigen-solver tolerance: residual ‖Hv−λv‖ ≤ tol·|λ|")
	fs.StringVar(&c.EigWhich, "eig-which", c.EigWhich, "which eigenvalues: largest (algebraic), magnitude or smallest")
	fs.BoolVar(&c.SaveEigvecs, "save-eigvecs", false, "save the eigenvectors of each measurement (eigvecs/*.safetensors)")
	fs.BoolVar(&c.EigProj, "eig-proj", false, "write eigproj.csv: each step's displacement since the latest eigenvalue measurement along its eigenvectors, and the rest's length")
	fs.IntVar(&c.NProj, "nproj", 0, "dimension of the random projection of the iterates (iterates.npy)")
	fs.IntVar(&c.IterateFreq, "iterate-freq", 0, "project the iterates every N steps")
	fs.StringVar(&c.Results, "results", c.Results, "root of the results tree ($EOS_RESULTS sets the default)")
	fs.BoolVar(&c.Overwrite, "overwrite", false, "replace an existing run directory")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", 0, "write checkpoint.safetensors every N steps (0 = only when interrupted)")
	fs.Float64Var(&c.CheckpointMinutes, "checkpoint-minutes", 0, "write checkpoint.safetensors every M minutes (0 = off)")
	fs.BoolVar(&c.KeepCheckpoint, "keep-checkpoint", false, "keep the checkpoint when the run finishes")
	fs.StringVar(&c.Resume, "resume", "", "continue the interrupted run in `DIR` from its checkpoint (its settings come from DIR/config.json)")
	fs.StringVar(&o.kernel, "kernel", "", "kernel level: auto, generic, avx2, avx512, neon (default $EOS_KERNEL, else auto)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile to `file`")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile to `file`")
	fs.BoolVar(&o.plot, "plot", false, "write plots (PNG and SVG) into the run directory at the end")
	if isFlow {
		fs.Float64Var(&c.Tick, "tick", c.Tick, "ODE time between recordings")
		fs.Float64Var(&c.MaxTime, "max-time", c.MaxTime, "ODE time to integrate to")
		fs.Float64Var(&c.Alpha, "alpha", c.Alpha, "RK4 step size is min(alpha/sharpness, max-step)")
		fs.Float64Var(&c.MaxStep, "max-step", c.MaxStep, "largest RK4 step size")
		return
	}
	fs.StringVar(&c.Opt, "opt", c.Opt, "optimiser: gd, polyak, nesterov (or flow = eos flow)")
	fs.Float64Var(&c.LR, "lr", c.LR, "step size η")
	fs.Float64Var(&c.Beta, "beta", c.Beta, "momentum β (polyak, nesterov)")
	fs.IntVar(&c.MaxSteps, "max-steps", c.MaxSteps, "number of updates")
	fs.Func("lr-drop", "multiply η by FACTOR from STEP on: STEP:FACTOR (repeatable)", func(s string) error {
		d, err := flow.ParseDrop(s)
		if err != nil {
			return err
		}
		c.LRDrops = append(c.LRDrops, d)
		return nil
	})
	fs.Float64Var(&c.LRAdaptive, "lr-adaptive", 0, "η_t = C/λ_t from the latest sharpness (C = 1: η = 1/λ; 0 = off)")
	fs.Float64Var(&c.Tick, "tick", c.Tick, "(with --opt flow) ODE time between recordings")
	fs.Float64Var(&c.MaxTime, "max-time", c.MaxTime, "(with --opt flow) ODE time to integrate to")
	fs.Float64Var(&c.Alpha, "alpha", c.Alpha, "(with --opt flow) RK4 step size is min(alpha/sharpness, max-step)")
	fs.Float64Var(&c.MaxStep, "max-step", c.MaxStep, "(with --opt flow) largest RK4 step size")
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	return runExperiment("run", false, args, stdout, stderr)
}

func cmdFlow(args []string, stdout, stderr io.Writer) error {
	return runExperiment("flow", true, args, stdout, stderr)
}

// resumeFlags are the options that may accompany --resume: they change how
// the run is carried out, not its results.
var resumeFlags = map[string]bool{"resume": true, "threads": true, "max-memory": true, "data-dir": true, "kernel": true,
	"plot": true, "cpuprofile": true, "memprofile": true}

// runExperiment parses the options of run or flow and carries the experiment out.
func runExperiment(name string, isFlow bool, args []string, stdout, stderr io.Writer) error {
	cfg := eos.DefaultConfig()
	if r := os.Getenv("EOS_RESULTS"); r != "" {
		cfg.Results = r
	}
	if isFlow {
		cfg.Opt = "flow"
	}
	var o runOptions
	fs := newFlagSet(name, "eos "+name+" [options]", stdout, stderr)
	addConfigFlags(fs, &cfg, &o, isFlow)
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.args) > 0 {
		return fs.fail("unexpected argument %q", fs.args[0])
	}
	if err := checkFlowOnly(fs, cfg); err != nil {
		return err
	}
	if cfg.Resume != "" {
		var err error
		if cfg, err = resumeConfig(fs, cfg, &o, stderr); err != nil {
			return err
		}
	}
	if err := cfg.Validate(); err != nil {
		return fs.fail("%v", err)
	}
	if err := selectKernel(o.kernel); err != nil {
		return fs.fail("%v", err)
	}
	stopProfile, err := startProfiles(o.cpuProfile, o.memProfile)
	if err != nil {
		return err
	}
	ctx, stop := signalContext()
	defer stop()
	progress := newProgress(stderr, cfg)
	res, err := eos.Run(ctx, cfg, progress.observe)
	progress.finish()
	if perr := stopProfile(); err == nil {
		err = perr
	}
	var div *eos.DivergedError
	if err != nil && !errors.As(err, &div) {
		return err
	}
	if o.plot && res != nil {
		if perr := plotRun(res.Dir, stdout); err == nil {
			err = perr
		}
	}
	if err != nil {
		return err
	}
	if res.Stop == "interrupted" {
		code := exitTempFail
		cause := "cancelled"
		var sc signalCause
		if errors.As(context.Cause(ctx), &sc) {
			code, cause = sc.exitCode(), sc.name
		}
		fmt.Fprintf(stderr, "eos %s: interrupted by %s at %s %d; checkpoint written: continue with eos %s --resume %s\n",
			name, cause, progress.unit, res.Steps, name, res.Dir)
		return exitStatus(code)
	}
	fmt.Fprintln(stdout, progress.summary(res))
	fmt.Fprintln(stdout, res.Phases)
	fmt.Fprintf(stdout, "results: %s\n", res.Dir)
	return nil
}

// checkFlowOnly refuses the flow's options on a GD run, where they would be ignored.
func checkFlowOnly(fs *flagSet, cfg eos.Config) error {
	var ignored []string
	fs.Visit(func(f *flag.Flag) {
		if !cfg.IsFlow() && slices.Contains([]string{"tick", "max-time", "alpha", "max-step"}, f.Name) {
			ignored = append(ignored, "--"+f.Name)
		}
	})
	if len(ignored) > 0 {
		return fs.fail("%s: only for gradient flow (eos flow, or --opt flow), not --opt %s", strings.Join(ignored, ", "), cfg.Opt)
	}
	return nil
}

// resumeConfig is the config of the run that --resume names in parsed,
// refusing options that would change its results.
func resumeConfig(fs *flagSet, parsed eos.Config, o *runOptions, stderr io.Writer) (eos.Config, error) {
	dir := parsed.Resume
	var bad []string
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) {
		set[f.Name] = true
		if !resumeFlags[f.Name] {
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		return parsed, fs.fail("%s cannot be given with --resume: the run's settings come from %s",
			strings.Join(bad, ", "), filepath.Join(dir, "config.json"))
	}
	cfg, kernel, err := eos.LoadConfig(dir)
	if err != nil {
		return parsed, fs.fail("--resume: %v", err)
	}
	cfg.Resume = dir
	if set["threads"] {
		cfg.Threads = parsed.Threads
	}
	if set["data-dir"] {
		cfg.DataDir = parsed.DataDir
	}
	// The run's own kernel level gives bitwise the same results; another machine may lack it.
	if !set["kernel"] && os.Getenv("EOS_KERNEL") == "" {
		if err := selectKernel(kernel); err != nil {
			fmt.Fprintf(stderr, "eos %s: warning: the run used kernel %s, not available here (results may differ in the last bits)\n", fs.Name(), kernel)
		} else {
			o.kernel = kernel
		}
	}
	return cfg, nil
}

// plotRun writes plot.png and plot.svg into a run directory.
func plotRun(dir string, stdout io.Writer) error {
	run, err := report.Load(dir)
	if err != nil {
		return err
	}
	files, err := report.Plot([]*report.Run{run}, filepath.Join(dir, "plot"), []string{"png", "svg"})
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "plot: %s\n", f)
	}
	return nil
}
