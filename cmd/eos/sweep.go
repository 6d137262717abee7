package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/internal/atomicfile"
	"github.com/edge-of-stability/eos/sweep"
)

// sweepUsage is the help text of eos sweep.
const sweepUsage = `Usage:
  eos sweep plan GRID.toml                     check a grid and list its runs
  eos sweep list GRID.toml [--out DIR]         the runs with their state (done, started, pending)
  eos sweep run GRID.toml [--index K | --shard i/n] [--jobs N]
                                               run one run, a shard, the job array task's run, or all
  eos sweep slurm GRID.toml [--partition P --time T --cpus-per-task C --mem M --max-parallel K] [--submit]
                                               write (and submit) an sbatch job array over the grid
  eos sweep k8s GRID.toml --image IMG [--claim PVC --parallelism K --cpus-per-task C --mem M]
                                               print a Kubernetes Indexed Job over the grid

A grid file has a [base] table of eos run settings and an [axes] table of
lists of values, under eos run's option names with underscores:

  [base]
  max_steps = 300
  widths = "64,64"
  [axes]
  lr = [0.05, 0.1]
  seed = [0, 1]

Runs go to DIR/runs/<id>/ (DIR defaults to $EOS_RESULTS/sweeps/<grid name>,
else results/sweeps/<grid name>). "eos SWEEP_COMMAND --help" lists its options.
`

func cmdSweep(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, sweepUsage)
		if len(args) == 0 {
			return errUsage
		}
		return errHelp
	}
	sub := map[string]func([]string, io.Writer, io.Writer) error{
		"plan": sweepPlan, "list": sweepList, "run": sweepRun, "slurm": sweepSlurm, "k8s": sweepK8s,
	}[args[0]]
	if sub == nil {
		fmt.Fprintf(stderr, "eos sweep: unknown subcommand %q (want plan, list, run, slurm or k8s)\n", args[0])
		return errUsage
	}
	return sub(args[1:], stdout, stderr)
}

// sweepCommand is what every sweep subcommand shares: its options, the grid
// file and the sweep directory.
type sweepCommand struct {
	fs   *flagSet
	out  *string
	path string
	src  []byte
	grid *sweep.Grid
}

// newSweepCommand makes the option set of eos sweep name.
func newSweepCommand(name, synopsis string, stdout, stderr io.Writer) *sweepCommand {
	c := &sweepCommand{fs: newFlagSet("sweep "+name, "eos sweep "+name+" "+synopsis, stdout, stderr)}
	c.out = c.fs.String("out", "", "sweep `directory` (default $EOS_RESULTS/sweeps/<grid name>, else results/sweeps/<grid name>)")
	return c
}

// parse parses the options and loads the one grid file named, checking
// every run's settings as eos run would.
func (c *sweepCommand) parse(args []string) error {
	if err := c.fs.parse(args); err != nil {
		return err
	}
	if len(c.fs.args) != 1 {
		return c.fs.fail("name one grid file")
	}
	c.path = c.fs.args[0]
	var err error
	if c.src, err = os.ReadFile(c.path); err != nil {
		return c.fs.fail("%v", err)
	}
	if c.grid, err = sweep.Parse(c.src, isRunOption); err != nil {
		return c.fs.fail("%s: %v", c.path, err)
	}
	for _, s := range c.grid.Specs {
		if _, err := configFor(s, ""); err != nil {
			return c.fs.fail("%s: %v", c.path, err)
		}
	}
	if *c.out == "" {
		root := os.Getenv("EOS_RESULTS")
		if root == "" {
			root = eos.DefaultConfig().Results
		}
		*c.out = filepath.Join(root, "sweeps", c.name())
	}
	return nil
}

// name is the grid's name: its file name without the extension.
func (c *sweepCommand) name() string {
	return strings.TrimSuffix(filepath.Base(c.path), filepath.Ext(c.path))
}

// runOptionFlags returns a flag set holding every option of eos run, bound to cfg.
func runOptionFlags(cfg *eos.Config) *flagSet {
	fs := newFlagSet("run", "", io.Discard, io.Discard)
	addConfigFlags(fs, cfg, &runOptions{}, false)
	return fs
}

// isRunOption reports whether key, with underscores, names an option of eos run.
func isRunOption(key string) bool {
	cfg := eos.DefaultConfig()
	return !strings.Contains(key, "-") && runOptionFlags(&cfg).Lookup(strings.ReplaceAll(key, "_", "-")) != nil
}

// configFor returns the configuration of a grid's run with its results under dir.
func configFor(s sweep.Spec, dir string) (eos.Config, error) {
	cfg := eos.DefaultConfig()
	if err := runOptionFlags(&cfg).Parse(s.Args()); err != nil {
		return cfg, fmt.Errorf("run %d: %v", s.Index, err)
	}
	if dir != "" {
		cfg.Results = dir
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("run %d: %w", s.Index, err)
	}
	return cfg, nil
}

// printRuns prints a grid's runs, one a line: index, id, (state,) the axis values.
func printRuns(w io.Writer, g *sweep.Grid, state func(sweep.Spec) string) {
	for _, s := range g.Specs {
		var vals []string
		for _, a := range g.Axes {
			v, _ := s.Value(a.Key)
			vals = append(vals, a.Key+"="+v)
		}
		cols := []string{fmt.Sprintf("%4d", s.Index), s.ID}
		if state != nil {
			cols = append(cols, fmt.Sprintf("%-8s", state(s)))
		}
		fmt.Fprintln(w, strings.Join(append(cols, vals...), "  "))
	}
}

func sweepPlan(args []string, stdout, stderr io.Writer) error {
	c := newSweepCommand("plan", "GRID.toml", stdout, stderr)
	if err := c.parse(args); err != nil {
		return err
	}
	var base, axes []string
	for _, s := range c.grid.Base {
		base = append(base, s.Key+"="+s.Value)
	}
	for _, a := range c.grid.Axes {
		axes = append(axes, fmt.Sprintf("%s (%d)", a.Key, len(a.Values)))
	}
	fmt.Fprintf(stdout, "grid %s: %d runs, plan %s\nbase: %s\naxes: %s\nresults: %s\n",
		c.path, len(c.grid.Specs), c.grid.Plan(), strings.Join(base, " "), strings.Join(axes, " × "), *c.out)
	printRuns(stdout, c.grid, nil)
	return nil
}

func sweepList(args []string, stdout, stderr io.Writer) error {
	c := newSweepCommand("list", "GRID.toml [--out DIR]", stdout, stderr)
	if err := c.parse(args); err != nil {
		return err
	}
	printRuns(stdout, c.grid, func(s sweep.Spec) string { return sweep.State(*c.out, s.ID) })
	return nil
}

func sweepRun(args []string, stdout, stderr io.Writer) error {
	c := newSweepCommand("run", "GRID.toml [--index K | --shard i/n] [--jobs N] [options]", stdout, stderr)
	index := c.fs.Int("index", -1, "run only the run with this index")
	shard := c.fs.String("shard", "", "run only shard `i/n`: runs i, i+n, i+2n, … (i from 0)")
	jobs := c.fs.Int("jobs", 1, "runs at once on this machine")
	threads := c.fs.Int("threads", 0, "worker goroutines per run (default: the grid's threads, else the CPUs / --jobs)")
	plan := c.fs.String("plan", "", "refuse to run unless the grid expands to this plan (as submitted by eos sweep slurm/k8s)")
	if err := c.parse(args); err != nil {
		return err
	}
	switch {
	case *jobs < 1:
		return c.fs.fail("--jobs %d: want >= 1", *jobs)
	case *threads < 0:
		return c.fs.fail("--threads %d: want >= 1", *threads)
	case *index >= 0 && *shard != "":
		return c.fs.fail("--index and --shard exclude each other")
	case *index >= len(c.grid.Specs):
		return c.fs.fail("--index %d: the grid has runs 0 to %d", *index, len(c.grid.Specs)-1)
	case *plan != "" && *plan != c.grid.Plan():
		return fmt.Errorf("%s now expands to plan %s, not the submitted %s: the grid file changed since the job was submitted", c.path, c.grid.Plan(), *plan)
	}
	indices, source, err := c.selectRuns(*index, *shard)
	if err != nil {
		return err
	}
	if *threads == 0 {
		*threads = max(1, runtime.NumCPU() / *jobs)
	}
	fmt.Fprintf(stdout, "sweep %s: %d of %d runs (%s) into %s\n", c.path, len(indices), len(c.grid.Specs), source, *c.out)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	specs := make([]sweep.Spec, len(indices))
	for i, k := range indices {
		specs[i] = c.grid.Specs[k]
	}
	return runSpecs(ctx, *c.out, specs, *jobs, *threads, c.fs.isSet("threads"), "eos sweep run", stdout, stderr)
}

// runSpecs carries out specs in the sweep directory out, jobs at once, each
// with threads workers (unless its settings give threads and force is false),
// skipping the runs already done; it reports each run on stdout.
func runSpecs(ctx context.Context, out string, specs []sweep.Spec, jobs, threads int, force bool, who string, stdout, stderr io.Writer) error {
	runner := func(ctx context.Context, s sweep.Spec, dir string) (string, error) {
		cfg, err := configFor(s, dir)
		if err != nil {
			return "", err
		}
		if _, set := s.Value("threads"); !set || force {
			cfg.Threads = threads
		}
		res, err := eos.Run(ctx, cfg, nil)
		if err != nil {
			return "", err
		}
		if res.Stop == "interrupted" {
			return "", errors.New("interrupted")
		}
		return res.Dir, nil
	}
	var (
		mu     sync.Mutex
		failed int
		wg     sync.WaitGroup
		next   = make(chan sweep.Spec)
	)
	for range min(jobs, len(specs)) {
		wg.Go(func() {
			for s := range next {
				start := time.Now()
				outcome, err := sweep.Do(ctx, out, s, runner)
				mu.Lock()
				if err != nil {
					failed++
					fmt.Fprintf(stderr, "%s: %v\n", who, err)
				} else {
					fmt.Fprintf(stdout, "run %d %s: %s (%.1f s)\n", s.Index, s.ID, outcome, time.Since(start).Seconds())
				}
				mu.Unlock()
			}
		})
	}
	for _, s := range specs {
		if ctx.Err() != nil {
			break
		}
		next <- s
	}
	close(next)
	wg.Wait()
	if failed > 0 {
		return fmt.Errorf("%d of %d runs failed", failed, len(specs))
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	return nil
}

// selectRuns returns the indices of the runs to do and says where they came
// from: --index, --shard, a job array's environment, or all.
func (c *sweepCommand) selectRuns(index int, shard string) ([]int, string, error) {
	n := len(c.grid.Specs)
	switch {
	case index >= 0:
		return []int{index}, fmt.Sprintf("--index %d", index), nil
	case shard != "":
		i, k, err := sweep.ParseShard(shard)
		if err != nil {
			return nil, "", c.fs.fail("%v", err)
		}
		return sweep.Shard(i, k, n), "--shard " + shard, nil
	}
	indices, source, ok, err := sweep.TaskFromEnv(os.Getenv, n)
	switch {
	case err != nil:
		return nil, "", err
	case ok:
		return indices, source, nil
	}
	return sweep.Shard(0, 1, n), "all", nil
}

// isSet reports whether the named option was given on the command line.
func (fs *flagSet) isSet(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// clusterCommand is a sweep subcommand that writes a cluster job: Slurm's
// or Kubernetes', with the options they share.
type clusterCommand struct {
	*sweepCommand
	cpus         *int
	mem          *string
	maxParallel  *int
	parallelName string
}

// newClusterCommand makes eos sweep name, whose cap on the tasks running at
// once is the option parallelName.
func newClusterCommand(name, synopsis, parallelName string, stdout, stderr io.Writer) *clusterCommand {
	c := newSweepCommand(name, synopsis, stdout, stderr)
	return &clusterCommand{
		sweepCommand: c,
		cpus:         c.fs.Int("cpus-per-task", 2, "CPUs of each task, also each run's --threads"),
		mem:          c.fs.String("mem", "", "memory of each task, e.g. 4G (default: the cluster's)"),
		maxParallel:  c.fs.Int(parallelName, 0, "tasks running at once (0 = as many as the cluster allows)"),
		parallelName: parallelName,
	}
}

// job checks the shared options and returns the job over the grid.
func (j *clusterCommand) job() (sweep.Job, error) {
	c, parallelName := j.sweepCommand, j.parallelName
	switch {
	case *j.cpus < 1:
		return sweep.Job{}, c.fs.fail("--cpus-per-task %d: want >= 1", *j.cpus)
	case *j.mem != "" && !regexp.MustCompile(`^[0-9]+[KMGTkmgt]?$`).MatchString(*j.mem):
		return sweep.Job{}, c.fs.fail("--mem %q: want a size like 4G or 500M", *j.mem)
	case *j.maxParallel < 0:
		return sweep.Job{}, c.fs.fail("--%s %d: want >= 0", parallelName, *j.maxParallel)
	}
	return sweep.Job{Name: "eos-" + c.name(), Runs: len(c.grid.Specs), Plan: c.grid.Plan(),
		CPUs: *j.cpus, Mem: *j.mem, MaxParallel: *j.maxParallel}, nil
}

func sweepSlurm(args []string, stdout, stderr io.Writer) error {
	c := newClusterCommand("slurm", "GRID.toml [options] [--submit]", "max-parallel", stdout, stderr)
	partition := c.fs.String("partition", "", "Slurm partition (default: the cluster's)")
	limit := c.fs.String("time", "", "time limit of each task, e.g. 1:00:00 (default: the partition's)")
	binary := c.fs.String("eos", "", "the eos binary the tasks run (default: this one)")
	submit := c.fs.Bool("submit", false, "submit the script with sbatch and print the job id")
	if err := c.parse(args); err != nil {
		return err
	}
	j, err := c.job()
	if err != nil {
		return err
	}
	j.Partition, j.Time = *partition, *limit
	if *binary == "" {
		if *binary, err = os.Executable(); err != nil {
			return fmt.Errorf("finding this binary (pass --eos): %w", err)
		}
	}
	for _, p := range []*string{binary, &c.path, c.out} {
		if *p, err = filepath.Abs(*p); err != nil {
			return fmt.Errorf("resolving %s: %w", *p, err)
		}
	}
	j.Eos, j.Grid, j.Out = *binary, c.path, *c.out
	if err := os.MkdirAll(sweep.SlurmLogDir(j.Out), 0o755); err != nil {
		return fmt.Errorf("creating the log directory: %w", err)
	}
	script := filepath.Join(j.Out, "sweep.sbatch")
	if err := atomicfile.Write(script, func(w io.Writer) error {
		_, err := io.WriteString(w, sweep.SlurmScript(j))
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintln(stdout, script)
	if !*submit {
		return nil
	}
	out, err := exec.Command("sbatch", "--parsable", script).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("sbatch: %v: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return fmt.Errorf("sbatch: %w", err)
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	fmt.Fprintf(stdout, "submitted job %s: %d array tasks, logs in %s\n", id, j.Runs, sweep.SlurmLogDir(j.Out))
	return nil
}

func sweepK8s(args []string, stdout, stderr io.Writer) error {
	c := newClusterCommand("k8s", "GRID.toml --image IMG [options]", "parallelism", stdout, stderr)
	image := c.fs.String("image", "", "container image with eos on its PATH (required)")
	claim := c.fs.String("claim", "eos-results", "PersistentVolumeClaim mounted at /results for the sweep directory")
	output := c.fs.String("o", "", "write the manifest to this `file` (default: standard output)")
	if err := c.parse(args); err != nil {
		return err
	}
	if *image == "" {
		return c.fs.fail("--image is required")
	}
	j, err := c.job()
	if err != nil {
		return err
	}
	manifest, err := sweep.K8sManifest(j, sweep.K8s{Image: *image, Claim: *claim, Parallelism: j.MaxParallel}, c.src)
	if err != nil {
		return err
	}
	if *output == "" {
		_, err := stdout.Write(manifest)
		return err
	}
	return atomicfile.Write(*output, func(w io.Writer) error {
		_, err := w.Write(manifest)
		return err
	})
}
