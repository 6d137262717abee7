package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/net"
	"github.com/edge-of-stability/eos/preset"
	"github.com/edge-of-stability/eos/report"
	"github.com/edge-of-stability/eos/sweep"
)

// reportFile is the HTML report eos reproduce and eos report write.
const reportFile = "report.html"

func cmdReproduce(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("reproduce", "eos reproduce NAME [--quick|--full] [--results DIR] [--threads N] [--jobs N] | --list | NAME --print | --from FILE", stdout, stderr)
	list := fs.Bool("list", false, "list the presets: name, claim, runs and the --quick time on 2 cores")
	print := fs.Bool("print", false, "print the preset file (edit it and run it with --from)")
	from := fs.String("from", "", "run the preset in this TOML `file`")
	quick := fs.Bool("quick", false, "the quick scale (the default): each preset in ≤ 10 minutes on 2 cores")
	full := fs.Bool("full", false, "the paper's scale")
	results := fs.String("results", "", "root of the results tree (default $EOS_RESULTS, else results); the preset goes to DIR/reproduce/NAME-SCALE")
	threads := fs.Int("threads", 0, "worker goroutines per run (default: the CPUs / --jobs)")
	jobs := fs.Int("jobs", 1, "runs at once")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch {
	case *quick && *full:
		return fs.fail("--quick and --full exclude each other")
	case *jobs < 1:
		return fs.fail("--jobs %d: want >= 1", *jobs)
	case *threads < 0:
		return fs.fail("--threads %d: want >= 1", *threads)
	case *list:
		return listPresets(stdout)
	case (*from != "") == (len(fs.args) == 1) || len(fs.args) > 1:
		return fs.fail("name one preset (see eos reproduce --list) or give --from FILE")
	}
	var p *preset.Preset
	var err error
	if *from != "" {
		src, rerr := os.ReadFile(*from)
		if rerr != nil {
			return fs.fail("%v", rerr)
		}
		if p, err = preset.Parse(src); err != nil {
			return fs.fail("%s: %v", *from, err)
		}
	} else if p, err = preset.Builtin(fs.args[0]); err != nil {
		return fs.fail("%v", err)
	}
	if *print {
		_, err := stdout.Write(p.Source)
		return err
	}
	specs, err := p.Specs(*full, isRunOption)
	if err != nil {
		return fs.fail("%v", err)
	}
	for _, s := range specs {
		if _, err := configFor(s, ""); err != nil {
			return fs.fail("preset %s: %v", p.Name, err)
		}
	}
	if *results == "" {
		if *results = os.Getenv("EOS_RESULTS"); *results == "" {
			*results = eos.DefaultConfig().Results
		}
	}
	scale := map[bool]string{false: "quick", true: "full"}[*full]
	out := filepath.Join(*results, "reproduce", p.Name+"-"+scale)
	if *threads == 0 {
		*threads = max(1, runtime.NumCPU() / *jobs)
	}
	var runnable []sweep.Spec
	missing := map[string]string{}
	for _, s := range specs {
		if why := cmp.Or(missingArch(s), missingData(s)); why != "" {
			missing[s.ID] = why
			fmt.Fprintf(stdout, "run %d %s: cannot run here: %s\n", s.Index, s.ID, why)
			continue
		}
		runnable = append(runnable, s)
	}
	fmt.Fprintf(stdout, "reproduce %s (%s): %d runs into %s\n", p.Name, scale, len(specs), out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", out, err)
	}
	ctx, stop := signalContext()
	defer stop()
	if err := runSpecs(ctx, out, runnable, *jobs, *threads, fs.isSet("threads"), "eos reproduce", stdout, stderr); err != nil {
		return err
	}
	var rs []preset.RunResult
	for _, s := range specs {
		r := preset.RunResult{Spec: s, Missing: missing[s.ID]}
		if r.Missing == "" {
			dir, ok := sweep.Done(sweep.RunDir(out, s.ID))
			if !ok {
				return fmt.Errorf("run %s is not done", s.ID)
			}
			r.Dir = dir
		}
		rs = append(rs, r)
	}
	o, err := preset.Analyze(p, *full, out, rs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s\n", p.Name, verdict(o))
	for _, d := range o.Details {
		fmt.Fprintf(stdout, "  %s\n", d)
	}
	path := filepath.Join(out, reportFile)
	if err := writeReport(path, []string{out}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "figures, summary.csv and %s in %s\n", reportFile, out)
	return nil
}

// missingArch says why a preset's run cannot be made with this build (its
// architecture does not exist yet), or "" when it can.
func missingArch(s sweep.Spec) string {
	if arch, ok := s.Value("arch"); ok && !slices.Contains(net.ArchNames(), strings.TrimSuffix(arch, "-nobias")) {
		return fmt.Sprintf("architecture %s does not exist in this build", arch)
	}
	return ""
}

// missingData says why a preset's run cannot be made on this machine (its
// CIFAR-10 data is not in the data directory), or "" when it can.
func missingData(s sweep.Spec) string {
	name, ok := s.Value("dataset")
	if !ok {
		return ""
	}
	flagDir, _ := s.Value("data_dir")
	dir, err := data.Dir(flagDir)
	if err == nil {
		err = data.Available(name, dir)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// verdict names an outcome's verdict.
func verdict(o *preset.Outcome) string {
	switch {
	case !o.Checked:
		return "not checked"
	case o.Holds:
		return "shows the claim"
	}
	return "does not show the claim"
}

// listPresets prints each preset's name, claim, runs and --quick time.
func listPresets(stdout io.Writer) error {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRUNS (quick/full)\tQUICK ON 2 CORES\tCLAIM")
	for _, name := range preset.Names() {
		p, err := preset.Builtin(name)
		if err != nil {
			return err
		}
		count := func(full bool) string {
			if p.Quadratic != nil {
				return "in memory"
			}
			specs, err := p.Specs(full, isRunOption)
			if err != nil {
				return "bad: " + err.Error()
			}
			n := 0
			for _, s := range specs {
				if missingArch(s) == "" {
					n++
				}
			}
			if n < len(specs) {
				return fmt.Sprintf("%d (%d not yet available)", len(specs), len(specs)-n)
			}
			return fmt.Sprint(len(specs))
		}
		fmt.Fprintf(tw, "%s\t%s / %s\t%s\t%s\n", p.Name, count(false), count(true), p.QuickTime, p.Claim)
	}
	return tw.Flush()
}

func cmdReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "eos report [--out FILE] DIR...", stdout, stderr)
	outPath := fs.String("out", reportFile, "the HTML `file` to write")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.args) == 0 {
		return fs.fail("name one or more directories written by eos reproduce")
	}
	if err := writeReport(*outPath, fs.args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, *outPath)
	return nil
}

// writeReport writes the HTML report of the reproduce directories dirs.
func writeReport(path string, dirs []string) error {
	var sections []report.Section
	for _, dir := range dirs {
		o, err := preset.ReadOutcome(dir)
		if err != nil {
			return err
		}
		s := report.Section{Title: o.Preset + " (" + o.Scale + ")", Claim: o.Claim, Note: o.Note, Statement: o.Statement,
			Verdict: verdict(o), Holds: o.Checked && o.Holds, Details: o.Details, Missing: o.Missing}
		for _, f := range o.Figures {
			svg, err := os.ReadFile(filepath.Join(dir, f+".svg"))
			if err != nil {
				return fmt.Errorf("report: %w", err)
			}
			s.Figures = append(s.Figures, template.HTML(svg))
		}
		cfg, err := os.ReadFile(filepath.Join(dir, preset.SourceFile))
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		s.Config = string(cfg)
		f, err := os.Open(filepath.Join(dir, preset.SummaryFile))
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		s.Summary, err = csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			return fmt.Errorf("report: %s: %w", filepath.Join(dir, preset.SummaryFile), err)
		}
		sections = append(sections, s)
	}
	return report.WriteHTML(path, sections)
}
