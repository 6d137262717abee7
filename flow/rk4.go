package flow

import (
	"fmt"
	"math"

	"github.com/edge-of-stability/eos/linalg"
)

// GradFunc writes the gradient of the loss at theta into grad and returns the loss.
type GradFunc[T linalg.Float] func(theta, grad []T) float64

// RK4 integrates dθ/dt = −∇L(θ) with the classic fourth-order Runge–Kutta
// method; all stage buffers are preallocated, Step allocates nothing.
type RK4[T linalg.Float] struct {
	grad  []T // first-stage gradient ∇L(θ) of the latest Step
	stage []T // gradient of the current later stage
	sum   []T // running k1 + 2k2 + 2k3 (as gradients)
	point []T // where the current stage is evaluated
}

// NewRK4 returns an integrator for n parameters.
func NewRK4[T linalg.Float](n int) *RK4[T] {
	return &RK4[T]{
		grad:  make([]T, n),
		stage: make([]T, n),
		sum:   make([]T, n),
		point: make([]T, n),
	}
}

// Step advances theta by time h and returns the loss at the START of the
// step (from the first stage's gradient, so the caller records the loss
// without an extra evaluation); Grad then holds that first-stage gradient.
// It calls f exactly four times.
func (r *RK4[T]) Step(theta []T, h float64, f GradFunc[T]) float64 {
	n := len(r.grad)
	if len(theta) != n {
		panic(fmt.Sprintf("flow: RK4 step with len(theta)=%d, want %d", len(theta), n))
	}
	g1, gs, sum, pt := r.grad, r.stage[:n], r.sum[:n], r.point[:n]
	half, full := T(h/2), T(h)

	loss := f(theta, g1)
	for i, t := range theta {
		pt[i] = t - half*g1[i]
	}
	f(pt, gs)
	for i, t := range theta {
		sum[i] = g1[i] + 2*gs[i]
		pt[i] = t - half*gs[i]
	}
	f(pt, gs)
	for i, t := range theta {
		sum[i] += 2 * gs[i]
		pt[i] = t - full*gs[i]
	}
	f(pt, gs)
	sixth := T(h / 6)
	for i := range theta {
		theta[i] -= sixth * (sum[i] + gs[i])
	}
	return loss
}

// Grad is the first-stage gradient ∇L(θ) at the start of the latest Step
// (the integrator's own buffer: overwritten by the next Step).
func (r *RK4[T]) Grad() []T { return r.grad }

// StepSize is the Runge–Kutta step size min(alpha/lambda, maxStep) for a
// measured sharpness lambda; a lambda that is not a positive finite number
// (not yet measured) gives maxStep.
func StepSize(alpha, lambda, maxStep float64) float64 {
	if !(lambda > 0) || math.IsInf(lambda, 1) {
		return maxStep
	}
	return min(alpha/lambda, maxStep)
}

// Advance integrates from 0 to time dt in steps of at most h (the last one
// shortened so the tick lands exactly on dt), returning the number of RK4
// steps taken. A count dt/h within 1e-9 of an integer is rounded to it, so
// rounding error never adds a vanishing extra step (the last step may then
// exceed h by that relative amount). dt ≤ 0 takes no step; h must be positive.
func (r *RK4[T]) Advance(theta []T, dt, h float64, f GradFunc[T]) int {
	if !(dt > 0) {
		return 0
	}
	if !(h > 0) {
		panic(fmt.Sprintf("flow: RK4 advance with step size %v", h))
	}
	q := dt / h
	steps := math.Ceil(q)
	if fl := math.Floor(q); fl >= 1 && q-fl < 1e-9*q {
		steps = fl
	}
	n := max(int(steps), 1)
	for k := 0; k < n-1; k++ {
		r.Step(theta, h, f)
	}
	last := dt
	if n > 1 {
		last -= float64(n-1) * h
	}
	r.Step(theta, last, f)
	return n
}
