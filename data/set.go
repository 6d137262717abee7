// Package data loads and generates the datasets eos trains on: CIFAR-10 in
// its official binary layout (folder or archive), the reference's synthetic
// regression sets, and the embedded default that needs no files.
package data

// Set is one split of a dataset held in memory. Inputs are stored either as
// bytes with a per-feature standardisation (Pixels, Scale, Shift), so that
// image data stays uint8 and is standardised as it streams into the first
// layer, or as already-preprocessed floats (X).
type Set struct {
	// Name is the dataset name as the user gave it (e.g. "cifar10-5k").
	Name string
	// N is the number of examples and D the number of input features.
	N, D int
	// C, H and W are one example's image shape, channels × height × width,
	// its D features in C,H,W order (PyTorch's NCHW); all zero for a set whose
	// examples are plain vectors (see Shape).
	C, H, W int
	// Classes is the number of classes, or 0 for a regression set.
	Classes int
	// Outputs is the width of the network's output: Classes for
	// classification, the target width for regression.
	Outputs int
	// Pixels holds N×D bytes, row-major, when the inputs are images; nil otherwise.
	Pixels []uint8
	// Scale and Shift standardise Pixels per feature: x[j] = float(p[j])*Scale[j] + Shift[j].
	Scale, Shift []float64
	// X holds N×D preprocessed inputs, row-major, when Pixels is nil.
	X []float64
	// Labels holds the class of each example (classification only).
	Labels []int32
	// Targets holds N×Outputs regression targets, row-major (regression only).
	Targets []float64
	// Source says where the data came from (a path, an archive, or "embedded").
	Source string
	// Checksum is the SHA-256 (hex) of the source bytes the set was read or generated from.
	Checksum string
}

// Shape is one example's shape as channels, height and width: the image
// shape of an image set, and D×1×1 for a set of vectors.
func (s *Set) Shape() (c, h, w int) {
	if s.C == 0 {
		return s.D, 1, 1
	}
	return s.C, s.H, s.W
}

// Input writes example i's standardised input features into dst (length D).
func (s *Set) Input(i int, dst []float64) {
	if s.Pixels != nil {
		p := s.Pixels[i*s.D : (i+1)*s.D]
		for j, v := range p {
			dst[j] = float64(v)*s.Scale[j] + s.Shift[j]
		}
		return
	}
	copy(dst, s.X[i*s.D:(i+1)*s.D])
}

// Bytes is the memory the set's arrays hold.
func (s *Set) Bytes() int64 {
	return int64(len(s.Pixels)) + 8*int64(len(s.X)+len(s.Scale)+len(s.Shift)+len(s.Targets)) + 4*int64(len(s.Labels))
}

// Head returns the first n examples of s, sharing its memory.
func (s *Set) Head(n int) *Set {
	h := *s
	h.N = n
	if s.Pixels != nil {
		h.Pixels = s.Pixels[:n*s.D]
	}
	if s.X != nil {
		h.X = s.X[:n*s.D]
	}
	if s.Labels != nil {
		h.Labels = s.Labels[:n]
	}
	if s.Targets != nil {
		h.Targets = s.Targets[:n*s.Outputs]
	}
	return &h
}
