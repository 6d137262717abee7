package report

import (
	"math"
	"sort"
)

// clock converts GD steps to time. The learning rate is piecewise constant:
// segment i starts at step starts[i], at time times[i], with rate lrs[i], so
// a run at constant η gets time k·η with a single rounding.
type clock struct {
	starts, times, lrs []float64
}

// newClock builds a clock from a GD metrics table, whose lr column gives the
// rate of the update made at each logged step (holding until the next logged
// step); defaultLR applies where the table records none.
func newClock(metrics Table, defaultLR float64) clock {
	steps, lrs := metrics.Column("step"), metrics.Column("lr")
	lr := defaultLR
	for i := range lrs { // the first recorded rate also covers the steps before it
		if !math.IsNaN(lrs[i]) && !math.IsNaN(steps[i]) {
			lr = lrs[i]
			break
		}
	}
	c := clock{starts: []float64{0}, times: []float64{0}, lrs: []float64{lr}}
	prev := math.Inf(-1)
	for i, s := range steps {
		if math.IsNaN(s) || s <= prev {
			continue // steps must increase; repeated rows add nothing
		}
		prev = s
		if lrs == nil || math.IsNaN(lrs[i]) || lrs[i] == c.lrs[len(c.lrs)-1] {
			continue
		}
		c.times = append(c.times, c.at(s))
		c.starts, c.lrs = append(c.starts, s), append(c.lrs, lrs[i])
	}
	return c
}

// at returns the time at step k, Σ_{j<k} lr_j.
func (c clock) at(k float64) float64 {
	i := max(0, sort.Search(len(c.starts), func(i int) bool { return c.starts[i] > k })-1)
	return c.times[i] + (k-c.starts[i])*c.lrs[i]
}
