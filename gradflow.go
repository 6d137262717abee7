package eos

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/edge-of-stability/eos/flow"
)

// runFlow integrates the gradient flow dθ/dt = −∇L(θ) by RK4, recording
// every Tick units of time up to MaxTime. The RK4 step is min(α/λ, MaxStep)
// with λ the latest sharpness (MaxStep until it is first measured).
func (s *session[T]) runFlow(ctx context.Context, observe func(Event)) (*Result, error) {
	cfg := s.cfg
	if err := s.openLogs(
		[]string{"tick", "time", "train_loss", "train_acc", "test_loss", "test_acc", "elapsed_s", "h"},
		[]string{"tick", "time"}, []string{"hvps", "seconds"}); err != nil {
		return nil, err
	}
	rk := flow.NewRK4[T](len(s.theta))
	// The gradient measured at each tick is the first RK4 stage of the
	// advance that follows: f hands it over once instead of recomputing it.
	pending := false
	f := func(theta, grad []T) float64 {
		if pending {
			pending = false
			copy(grad, s.grad)
			return s.pendingLoss
		}
		return s.gradAt(theta, grad).Loss
	}
	ticks := int(math.Round(cfg.MaxTime / cfg.Tick))
	lambda, h, first := math.NaN(), cfg.MaxStep, 0
	if ck := s.resumed; ck != nil {
		lambda, h, first = ck.lambda, ck.h, ck.step
	}
	res := &Result{Dir: s.dir}
	for tick := first; ; tick++ {
		if tick > first {
			stop, err := s.pause(ctx, tick, lambda, h, nil)
			if err != nil {
				return res, fmt.Errorf("tick %d: %w", tick, err)
			}
			if stop {
				res.Steps, res.Stop = tick, "interrupted"
				return res, nil
			}
		}
		t := float64(tick) * cfg.Tick
		m := s.grad1()
		s.pendingLoss, pending = m.Loss, true
		tm := s.testMetrics(tick)
		measured := false
		finite := s.finite(m.Loss) // checked once: it reads the whole gradient
		if s.sharp != nil && tick%cfg.EigFreq == 0 && finite {
			er, took, err := s.sharp.measure(s.theta, &s.phases)
			if err != nil {
				return res, fmt.Errorf("tick %d: %w", tick, err)
			}
			lambda, measured = er.Values[0], true
			h = flow.StepSize(cfg.Alpha, lambda, cfg.MaxStep)
			row := []string{strconv.Itoa(tick), num(t)}
			for _, v := range er.Values {
				row = append(row, num(v))
			}
			if err := s.eigs.row(append(row, strconv.Itoa(er.MatVecs), num(took.Seconds()))); err != nil {
				return res, err
			}
			if cfg.SaveEigvecs {
				if err := saveEigvecs(s.dir, fmt.Sprintf("tick_%07d", tick), er); err != nil {
					return res, err
				}
			}
		}
		if finite {
			if err := s.eigProject(tick, measured); err != nil {
				return res, err
			}
		}
		if err := s.metrics.row([]string{strconv.Itoa(tick), num(t), num(m.Loss), optional(m.Acc), optional(tm.Loss), optional(tm.Acc),
			num(s.elapsed()), num(h)}); err != nil {
			return res, err
		}
		res.Steps = tick
		if !finite {
			return res, &DivergedError{Unit: "tick", Step: tick, Loss: m.Loss, Dir: s.dir}
		}
		if err := s.snapshot(tick, "tick"); err != nil {
			return res, err
		}
		observe(Event{Step: tick, Total: ticks, Time: t, TrainLoss: m.Loss, TrainAcc: m.Acc,
			Sharpness: lambda, Threshold: math.NaN(), LR: h, Eigs: measured, Notice: s.notice()})
		if res.Stop = s.stopReason(m.Loss, m.Acc, tick >= ticks, "max-time"); res.Stop != "" {
			break
		}
		rk.Advance(s.theta, cfg.Tick, h, f)
	}
	return res, s.saveWeights("weights_final.safetensors", s.meta(res.Steps))
}
