// Package flow moves a parameter vector along a loss: the full-batch
// optimisers of the Edge-of-Stability experiments (GD, heavy-ball and Nesterov
// momentum with PyTorch SGD conventions), their step-size schedules and
// stability thresholds, and gradient flow integrated by an allocation-free
// classic Runge–Kutta method.
package flow

import (
	"fmt"
	"math"

	"github.com/edge-of-stability/eos/linalg"
)

// Optimizer updates parameters in place from a gradient.
type Optimizer[T linalg.Float] interface {
	// Step applies one update with step size lr; it allocates nothing.
	Step(theta, grad []T, lr float64)
	// Reset zeroes the momentum buffer (a no-op for plain GD).
	Reset()
	// State is the optimiser's memory between steps, the momentum buffer
	// (nil for plain GD): reading it saves the optimiser and writing into it
	// restores one.
	State() []T
}

// NewOptimizer returns the optimiser called name for n parameters:
//
//	"gd":       θ −= η·g
//	"polyak":   buf = β·buf + g;  θ −= η·buf
//	"nesterov": buf = β·buf + g;  θ −= η·(g + β·buf)
//
// with buf starting at zero, so the first momentum step sets buf = g exactly
// as PyTorch's SGD does. beta is ignored for "gd" and must lie in [0, 1)
// otherwise.
func NewOptimizer[T linalg.Float](name string, beta float64, n int) (Optimizer[T], error) {
	if n < 0 {
		return nil, fmt.Errorf("optimizer %q: negative parameter count %d", name, n)
	}
	switch name {
	case "gd":
		return &gd[T]{n: n}, nil
	case "polyak", "nesterov":
		if !(beta >= 0 && beta < 1) {
			return nil, fmt.Errorf("optimizer %q: momentum beta = %v is outside [0, 1)", name, beta)
		}
		return &momentum[T]{buf: make([]T, n), beta: T(beta), nesterov: name == "nesterov"}, nil
	default:
		return nil, fmt.Errorf("unknown optimizer %q (want gd, polyak or nesterov)", name)
	}
}

// Threshold is the stability threshold on the sharpness of an optimiser with
// step size lr and momentum beta: 2/η for "gd", (2+2β)/η for "polyak" and
// (2+2β)/(η(1+2β)) for "nesterov". On a quadratic the iteration converges
// iff the top Hessian eigenvalue is below it. An unknown name gives NaN.
func Threshold(opt string, lr, beta float64) float64 {
	switch opt {
	case "gd":
		return 2 / lr
	case "polyak":
		return (2 + 2*beta) / lr
	case "nesterov":
		return (2 + 2*beta) / (lr * (1 + 2*beta))
	default:
		return math.NaN()
	}
}

// gd is plain gradient descent.
type gd[T linalg.Float] struct{ n int }

func (o *gd[T]) Step(theta, grad []T, lr float64) {
	checkLens("gd", o.n, theta, grad)
	linalg.Axpy(T(-lr), grad, theta)
}

func (o *gd[T]) Reset() {}

func (o *gd[T]) State() []T { return nil }

// momentum is heavy-ball (Polyak) or Nesterov momentum in PyTorch's form
// (no dampening).
type momentum[T linalg.Float] struct {
	buf      []T
	beta     T
	nesterov bool
}

func (o *momentum[T]) Step(theta, grad []T, lr float64) {
	checkLens("momentum", len(o.buf), theta, grad)
	eta, beta := T(lr), o.beta
	buf := o.buf[:len(theta)]
	grad = grad[:len(theta)]
	if o.nesterov {
		for i, g := range grad {
			b := beta*buf[i] + g
			buf[i] = b
			theta[i] -= eta * (g + beta*b)
		}
		return
	}
	for i, g := range grad {
		b := beta*buf[i] + g
		buf[i] = b
		theta[i] -= eta * b
	}
}

func (o *momentum[T]) Reset() { clear(o.buf) }

func (o *momentum[T]) State() []T { return o.buf }

// checkLens panics when theta or grad does not hold n parameters: a caller
// bug that would otherwise corrupt the update silently.
func checkLens[T linalg.Float](who string, n int, theta, grad []T) {
	if len(theta) != n || len(grad) != n {
		panic(fmt.Sprintf("flow: %s step with len(theta)=%d, len(grad)=%d, want %d", who, len(theta), len(grad), n))
	}
}
