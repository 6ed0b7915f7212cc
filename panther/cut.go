package panther

import "bytes"

// withoutTopBlock blanks the lines of src that hold key of the top-level
// block mapping and its block value, keeping the other lines where they were
// (positions in errors stay true). It returns src unchanged unless the key is
// written plainly on a line of its own (`Tests:`, maybe a comment after it) and
// its value is plainly a block: the lines after it until the next top-level
// key (`Name:` at column 0) or the end are blank, comments, indented, or an
// indentless sequence's `- ` items.
func withoutTopBlock(src []byte, key string) []byte {
	var starts []int // of each line
	for i := 0; i < len(src); {
		starts = append(starts, i)
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	line := func(n int) []byte {
		end := len(src)
		if n+1 < len(starts) {
			end = starts[n+1]
		}
		return bytes.TrimRight(src[starts[n]:end], "\r\n")
	}
	first := -1
	for n := range starts {
		if rest, ok := bytes.CutPrefix(line(n), []byte(key+":")); ok {
			if rest = bytes.TrimLeft(rest, " \t"); len(rest) > 0 && rest[0] != '#' {
				return src // a value on the key's line: not a plain block
			}
			first = n
			break
		}
	}
	if first < 0 {
		return src
	}
	last := first + 1
	for ; last < len(starts); last++ {
		l := line(last)
		if len(l) == 0 || l[0] == ' ' || l[0] == '\t' || l[0] == '#' || l[0] == '-' && (len(l) == 1 || l[1] == ' ') {
			continue
		}
		if !isPlainKeyLine(l) {
			return src // `---`, `...`, a quoted or complex key: read it all
		}
		break
	}
	out := make([]byte, 0, len(src))
	out = append(out, src[:starts[first]]...)
	out = append(out, bytes.Repeat([]byte("\n"), last-first)...)
	if last < len(starts) {
		out = append(out, src[starts[last]:]...)
	}
	return out
}

// isPlainKeyLine says whether l starts with a plain top-level key and its colon.
func isPlainKeyLine(l []byte) bool {
	for i, c := range l {
		switch {
		case c == ':':
			return i > 0 && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t')
		case !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'):
			return false
		}
	}
	return false
}
