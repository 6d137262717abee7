package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos"
	"github.com/edge-of-stability/eos/asm"
)

// errHelp is returned after --help printed a command's options.
var errHelp = errors.New("help shown")

// flagSet is a subcommand's options, with one-line errors on stderr.
type flagSet struct {
	*flag.FlagSet
	synopsis string
	// stdout receives --help, stderr the one-line errors.
	stdout, stderr io.Writer
	// args are the positional arguments, wherever they stood among the options.
	args []string
}

// newFlagSet makes the option set of subcommand name.
func newFlagSet(name, synopsis string, stdout, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // parse prints the usage for --help only
	return &flagSet{FlagSet: fs, synopsis: synopsis, stdout: stdout, stderr: stderr}
}

// printUsage prints the synopsis and the options, spelled --name as users
// know them from the reference.
func (fs *flagSet) printUsage() {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	opts := strings.ReplaceAll("\n"+b.String(), "\n  -", "\n  --")
	fmt.Fprintf(fs.stdout, "Usage: %s\n\nOptions:%s", fs.synopsis, opts)
}

// parse parses args, options and positional arguments in any order
// ("eos data fetch --data-dir D cifar10"), turning flag errors into one
// clear line and exit status 2.
func (fs *flagSet) parse(args []string) error {
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.printUsage()
			return errHelp
		}
		if err != nil {
			return fs.fail("%v", err)
		}
		if fs.NArg() == 0 {
			return nil
		}
		fs.args = append(fs.args, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// fail prints one line about a bad argument and returns errUsage.
func (fs *flagSet) fail(format string, a ...any) error {
	fmt.Fprintf(fs.stderr, "eos %s: %s (see eos %s --help)\n", fs.Name(), fmt.Sprintf(format, a...), fs.Name())
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

// kernelLevels are the kernel levels of every architecture.
var kernelLevels = []string{"generic", "avx2", "avx512", "neon"}

// selectKernel applies --kernel (or EOS_KERNEL) once flags are parsed. A
// level of another architecture is "not supported by this CPU".
func selectKernel(level string) error {
	if level == "" {
		level = os.Getenv("EOS_KERNEL")
	}
	here := slices.ContainsFunc(asm.Levels(), func(l asm.Level) bool { return l.Name == level })
	if slices.Contains(kernelLevels, level) && !here {
		return fmt.Errorf("--kernel %s: not supported by this CPU (%s); supported levels: %s", level, runtime.GOARCH, supportedLevels())
	}
	if err := asm.Select(level); err != nil {
		return fmt.Errorf("--kernel: %w", err)
	}
	return nil
}

// supportedLevels names the kernel levels this machine supports.
func supportedLevels() string {
	var names []string
	for _, l := range asm.Levels() {
		if l.Supported {
			names = append(names, l.Name)
		}
	}
	return strings.Join(names, ", ")
}

// defaultThreads is the default number of worker goroutines: one per CPU.
func defaultThreads() int { return eos.DefaultConfig().Threads }

// byteSize is a memory size flag such as 8GiB, 500MB or 2g (eos.ParseBytes).
type byteSize struct{ v *int64 }

func (b byteSize) String() string {
	if b.v == nil || *b.v == 0 {
		return ""
	}
	return eos.FormatBytes(*b.v)
}

func (b byteSize) Set(s string) error {
	n, err := eos.ParseBytes(s)
	if err != nil {
		return err
	}
	if n < 1 {
		return fmt.Errorf("%q: want a positive size", s)
	}
	*b.v = n
	return nil
}
