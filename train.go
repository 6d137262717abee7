package eos

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/edge-of-stability/eos/flow"
	"github.com/edge-of-stability/eos/linalg"
)

// runTyped opens a session in element type T and runs GD or flow on it.
func runTyped[T linalg.Float](ctx context.Context, cfg Config, observe func(Event)) (res *Result, err error) {
	s, err := open[T](cfg)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := s.close(); err == nil && cerr != nil {
			err = cerr
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
	metrics, eigs, err := s.openLogs(
		[]string{"step", "train_loss", "train_acc", "test_loss", "test_acc", "elapsed_s", "lr", "threshold"},
		[]string{"step"}, []string{"eta_lambda1", "hvps", "seconds"})
	if err != nil {
		return nil, err
	}
	defer metrics.close()
	defer eigs.close()
	lambda := math.NaN()
	res := &Result{Dir: s.dir}
	for step := 0; ; step++ {
		m := s.train.Grad(s.theta, s.grad)
		tm := s.testMetrics(step)
		measured := false
		var eigRow []string
		finite := s.finite(m.Loss) // checked once: it reads the whole gradient
		if s.sharp != nil && step%cfg.EigFreq == 0 && finite {
			er, took, err := s.sharp.measure(s.theta)
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
		lr := sched.LR(step, lambda)
		threshold := flow.Threshold(cfg.Opt, lr, cfg.Beta)
		if eigRow != nil {
			eigRow[1+cfg.NEigs] = num(lr * lambda)
			if err := eigs.row(eigRow); err != nil {
				return res, err
			}
		}
		if err := metrics.row([]string{strconv.Itoa(step), num(m.Loss), optional(m.Acc), optional(tm.Loss), optional(tm.Acc),
			num(s.elapsed()), num(lr), num(threshold)}); err != nil {
			return res, err
		}
		if !finite {
			return res, fmt.Errorf("step %d: the training loss or gradient is not finite (loss %v); rows so far are in %s", step, m.Loss, s.dir)
		}
		if err := s.snapshot(step, "step"); err != nil {
			return res, err
		}
		res.Steps = step
		observe(Event{Step: step, Total: cfg.MaxSteps, TrainLoss: m.Loss, TrainAcc: m.Acc,
			Sharpness: lambda, Threshold: threshold, LR: lr, Eigs: measured})
		if res.Stop = s.stopReason(ctx, m.Loss, m.Acc, step >= cfg.MaxSteps, "max-steps"); res.Stop != "" {
			break
		}
		opt.Step(s.theta, s.grad, lr)
	}
	return res, s.saveWeights("weights_final.safetensors", s.meta(res.Steps))
}

// openLogs creates metrics.csv with metricsHeader and, when the sharpness is
// tracked, eigs.csv with the columns eigIndex, lambda1…lambdaK, eigExtra.
func (s *session[T]) openLogs(metricsHeader, eigIndex, eigExtra []string) (metrics, eigs *csvLog, err error) {
	if metrics, err = createCSV(filepath.Join(s.dir, "metrics.csv"), metricsHeader); err != nil {
		return nil, nil, err
	}
	if s.sharp != nil {
		header := append(append(append([]string{}, eigIndex...), eigHeader(s.cfg.NEigs)...), eigExtra...)
		if eigs, err = createCSV(filepath.Join(s.dir, "eigs.csv"), header); err != nil {
			metrics.close()
			return nil, nil, err
		}
	}
	return metrics, eigs, nil
}

// stopReason says why the run should stop now, or "" to go on.
func (s *session[T]) stopReason(ctx context.Context, loss, acc float64, atEnd bool, end string) string {
	switch {
	case s.cfg.LossGoal > 0 && loss < s.cfg.LossGoal:
		return "loss-goal"
	case s.cfg.AccGoal > 0 && acc > s.cfg.AccGoal:
		return "acc-goal"
	case atEnd:
		return end
	case ctx.Err() != nil:
		return "interrupted"
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
