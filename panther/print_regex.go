package panther

import (
	"fmt"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyRegex rewrites an RE2 pattern (folded: case-insensitive) in Python's re
// syntax with the same meaning: it is parsed with Go's regexp/syntax and
// printed back with nothing left to either engine's defaults. Classes are
// spelled out ([0-9], not \d, which is Unicode in Python), a folded letter is
// the class of its case folding orbit ([Kk\u212a]), $ and \z become \Z
// (Python's $ also matches before a final newline), line anchors carry their
// own (?m:...) and "any character" its (?s:...). The one construct without
// an exact rewrite is a word boundary: Python's \b counts non-ASCII letters
// as word characters, RE2's does not; that is returned as a lossy reason.
// The text suits a raw string: a double quote is written \x22.
func pyRegex(pattern string, fold bool) (string, string, error) {
	flags := syntax.Perl
	if fold {
		flags |= syntax.FoldCase
	}
	re, err := syntax.Parse(pattern, flags)
	if err != nil {
		return "", "", fmt.Errorf("%q is not an RE2 pattern: %v", pattern, err)
	}
	p := &rePrinter{}
	s, _ := p.node(re)
	if p.err != nil {
		return "", "", fmt.Errorf("pattern %q: %v", pattern, p.err)
	}
	return s, p.lossy, nil
}

type rePrinter struct {
	lossy string
	err   error
}

// Precedence of printed pieces: what may be repeated or concatenated as is.
const (
	precAlt    = iota // a|b
	precConcat        // ab, and zero-width assertions (Python cannot repeat ^)
	precAtom          // a, [ab], (...)
)

func (p *rePrinter) node(re *syntax.Regexp) (string, int) {
	switch re.Op {
	case syntax.OpNoMatch:
		p.err = fmt.Errorf("it can never match")
		return "", precAtom
	case syntax.OpEmptyMatch:
		return "", precConcat
	case syntax.OpLiteral:
		var b strings.Builder
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				if o := foldOrbit(r); len(o) > 1 {
					ranges := make([]rune, 0, 2*len(o))
					for _, m := range o {
						ranges = append(ranges, m, m)
					}
					b.WriteString(p.class(ranges))
					continue
				}
			}
			b.WriteString(p.literal(r, false))
		}
		if len(re.Rune) == 1 {
			return b.String(), precAtom
		}
		return b.String(), precConcat
	case syntax.OpCharClass:
		return p.class(re.Rune), precAtom
	case syntax.OpAnyCharNotNL:
		return ".", precAtom
	case syntax.OpAnyChar:
		return "(?s:.)", precAtom
	case syntax.OpBeginLine:
		return "(?m:^)", precConcat
	case syntax.OpEndLine:
		return "(?m:$)", precConcat
	case syntax.OpBeginText:
		return "^", precConcat
	case syntax.OpEndText:
		return `\Z`, precConcat
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		p.lossy = `the pattern's \b counts non-ASCII letters and digits as word characters in Python, not in RE2`
		if re.Op == syntax.OpWordBoundary {
			return `\b`, precConcat
		}
		return `\B`, precConcat
	case syntax.OpCapture:
		s, _ := p.node(re.Sub[0])
		if re.Name != "" {
			return "(?P<" + re.Name + ">" + s + ")", precAtom
		}
		return "(" + s + ")", precAtom
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		s := p.atom(re.Sub[0])
		switch re.Op {
		case syntax.OpStar:
			s += "*"
		case syntax.OpPlus:
			s += "+"
		case syntax.OpQuest:
			s += "?"
		default:
			switch {
			case re.Max == re.Min:
				s += fmt.Sprintf("{%d}", re.Min)
			case re.Max < 0:
				s += fmt.Sprintf("{%d,}", re.Min)
			default:
				s += fmt.Sprintf("{%d,%d}", re.Min, re.Max)
			}
		}
		if re.Flags&syntax.NonGreedy != 0 {
			s += "?"
		}
		return s, precAtom
	case syntax.OpConcat:
		var b strings.Builder
		for _, sub := range re.Sub {
			s, prec := p.node(sub)
			if prec == precAlt {
				s = "(?:" + s + ")"
			}
			b.WriteString(s)
		}
		return b.String(), precConcat
	case syntax.OpAlternate:
		parts := make([]string, len(re.Sub))
		for i, sub := range re.Sub {
			parts[i], _ = p.node(sub)
		}
		return strings.Join(parts, "|"), precAlt
	}
	p.err = fmt.Errorf("unsupported construct %v", re.Op)
	return "", precAtom
}

// atom is a piece that a repetition can follow.
func (p *rePrinter) atom(re *syntax.Regexp) string {
	s, prec := p.node(re)
	if prec != precAtom || s == "" {
		return "(?:" + s + ")"
	}
	return s
}

// literal escapes one character, in or out of a class.
func (p *rePrinter) literal(r rune, inClass bool) string {
	switch {
	case r == '"':
		return `\x22`
	case r == '\t':
		return `\t`
	case r == '\n':
		return `\n`
	case r == '\r':
		return `\r`
	case r == '\f':
		return `\f`
	case r == '\v':
		return `\v`
	case r < 0x20 || r >= 0x7f && r <= 0xff && !unicode.IsPrint(r):
		return fmt.Sprintf(`\x%02x`, r)
	case r < utf8.RuneSelf && strings.ContainsRune(`\.+*?()|[]{}^$`, r):
		return `\` + string(r)
	case inClass && strings.ContainsRune(`-&~`, r):
		return `\` + string(r)
	case r >= 0xd800 && r <= 0xdfff || r > unicode.MaxRune:
		p.err = fmt.Errorf("a surrogate code point (U+%04X) has no spelling both engines read", r)
		return ""
	}
	return string(r)
}

// class prints a character class from Go's sorted [lo, hi] pairs: negated
// when it runs from U+0000 to the last code point.
func (p *rePrinter) class(ranges []rune) string {
	if len(ranges) == 0 {
		p.err = fmt.Errorf("it can never match (an empty class)")
		return ""
	}
	if len(ranges) == 2 && ranges[0] == ranges[1] {
		return p.literal(ranges[0], false)
	}
	neg := false
	if len(ranges) >= 2 && ranges[0] == 0 && ranges[len(ranges)-1] == unicode.MaxRune {
		var comp []rune
		for i := 1; i+1 < len(ranges); i += 2 {
			comp = append(comp, ranges[i]+1, ranges[i+1]-1)
		}
		if len(comp) == 0 {
			return "(?s:.)"
		}
		if len(comp) == 2 && comp[0] == '\n' && comp[1] == '\n' {
			return "."
		}
		ranges, neg = comp, true
	}
	var b strings.Builder
	b.WriteByte('[')
	if neg {
		b.WriteByte('^')
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		b.WriteString(p.literal(lo, true))
		switch {
		case hi == lo:
		case hi == lo+1:
			b.WriteString(p.literal(hi, true))
		default:
			b.WriteString("-" + p.literal(hi, true))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// foldOrbit is r's simple case folding orbit, sorted (k: K, k, U+212A).
func foldOrbit(r rune) []rune {
	out := []rune{r}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
