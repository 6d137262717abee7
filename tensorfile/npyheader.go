package tensorfile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// npyDict is the content of a .npy header: a Python dict literal with the
// keys 'descr', 'fortran_order' and 'shape'.
type npyDict struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYDict parses the header dict written by NumPy (and by npyHeader):
// string keys, a string descr, True/False fortran_order and a tuple of ints
// shape, in any order, with optional trailing commas and surrounding padding.
func parseNPYDict(s string) (npyDict, error) {
	p := &pyParser{s: strings.TrimSpace(s)}
	var d npyDict
	seen := map[string]bool{}
	if !p.eat('{') {
		return d, errors.New("header is not a dict literal")
	}
	for !p.eat('}') {
		key, err := p.str()
		if err != nil {
			return d, err
		}
		if seen[key] {
			return d, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if !p.eat(':') {
			return d, fmt.Errorf("missing ':' after key %q", key)
		}
		switch key {
		case "descr":
			d.descr, err = p.str()
		case "fortran_order":
			d.fortran, err = p.boolean()
		case "shape":
			d.shape, err = p.tuple()
		default:
			err = fmt.Errorf("unexpected key %q", key)
		}
		if err != nil {
			return d, err
		}
		if !p.eat(',') && !p.peek('}') {
			return d, fmt.Errorf("expected ',' or '}' after %q", key)
		}
	}
	if p.pos != len(p.s) {
		return d, fmt.Errorf("unexpected text after the dict: %q", p.s[p.pos:])
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return d, fmt.Errorf("missing key %q", k)
		}
	}
	return d, nil
}

// pyParser scans the small subset of Python literals used in .npy headers.
type pyParser struct {
	s   string
	pos int
}

// skipSpace advances past whitespace.
func (p *pyParser) skipSpace() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

// peek reports whether the next non-space byte is c, without consuming it.
func (p *pyParser) peek(c byte) bool {
	p.skipSpace()
	return p.pos < len(p.s) && p.s[p.pos] == c
}

// eat consumes the next non-space byte if it is c.
func (p *pyParser) eat(c byte) bool {
	if p.peek(c) {
		p.pos++
		return true
	}
	return false
}

// str parses a single- or double-quoted string without escapes.
func (p *pyParser) str() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.s) || (p.s[p.pos] != '\'' && p.s[p.pos] != '"') {
		return "", fmt.Errorf("expected a string at offset %d", p.pos)
	}
	q := p.s[p.pos]
	end := strings.IndexByte(p.s[p.pos+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.pos+1 : p.pos+1+end]
	p.pos += end + 2
	return v, nil
}

// boolean parses True or False.
func (p *pyParser) boolean() (bool, error) {
	p.skipSpace()
	for _, lit := range []string{"True", "False"} {
		if strings.HasPrefix(p.s[p.pos:], lit) {
			p.pos += len(lit)
			return lit == "True", nil
		}
	}
	return false, fmt.Errorf("expected True or False at offset %d", p.pos)
}

// tuple parses a tuple of non-negative ints such as (), (3,) or (3, 4).
func (p *pyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, fmt.Errorf("expected a tuple at offset %d", p.pos)
	}
	shape := []int{}
	for !p.eat(')') {
		p.skipSpace()
		start := p.pos
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		v, err := strconv.Atoi(p.s[start:p.pos])
		if err != nil {
			return nil, fmt.Errorf("bad dimension at offset %d in shape", start)
		}
		shape = append(shape, v)
		p.eat('L') // Python 2 long suffix
		if !p.eat(',') && !p.peek(')') {
			return nil, fmt.Errorf("expected ',' or ')' in shape at offset %d", p.pos)
		}
	}
	return shape, nil
}
