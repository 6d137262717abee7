package net

import (
	"fmt"

	"github.com/edge-of-stability/eos/data"
)

// Shape is one example's tensor shape at some point of a network:
// C channels of H×W (PyTorch's per-example NCHW layout), a vector of n
// features being n×1×1.
type Shape struct{ C, H, W int }

// Vector is the shape of n plain features.
func Vector(n int) Shape { return Shape{C: n, H: 1, W: 1} }

// InputShape is the shape of one example of s.
func InputShape(s *data.Set) Shape {
	c, h, w := s.Shape()
	return Shape{C: c, H: h, W: w}
}

// Size is the number of values in one example.
func (s Shape) Size() int { return s.C * s.H * s.W }

// String is s as C×H×W, or the feature count of a vector.
func (s Shape) String() string {
	if s.H == 1 && s.W == 1 {
		return fmt.Sprint(s.C)
	}
	return fmt.Sprintf("%d×%d×%d", s.C, s.H, s.W)
}
