package eos

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/edge-of-stability/eos/flow"
	"github.com/edge-of-stability/eos/linalg"
)

// runTyped opens a session in element type T, runs GD or flow on it and
// records how the run ended in status.json.
func runTyped[T linalg.Float](ctx context.Context, cfg Config, observe func(Event)) (res *Result, err error) {
	s, err := open[T](cfg)
	if err != nil {
		return nil, err
	}
	flops := openFlopWindow()
	defer func() {
		s.phases.GemmFlops = flops.close()
		if cerr := s.close(); err == nil && cerr != nil {
			err = cerr
		}
		if serr := s.finish(ctx, res, err); err == nil && serr != nil {
			err = serr
		}
	}()
	if cfg.IsFlow() {
		return s.runFlow(ctx, observe)
	}
	return s.runGD(ctx, observe)
}

// runGD makes up to MaxSteps updates. Row k of metrics.csv is measured at
// the weights after k updates, from the same pass that gives the gradient
// of update k+1.
func (s *session[T]) runGD(ctx context.Context, observe func(Event)) (*Result, error) {
	cfg := s.cfg
	opt, err := flow.NewOptimizer[T](cfg.Opt, cfg.Beta, len(s.theta))
	if err != nil {
		return nil, err
	}
	sched := flow.Schedule{Base: cfg.LR, Drops: cfg.LRDrops, Adaptive: cfg.LRAdaptive}
	if err := s.openLogs(
		[]string{"step", "train_loss", "train_acc", "test_loss", "test_acc", "elapsed_s", "lr", "threshold"},
		[]string{"step"}, []string{"eta_lambda1", "hvps", "seconds"}); err != nil {
		return nil, err
	}
	lambda, first := math.NaN(), 0
	if ck := s.resumed; ck != nil {
		lambda, first = ck.lambda, ck.step
		fromFloat64(opt.State(), ck.momentum)
	}
	res := &Result{Dir: s.dir}
	for step := first; ; step++ {
		if step > first {
			stop, err := s.pause(ctx, step, lambda, 0, opt.State())
			if err != nil {
				return res, fmt.Errorf("step %d: %w", step, err)
			}
			if stop {
				res.Steps, res.Stop = step, "interrupted"
				return res, nil
			}
		}
		m := s.grad1()
		tm := s.testMetrics(step)
		measured := false
		var eigRow []string
		finite := s.finite(m.Loss) // checked once: it reads the whole gradient
		if s.sharp != nil && step%cfg.EigFreq == 0 && finite {
			er, took, err := s.sharp.measure(s.theta, &s.phases)
			if err != nil {
				return res, fmt.Errorf("step %d: %w", step, err)
			}
			lambda, measured = er.Values[0], true
			eigRow = []string{strconv.Itoa(step)}
			for _, v := range er.Values {
				eigRow = append(eigRow, num(v))
			}
			eigRow = append(eigRow, "", strconv.Itoa(er.MatVecs), num(took.Seconds()))
			if cfg.SaveEigvecs {
				if err := saveEigvecs(s.dir, fmt.Sprintf("step_%07d", step), er); err != nil {
					return res, err
				}
			}
		}
		if finite {
			if err := s.eigProject(step, measured); err != nil {
				return res, err
			}
		}
		lr := sched.LR(step, lambda)
		threshold := flow.Threshold(cfg.Opt, lr, cfg.Beta)
		if eigRow != nil {
			eigRow[1+cfg.NEigs] = num(lr * lambda)
			if err := s.eigs.row(eigRow); err != nil {
				return res, err
			}
		}
		if err := s.metrics.row([]string{strconv.Itoa(step), num(m.Loss), optional(m.Acc), optional(tm.Loss), optional(tm.Acc),
			num(s.elapsed()), num(lr), num(threshold)}); err != nil {
			return res, err
		}
		res.Steps = step
		if !finite {
			return res, &DivergedError{Unit: "step", Step: step, Loss: m.Loss, Dir: s.dir}
		}
		if err := s.snapshot(step, "step"); err != nil {
			return res, err
		}
		observe(Event{Step: step, Total: cfg.MaxSteps, TrainLoss: m.Loss, TrainAcc: m.Acc,
			Sharpness: lambda, Threshold: threshold, LR: lr, Eigs: measured, Notice: s.notice()})
		if res.Stop = s.stopReason(m.Loss, m.Acc, step >= cfg.MaxSteps, "max-steps"); res.Stop != "" {
			break
		}
		opt.Step(s.theta, s.grad, lr)
	}
	return res, s.saveWeights("weights_final.safetensors", s.meta(res.Steps))
}

// openLogs creates (or, resuming, reopens) metrics.csv with metricsHeader
// and, when the sharpness is tracked, eigs.csv with the columns eigIndex,
// lambda1…lambdaK, eigExtra.
func (s *session[T]) openLogs(metricsHeader, eigIndex, eigExtra []string) error {
	open := func(name string, header []string, size func(*checkpoint) int64) (*csvLog, error) {
		path := filepath.Join(s.dir, name)
		if s.resumed != nil {
			return reopenCSV(path, header, size(s.resumed))
		}
		return createCSV(path, header)
	}
	var err error
	if s.metrics, err = open("metrics.csv", metricsHeader, func(c *checkpoint) int64 { return c.metricsBytes }); err != nil {
		return err
	}
	if s.sharp != nil {
		header := slices.Concat(eigIndex, eigHeader(s.cfg.NEigs), eigExtra)
		if s.eigs, err = open("eigs.csv", header, func(c *checkpoint) int64 { return c.eigsBytes }); err != nil {
			return err
		}
	}
	return nil
}

// finish records how the run ended in status.json and removes the
// checkpoint of a run that ended on its own (finished or diverged) unless
// KeepCheckpoint is set.
func (s *session[T]) finish(ctx context.Context, res *Result, runErr error) error {
	st := status{Unit: s.unit()}
	if res != nil {
		st.Step = res.Steps
	}
	var div *DivergedError
	ended := false
	switch {
	case errors.As(runErr, &div):
		st.State, st.Step, st.Loss, ended = "diverged", div.Step, num(div.Loss), true
	case runErr != nil:
		st.State, st.Error = "failed", runErr.Error()
	case res.Stop == "interrupted":
		st.State, st.Reason = "interrupted", "cancelled"
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			st.Reason = cause.Error()
		}
	default:
		st.State, st.Reason, ended = "finished", res.Stop, true
	}
	path := filepath.Join(s.dir, CheckpointName)
	if ended && !s.cfg.KeepCheckpoint {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing the checkpoint: %w", err)
		}
	}
	if _, err := os.Stat(path); err == nil {
		st.Checkpoint = CheckpointName
		if res != nil {
			res.Checkpoint = path
		}
	}
	s.phases.finish(s.elapsed())
	if res != nil {
		res.Phases = s.phases
	}
	if err := recordPhases(s.dir, s.phases); err != nil {
		return err
	}
	return writeStatus(s.dir, st)
}

// DivergedError is Run's error when the training loss or its gradient stops
// being finite; the rows up to that step are kept.
type DivergedError struct {
	// Unit is "step" or "tick", Step its index; Loss the training loss there.
	Unit string
	Step int
	Loss float64
	// Dir is the run directory.
	Dir string
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("diverged at %s %d (loss %.3g); the rows so far are in %s", e.Unit, e.Step, e.Loss, e.Dir)
}

// stopReason says why the run should stop after this step, or "" to go on
// (an interruption stops it at the top of the next, in pause).
func (s *session[T]) stopReason(loss, acc float64, atEnd bool, end string) string {
	switch {
	case s.cfg.LossGoal > 0 && loss < s.cfg.LossGoal:
		return "loss-goal"
	case s.cfg.AccGoal > 0 && acc > s.cfg.AccGoal:
		return "acc-goal"
	case atEnd:
		return end
	}
	return ""
}

// meta is the safetensors metadata of saved weights.
func (s *session[T]) meta(step int) map[string]string {
	return map[string]string{
		"arch":    s.cfg.Arch,
		"dataset": s.cfg.Dataset,
		"step":    strconv.Itoa(step),
		"program": "eos " + ProgramVersion(),
	}
}
