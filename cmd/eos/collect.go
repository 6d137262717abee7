package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/internal/atomicfile"
	"github.com/edge-of-stability/eos/report"
	"github.com/edge-of-stability/eos/sweep"
)

// collectSettings are the config.json keys eos collect puts in its CSV:
// every option of eos run (with underscores, as grids name them) but the
// ones that only say where files go, plus what config.json records about
// the run beyond its options.
func collectSettings() []string {
	cfg := eos.DefaultConfig()
	keys := []string{"kind", "threshold", "num_params", "train_examples", "lr_drops"}
	runOptionFlags(&cfg).VisitAll(func(f *flag.Flag) {
		if k := strings.ReplaceAll(f.Name, "-", "_"); !slices.Contains([]string{"results", "data_dir", "overwrite", "cpuprofile", "memprofile", "plot", "kernel", "lr_drop"}, k) {
			keys = append(keys, k)
		}
	})
	slices.Sort(keys)
	return keys
}

func cmdCollect(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("collect", "eos collect [--out FILE] DIR...", stdout, stderr)
	out := fs.String("out", "", "write the CSV to this `file` (default: standard output)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.args) == 0 {
		return fs.fail("name at least one result or sweep directory")
	}
	for _, d := range fs.args {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return fs.fail("%s is not a directory", d)
		}
	}
	c, err := sweep.Collect(fs.args, collectSettings())
	if err != nil {
		return err
	}
	for _, d := range c.Unfinished {
		fmt.Fprintf(stderr, "eos collect: leaving out %s: its sweep run is not done\n", d)
	}
	if len(c.Rows) == 0 {
		return fmt.Errorf("no finished runs under %s", strings.Join(fs.args, " "))
	}
	if *out == "" {
		var b bytes.Buffer
		if err := c.WriteCSV(&b); err != nil {
			return err
		}
		_, err := stdout.Write(b.Bytes())
		return err
	}
	if err := atomicfile.Write(*out, c.WriteCSV); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "eos collect: %d runs into %s\n", len(c.Rows), *out)
	return nil
}

// plotSweep draws eos plot --sweep from one eos collect CSV, or from the
// runs under the directories named.
func plotSweep(fs *flagSet, out, x, y, by string, formats []string, stdout io.Writer) error {
	var c *sweep.Collection
	var err error
	if st, statErr := os.Stat(fs.args[0]); len(fs.args) == 1 && statErr == nil && !st.IsDir() {
		c, err = sweep.ReadCollection(fs.args[0])
	} else {
		c, err = sweep.Collect(fs.args, collectSettings())
	}
	if err != nil {
		return err
	}
	groups := c.Varying(slices.DeleteFunc(collectSettings(), func(k string) bool {
		return k == x || slices.Contains([]string{"seed", "threads", "threshold", "num_params", "train_examples", "kind"}, k)
	}))
	if by != "" {
		groups = strings.Split(by, ",")
	}
	series, err := c.Series(x, y, groups)
	if err != nil {
		return fs.fail("%v", err)
	}
	if out == "" {
		out = "eos-sweep"
	}
	files, err := report.PlotSweep(series, x, y, out, formats)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(stdout, f)
	}
	return nil
}
