package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/asm"
)

// errHelp is returned after --help printed a command's options.
var errHelp = errors.New("help shown")

// newFlagSet makes a flag set whose errors are one line on stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s\n\nOptions:\n", synopsis)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses args, turning flag errors into one clear line and exit status 2.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return errHelp
	}
	if err != nil {
		fmt.Fprintf(stderr, "eos %s: %v (see eos %s --help)\n", fs.Name(), err, fs.Name())
		return errUsage
	}
	return nil
}

// usageError prints one line about a bad argument and returns errUsage.
func usageError(stderr io.Writer, fs *flag.FlagSet, format string, a ...any) error {
	fmt.Fprintf(stderr, "eos %s: %s (see eos %s --help)\n", fs.Name(), fmt.Sprintf(format, a...), fs.Name())
	return errUsage
}

// intList is a comma-separated list of positive integers, e.g. "200,200".
type intList struct{ v *[]int }

func (l intList) String() string {
	if l.v == nil {
		return ""
	}
	s := make([]string, len(*l.v))
	for i, x := range *l.v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func (l intList) Set(s string) error {
	var out []int
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || x < 1 {
			return fmt.Errorf("%q is not a list of positive integers like 200,200", s)
		}
		out = append(out, x)
	}
	*l.v = out
	return nil
}

// selectKernel applies --kernel (or EOS_KERNEL) once flags are parsed.
func selectKernel(level string) error {
	if err := asm.Select(level); err != nil {
		return fmt.Errorf("--kernel: %w", err)
	}
	return nil
}

// defaultThreads is the default number of worker goroutines: one per CPU.
func defaultThreads() int { return eos.DefaultConfig().Threads }
