// Package eos runs the experiments of "Gradient Descent on Neural Networks
// Typically Occurs at the Edge of Stability" (Cohen et al., ICLR 2021) on
// CPUs: full-batch gradient descent (plain, Polyak or Nesterov momentum) or
// gradient flow on a network's training loss, recording the loss, the
// accuracy and the sharpness (the top eigenvalues of the training-loss
// Hessian) as it goes. Config describes one experiment and Run carries it out.
package eos

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/flow"
)

// Config is one experiment. The zero value is not usable: start from
// DefaultConfig. Option names follow the reference implementation
// (locuslab/edge-of-stability) in Go style.
type Config struct {
	// Dataset names the training data (see data.Names), DataDir where files are read from.
	Dataset string `json:"dataset"`
	DataDir string `json:"data_dir"`

	// Arch names the network (see net.ArchNames); Widths overrides the hidden widths of fc nets or the channels of cnn nets.
	Arch   string `json:"arch"`
	Widths []int  `json:"widths,omitempty"`
	// Init is the initialisation scheme: "standard" (PyTorch default), "xavier" or "ntk".
	Init string `json:"init"`
	// InitFrom names a safetensors file of starting weights (PyTorch state_dict names).
	InitFrom string `json:"init_from,omitempty"`
	// Loss is "mse" or "ce"; Dtype is "float32" or "float64".
	Loss  string `json:"loss"`
	Dtype string `json:"dtype"`

	// Opt is "gd", "polyak", "nesterov" or "flow" (gradient flow by RK4).
	Opt  string  `json:"opt"`
	LR   float64 `json:"lr"`
	Beta float64 `json:"beta"`
	// LRDrops multiplies the step size by a factor from a given step on.
	LRDrops []flow.Drop `json:"lr_drops,omitempty"`
	// LRAdaptive, when positive, sets η_t = LRAdaptive/λ_t from the latest sharpness.
	LRAdaptive float64 `json:"lr_adaptive,omitempty"`
	// MaxSteps is the number of updates (metrics rows 0..MaxSteps).
	MaxSteps int `json:"max_steps"`
	// AccGoal and LossGoal stop the run once train accuracy exceeds / train loss falls below them (0 = off).
	AccGoal  float64 `json:"acc_goal,omitempty"`
	LossGoal float64 `json:"loss_goal,omitempty"`
	Seed     uint64  `json:"seed"`

	// PhysicalBatch is the number of examples per chunk of a full-batch pass, and the ghost batch that
	// BatchNorm normalises by its own statistics (0: the architecture's default, 1000 for nets with
	// BatchNorm as the reference, 250 otherwise); Threads the chunk workers.
	PhysicalBatch int `json:"physical_batch"`
	Threads       int `json:"threads"`
	// MaxMemory bounds, in bytes, what the run holds (0: DefaultMaxMemory): the HVPs' linearisation
	// cache is kept only when it fits beside everything else, else recomputed chunk by chunk.
	MaxMemory int64 `json:"max_memory"`

	// TestFreq evaluates the test set every TestFreq steps (0 = never); SaveFreq saves weights every SaveFreq steps (0 = never).
	TestFreq int `json:"test_freq"`
	SaveFreq int `json:"save_freq"`

	// NEigs top Hessian eigenvalues every EigFreq steps (and at step 0), on the first Abridged examples (0 = all),
	// to relative residual EigTol. EigWhich is "largest" (algebraic), "magnitude" or "smallest".
	NEigs       int     `json:"neigs"`
	EigFreq     int     `json:"eig_freq"`
	Abridged    int     `json:"abridged"`
	EigTol      float64 `json:"eig_tol"`
	EigWhich    string  `json:"eig_which"`
	SaveEigvecs bool    `json:"save_eigvecs"`
	// EigProj writes eigproj.csv: at every step, the iterate's displacement since the latest sharpness
	// measurement along each of that measurement's eigenvectors, and the length of the rest.
	EigProj bool `json:"eig_proj,omitempty"`

	// NProj is the dimension of the random projection of the iterates saved every IterateFreq steps (0 = off).
	NProj       int `json:"nproj"`
	IterateFreq int `json:"iterate_freq"`

	// Tick is the ODE time between recordings of a flow run, MaxTime its end; the RK4 step is min(Alpha/λ, MaxStep).
	Tick    float64 `json:"tick,omitempty"`
	MaxTime float64 `json:"max_time,omitempty"`
	Alpha   float64 `json:"alpha,omitempty"`
	MaxStep float64 `json:"max_step,omitempty"`

	// CheckpointEvery writes checkpoint.safetensors into the run directory every N steps (ticks), CheckpointMinutes
	// every M minutes of wall time (0 = off; an interrupted run writes one anyway). KeepCheckpoint keeps it when
	// the run ends on its own.
	CheckpointEvery   int     `json:"checkpoint_every,omitempty"`
	CheckpointMinutes float64 `json:"checkpoint_minutes,omitempty"`
	KeepCheckpoint    bool    `json:"keep_checkpoint,omitempty"`

	// Results is the root of the results tree; Overwrite allows replacing an existing run directory.
	Results   string `json:"results"`
	Overwrite bool   `json:"-"`
	// Resume names a run directory to continue from its checkpoint; the other settings must be those of its
	// config.json (see LoadConfig).
	Resume string `json:"-"`
}

// DefaultConfig is the default experiment: GD on the embedded dataset with
// the paper's fc-tanh network and squared loss, at a step size for which the
// sharpness reaches 2/η within a minute on two cores.
func DefaultConfig() Config {
	return Config{
		Dataset:  data.DefaultName,
		Arch:     "fc-tanh",
		Init:     "standard",
		Loss:     "mse",
		Dtype:    "float32",
		Opt:      "gd",
		LR:       DefaultLR,
		MaxSteps: DefaultMaxSteps,
		Threads:  runtime.NumCPU(),
		TestFreq: 10,
		NEigs:    2,
		EigFreq:  20,
		EigTol:   1e-3,
		EigWhich: "largest",
		Tick:     1,
		MaxTime:  100,
		Alpha:    1,
		MaxStep:  999,
		Results:  "results",
	}
}

// defaultChunk is the examples per chunk of nets without BatchNorm, whose
// results do not depend on it.
const defaultChunk = 250

// Default step size and length of the default experiment on the embedded dataset.
const (
	DefaultLR       = 0.25
	DefaultMaxSteps = 1500
)

// IsFlow reports whether the config asks for gradient flow rather than GD.
func (c *Config) IsFlow() bool { return c.Opt == "flow" }

// ErrSetting is wrapped by every error that a bad setting causes (a value
// out of range, an unknown dataset or architecture, a weights file that does
// not fit the network), as opposed to a failure while running.
var ErrSetting = errors.New("bad setting")

// settingError marks err as caused by a bad setting.
type settingError struct{ err error }

func (e settingError) Error() string   { return e.err.Error() }
func (e settingError) Unwrap() []error { return []error{e.err, ErrSetting} }

// Validate checks every setting and returns one error naming the first bad
// one; it wraps ErrSetting.
func (c *Config) Validate() error {
	if err := c.validate(); err != nil {
		return settingError{err}
	}
	return nil
}

func (c *Config) validate() error {
	optimizers := []string{"gd", "polyak", "nesterov", "flow"}
	switch {
	case c.Dataset == "":
		return errors.New("--dataset is empty")
	case c.Arch == "":
		return errors.New("--arch is empty")
	case !slices.Contains([]string{"mse", "ce"}, c.Loss):
		return fmt.Errorf("--loss %q: want mse or ce", c.Loss)
	case !slices.Contains([]string{"float32", "float64"}, c.Dtype):
		return fmt.Errorf("--dtype %q: want float32 or float64", c.Dtype)
	case !slices.Contains([]string{"standard", "xavier", "ntk"}, c.Init):
		return fmt.Errorf("--init %q: want standard, xavier or ntk", c.Init)
	case !slices.Contains(optimizers, c.Opt):
		return fmt.Errorf("--opt %q: want one of %v", c.Opt, optimizers)
	case !c.IsFlow() && !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("--lr %v: want a positive step size", c.LR)
	case c.Opt != "gd" && !c.IsFlow() && !(c.Beta >= 0 && c.Beta < 1):
		return fmt.Errorf("--beta %v: want 0 <= beta < 1 for %s", c.Beta, c.Opt)
	case (c.Opt == "gd" || c.IsFlow()) && c.Beta != 0:
		return fmt.Errorf("--beta %v has no effect with --opt %s (momentum needs --opt polyak or nesterov)", c.Beta, c.Opt)
	case c.MaxSteps < 0:
		return fmt.Errorf("--max-steps %d: want >= 0", c.MaxSteps)
	case c.AccGoal < 0 || c.AccGoal > 1:
		return fmt.Errorf("--acc-goal %v: want a fraction in [0, 1]", c.AccGoal)
	case c.LossGoal < 0:
		return fmt.Errorf("--loss-goal %v: want >= 0", c.LossGoal)
	case c.PhysicalBatch < 0:
		return fmt.Errorf("--physical-batch %d: want >= 1 (or 0 for the architecture's default)", c.PhysicalBatch)
	case c.MaxMemory < 0:
		return fmt.Errorf("--max-memory %d: want a positive size", c.MaxMemory)
	case c.Threads < 1:
		return fmt.Errorf("--threads %d: want >= 1", c.Threads)
	case c.TestFreq < 0 || c.SaveFreq < 0 || c.EigFreq < 0 || c.IterateFreq < 0:
		return errors.New("--test-freq, --save-freq, --eig-freq and --iterate-freq must be >= 0")
	case c.NEigs < 0:
		return fmt.Errorf("--neigs %d: want >= 0", c.NEigs)
	case c.NEigs > 0 && c.EigFreq == 0:
		return fmt.Errorf("--neigs %d needs --eig-freq > 0", c.NEigs)
	case c.EigProj && c.NEigs == 0:
		return errors.New("--eig-proj needs the eigenvectors: set --neigs >= 1 and --eig-freq")
	case c.Abridged < 0:
		return fmt.Errorf("--abridged %d: want >= 0 (0 = all training examples)", c.Abridged)
	case c.NEigs > 0 && !(c.EigTol > 0 && c.EigTol < 1):
		return fmt.Errorf("--eig-tol %v: want 0 < tol < 1", c.EigTol)
	case !slices.Contains([]string{"largest", "magnitude", "smallest"}, c.EigWhich):
		return fmt.Errorf("--eig-which %q: want largest, magnitude or smallest", c.EigWhich)
	case c.NProj < 0:
		return fmt.Errorf("--nproj %d: want >= 0", c.NProj)
	case (c.NProj > 0) != (c.IterateFreq > 0):
		return errors.New("--nproj and --iterate-freq go together: set both or neither")
	case c.LRAdaptive < 0:
		return fmt.Errorf("--lr-adaptive %v: want > 0", c.LRAdaptive)
	case c.LRAdaptive > 0 && (c.NEigs == 0 || c.EigWhich != "largest"):
		return errors.New("--lr-adaptive needs the sharpness: set --neigs >= 1 and --eig-freq (with --eig-which largest)")
	case c.Results == "":
		return errors.New("--results is empty")
	case c.CheckpointEvery < 0:
		return fmt.Errorf("--checkpoint-every %d: want >= 0", c.CheckpointEvery)
	case !(c.CheckpointMinutes >= 0) || math.IsInf(c.CheckpointMinutes, 0):
		return fmt.Errorf("--checkpoint-minutes %v: want >= 0", c.CheckpointMinutes)
	case c.Resume != "" && c.Overwrite:
		return errors.New("--overwrite with --resume would delete the run being resumed")
	}
	for _, d := range c.LRDrops {
		if d.Step < 0 || !(d.Factor > 0) {
			return fmt.Errorf("--lr-drop %d:%v: want STEP >= 0 and FACTOR > 0", d.Step, d.Factor)
		}
	}
	if c.IsFlow() {
		switch {
		case !(c.Tick > 0):
			return fmt.Errorf("--tick %v: want > 0", c.Tick)
		case !(c.MaxTime >= 0):
			return fmt.Errorf("--max-time %v: want >= 0", c.MaxTime)
		case !(c.Alpha > 0):
			return fmt.Errorf("--alpha %v: want > 0", c.Alpha)
		case !(c.MaxStep > 0):
			return fmt.Errorf("--max-step %v: want > 0", c.MaxStep)
		case len(c.LRDrops) > 0 || c.LRAdaptive > 0:
			return errors.New("--lr-drop and --lr-adaptive apply to GD, not to gradient flow")
		}
	}
	return nil
}

// Event is what Run reports to its observer after each recorded step (GD)
// or tick (flow).
type Event struct {
	// Step is the number of updates made (GD) or ticks recorded (flow); Total is the planned number.
	Step, Total int
	// Time is the ODE time of a flow run (0 for GD).
	Time float64
	// TrainLoss and TrainAcc are measured at the current weights.
	TrainLoss, TrainAcc float64
	// Sharpness is the latest λ1 (NaN before the first measurement); Threshold the stability threshold now.
	Sharpness, Threshold float64
	// LR is the step size about to be used (GD) or the RK4 step size (flow).
	LR float64
	// Eigs is true when this step measured the sharpness.
	Eigs bool
	// Notice is a one-time message for the user (how the run fits its memory budget), "" otherwise.
	Notice string
}

// Result says where a run wrote its files and how it ended.
type Result struct {
	// Dir is the run's results directory.
	Dir string
	// Steps is the number of updates made (GD) or ticks recorded (flow).
	Steps int
	// Stop says why the run ended: "max-steps", "max-time", "acc-goal", "loss-goal" or "interrupted".
	Stop string
	// Checkpoint is the checkpoint file left in Dir ("" when none is left).
	Checkpoint string
	// Phases is where the run's time went (also in config.json as "phases").
	Phases Phases
}

// Run carries out the experiment cfg, writing its results directory as it
// goes, and calls observe (if not nil) after every step. A cancelled ctx
// stops the run after the current step with the results so far kept and a
// checkpoint written (Result.Stop "interrupted"); the cancellation's cause
// (context.Cause), such as the name of a signal, is recorded in status.json.
// With cfg.Resume set, Run continues that run from its checkpoint.
func Run(ctx context.Context, cfg Config, observe func(Event)) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if observe == nil {
		observe = func(Event) {}
	}
	if cfg.Dtype == "float64" {
		return runTyped[float64](ctx, cfg, observe)
	}
	return runTyped[float32](ctx, cfg, observe)
}
