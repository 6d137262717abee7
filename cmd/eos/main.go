// Command eos runs edge-of-stability experiments: full-batch gradient
// descent or gradient flow on a network's training loss, with the sharpness
// measured as it goes, plus the data, plotting and inspection tools around
// them. Run "eos help" for the subcommands.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/edge-of-stability/eos"
)

// usage is the top-level help text.
const usage = `eos — edge-of-stability experiments on CPUs

Usage:
  eos run [options]           full-batch GD (gd, polyak, nesterov) with sharpness tracking
  eos flow [options]          gradient flow by RK4 (same options, plus --tick --max-time --alpha --max-step)
  eos data fetch cifar10      download CIFAR-10 into the data directory
  eos plot [options] DIR...   plot loss, accuracy and sharpness of result directories
  eos compare GD_DIR FLOW_DIR compare a GD run with a gradient-flow run at matching times
  eos sweep plan|list|run|slurm|k8s GRID.toml
                              grids of runs: locally, as a Slurm job array or a Kubernetes Indexed Job
  eos collect DIR...          one CSV row per run: settings, edge-of-stability figures, final losses
  eos reproduce NAME [--quick|--full]
                              run a preset of the paper, draw its figures, check its claim (--list lists them)
  eos report DIR...           one self-contained report.html of eos reproduce directories
  eos bench [options]         time a GD step and a Hessian-vector product on this machine
  eos info                    CPU, cache sizes and the kernels chosen
  eos version                 program version

"eos run" with no options runs the default experiment on the embedded dataset.
"eos COMMAND --help" lists a command's options.
`

// errUsage marks errors already explained to the user; exit status 2.
var errUsage = errors.New("usage")

// exitStatus is an exit status for an outcome already explained to the user.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	commands := map[string]func([]string, io.Writer, io.Writer) error{
		"run":       cmdRun,
		"flow":      cmdFlow,
		"data":      cmdData,
		"plot":      cmdPlot,
		"compare":   cmdCompare,
		"sweep":     cmdSweep,
		"collect":   cmdCollect,
		"reproduce": cmdReproduce,
		"report":    cmdReport,
		"bench":     cmdBench,
		"info":      cmdInfo,
		"version":   cmdVersion,
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "eos: unknown command %q (run \"eos help\")\n", name)
		return 2
	}
	err := cmd(args[1:], stdout, stderr)
	var status exitStatus
	switch {
	case err == nil:
		return 0
	case errors.As(err, &status):
		return int(status)
	case errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, eos.ErrSetting):
		fmt.Fprintf(stderr, "eos %s: %v\n", name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "eos %s: %v\n", name, err)
		return 1
	}
}
