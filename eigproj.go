package eos

import (
	"path/filepath"
	"strconv"

	"github.com/edge-of-stability/eos/linalg"
	"gonum.org/v1/gonum/floats"
)

// EigProjFile is the file of a run directory that --eig-proj writes.
const EigProjFile = "eigproj.csv"

// eigProjection follows the iterate through the eigenvectors of the latest
// sharpness measurement: at every step (tick) i it writes the row
// i, base, proj1…projK, rest of eigproj.csv, where base is the step of that
// measurement, proj_k = ⟨θ_i − θ_base, u_k⟩ along its k-th eigenvector and
// rest = ‖(θ_i − θ_base) − Σ_k proj_k u_k‖ the length of the remainder.
type eigProjection[T linalg.Float] struct {
	log *csvLog
	// base are the weights at the latest measurement, baseStep its step (-1 before the first).
	base     []T
	baseStep int
	// disp holds θ_i − θ_base, its remainder once the eigenvector parts are taken off.
	disp []float64
}

// eigProjHeader is eigproj.csv's header for K eigenvectors, indexed by unit.
func eigProjHeader(unit string, k int) []string {
	h := []string{unit, "base_" + unit}
	for i := 1; i <= k; i++ {
		h = append(h, "proj"+strconv.Itoa(i))
	}
	return append(h, "rest")
}

// openEigProj creates eigproj.csv (or, resuming, reopens it where the
// checkpoint left it, with the checkpoint's base weights).
func (s *session[T]) openEigProj() error {
	if !s.cfg.EigProj {
		return nil
	}
	path := filepath.Join(s.dir, EigProjFile)
	header := eigProjHeader(s.unit(), s.cfg.NEigs)
	p := &eigProjection[T]{base: make([]T, len(s.theta)), baseStep: -1, disp: make([]float64, len(s.theta))}
	var err error
	if ck := s.resumed; ck != nil {
		p.log, err = reopenCSV(path, header, ck.eigProjBytes)
		if ck.eigProjBase != nil {
			fromFloat64(p.base, ck.eigProjBase)
			p.baseStep = ck.eigProjStep
		}
	} else {
		p.log, err = createCSV(path, header)
	}
	if err != nil {
		return err
	}
	s.eigProj = p
	return nil
}

// eigProject writes eigproj.csv's row of step (tick) i, after the
// sharpness was measured there (measured) or not, along the latest
// measurement's unit eigenvectors. Before the first measurement there is no
// row.
func (s *session[T]) eigProject(i int, measured bool) error {
	p := s.eigProj
	if p == nil {
		return nil
	}
	if measured {
		copy(p.base, s.theta)
		p.baseStep = i
	}
	if p.baseStep < 0 {
		return nil
	}
	for j, x := range s.theta {
		p.disp[j] = float64(x) - float64(p.base[j])
	}
	row := []string{strconv.Itoa(i), strconv.Itoa(p.baseStep)}
	for _, u := range s.sharp.prev {
		c := floats.Dot(p.disp, u)
		floats.AddScaled(p.disp, -c, u)
		row = append(row, num(c))
	}
	return p.log.row(append(row, num(floats.Norm(p.disp, 2))))
}

// eigProjState adds the projection's state to a checkpoint.
func (s *session[T]) eigProjState(ck *checkpoint) error {
	p := s.eigProj
	if p == nil {
		return nil
	}
	var err error
	if ck.eigProjBytes, err = p.log.sync(); err != nil {
		return err
	}
	if p.baseStep >= 0 {
		ck.eigProjBase, ck.eigProjStep = toFloat64(p.base), p.baseStep
	}
	return nil
}

// closeEigProj closes eigproj.csv.
func (s *session[T]) closeEigProj() error {
	if s.eigProj == nil {
		return nil
	}
	return s.eigProj.log.close()
}
