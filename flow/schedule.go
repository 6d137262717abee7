package flow

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Drop multiplies the step size by Factor from step Step on.
type Drop struct {
	Step   int     // first step (0-based) at which Factor applies
	Factor float64 // multiplier, > 0
}

// ParseDrop reads a Drop written "STEP:FACTOR", e.g. "1000:0.5".
func ParseDrop(s string) (Drop, error) {
	stepText, factorText, ok := strings.Cut(s, ":")
	if !ok {
		return Drop{}, fmt.Errorf("step-size drop %q: want STEP:FACTOR", s)
	}
	step, err := strconv.Atoi(strings.TrimSpace(stepText))
	if err != nil {
		return Drop{}, fmt.Errorf("step-size drop %q: step %q is not an integer: %w", s, stepText, err)
	}
	factor, err := strconv.ParseFloat(strings.TrimSpace(factorText), 64)
	if err != nil {
		return Drop{}, fmt.Errorf("step-size drop %q: factor %q is not a number: %w", s, factorText, err)
	}
	d := Drop{Step: step, Factor: factor}
	if err := d.validate(); err != nil {
		return Drop{}, fmt.Errorf("step-size drop %q: %w", s, err)
	}
	return d, nil
}

func (d Drop) validate() error {
	if d.Step < 0 {
		return fmt.Errorf("step %d is negative", d.Step)
	}
	if !(d.Factor > 0) || math.IsInf(d.Factor, 0) {
		return fmt.Errorf("factor %v is not a positive finite number", d.Factor)
	}
	return nil
}

// Schedule gives the step size at each step.
type Schedule struct {
	Base     float64 // η
	Drops    []Drop  // applied cumulatively, in strictly increasing step order
	Adaptive float64 // if > 0: η_t = Adaptive/λ_t (λ_t = latest measured sharpness); Base until λ is known
}

// LR is the step size at step (0-based) given sharpness, the latest measured
// top Hessian eigenvalue λ1 or NaN when none is known yet. It is Base, or
// Adaptive/sharpness when Adaptive > 0 and sharpness is a positive finite
// number, times the Factor of every Drop whose Step is ≤ step.
func (s Schedule) LR(step int, sharpness float64) float64 {
	lr := s.Base
	if s.Adaptive > 0 && sharpness > 0 && !math.IsInf(sharpness, 1) {
		lr = s.Adaptive / sharpness
	}
	for _, d := range s.Drops {
		if step >= d.Step {
			lr *= d.Factor
		}
	}
	return lr
}

// Validate reports a schedule that would give a step size that is not a
// positive finite number, or whose drops are out of order.
func (s Schedule) Validate() error {
	if !(s.Base > 0) || math.IsInf(s.Base, 0) {
		return fmt.Errorf("schedule: base step size %v is not a positive finite number", s.Base)
	}
	if !(s.Adaptive >= 0) || math.IsInf(s.Adaptive, 0) {
		return fmt.Errorf("schedule: adaptive constant %v is not a non-negative finite number", s.Adaptive)
	}
	for i, d := range s.Drops {
		if err := d.validate(); err != nil {
			return fmt.Errorf("schedule: drop %d (%d:%v): %w", i, d.Step, d.Factor, err)
		}
		if i > 0 && d.Step <= s.Drops[i-1].Step {
			return fmt.Errorf("schedule: drop %d at step %d does not come after drop %d at step %d",
				i, d.Step, i-1, s.Drops[i-1].Step)
		}
	}
	return nil
}
