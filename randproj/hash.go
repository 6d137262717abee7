package randproj

// golden is SplitMix64's state increment, 2^64/φ rounded to odd.
const golden = 0x9e3779b97f4a7c15

// mix64 is SplitMix64's output function (Stafford's Mix13): a bijection of
// uint64 whose output bits each depend on all input bits.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// rowKey is the SplitMix64 state from which row i's entries are counted.
func rowKey(seed uint64, i int) uint64 {
	return mix64(mix64(seed^0x5851f42d4c957f2d) + uint64(i)*golden)
}

// word is the 64-bit hash holding entries 4w … 4w+3 of the row with key
// key, 16 bits each (lowest first): SplitMix64's (w+1)-th output from state key.
func word(key uint64, w int) uint64 {
	return mix64(key + uint64(w+1)*golden)
}
