package sigma

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// A small YAML writer: SigmaHQ's layout (4-space indentation, list items
// indented under their key, single-quoted detection values) is easier to
// hold exactly by writing the text than by steering an encoder.

// yval is a YAML value: *yscalar, yseq or ymap.
type yval interface{}

type yscalar struct {
	text  string
	style scalarStyle
}

type scalarStyle uint8

const (
	stylePlain  scalarStyle = iota // plain when it reads back as the same string, quoted otherwise
	styleQuoted                    // single-quoted (double-quoted when it must be)
	styleRaw                       // written as is: numbers, null, booleans, dates
	styleBlock                     // a literal block (|) when multi-line
)

type yseq []yval

type yentry struct {
	key string
	val yval
}

type ymap []yentry

func plain(s string) *yscalar  { return &yscalar{text: s} }
func quoted(s string) *yscalar { return &yscalar{text: s, style: styleQuoted} }
func raw(s string) *yscalar    { return &yscalar{text: s, style: styleRaw} }

// writeDoc writes a top-level mapping.
func writeDoc(m ymap) []byte {
	var b strings.Builder
	writeMap(&b, m, 0, "")
	return []byte(b.String())
}

// writeMap writes m's entries at indent; the first entry's line starts with
// first (a list item's "- ") instead of the indentation.
func writeMap(b *strings.Builder, m ymap, indent int, first string) {
	pad := strings.Repeat(" ", indent)
	for i, e := range m {
		if i == 0 && first != "" {
			b.WriteString(first)
		} else {
			b.WriteString(pad)
		}
		b.WriteString(scalarText(plain(e.key), indent, true))
		b.WriteString(":")
		writeValue(b, e.val, indent)
	}
}

// writeValue writes the value of a key at indent: scalars on the key's line,
// collections on the next lines, 4 deeper.
func writeValue(b *strings.Builder, v yval, indent int) {
	switch v := v.(type) {
	case *yscalar:
		b.WriteString(" ")
		b.WriteString(scalarText(v, indent, false))
		b.WriteString("\n")
	case yseq:
		b.WriteString("\n")
		writeSeq(b, v, indent+4)
	case ymap:
		b.WriteString("\n")
		writeMap(b, v, indent+4, "")
	}
}

func writeSeq(b *strings.Builder, s yseq, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, item := range s {
		switch item := item.(type) {
		case *yscalar:
			b.WriteString(pad + "- " + scalarText(item, indent+2, false) + "\n")
		case ymap:
			writeMap(b, item, indent+2, pad+"- ")
		case yseq:
			b.WriteString(pad + "-\n")
			writeSeq(b, item, indent+4)
		}
	}
}

// scalarText renders a scalar: plain when YAML reads it back as the same
// string, single-quoted (the spec's advice for strings) otherwise, and
// double-quoted for text a single-quoted scalar cannot hold on one line.
func scalarText(s *yscalar, indent int, key bool) string {
	switch s.style {
	case styleRaw:
		return s.text
	case styleBlock:
		if block, ok := literalBlock(s.text, indent+4); ok {
			return block
		}
	}
	if s.style != styleQuoted && plainSafe(s.text, key) {
		return s.text
	}
	if !needsDouble(s.text) {
		return "'" + strings.ReplaceAll(s.text, "'", "''") + "'"
	}
	return doubleQuoted(s.text)
}

// plainSafe reports whether s reads back from YAML as the string s.
func plainSafe(s string, key bool) bool {
	if s == "" || strings.ContainsAny(s, "\n\r\t") || s != strings.TrimSpace(s) {
		return false
	}
	doc := "k: " + s + "\n"
	if key {
		doc = s + ": v\n"
	}
	var n yaml.Node
	if yaml.Unmarshal([]byte(doc), &n) != nil || len(n.Content) != 1 || len(n.Content[0].Content) != 2 {
		return false
	}
	got := n.Content[0].Content[0]
	if !key {
		got = n.Content[0].Content[1]
	}
	return got.Kind == yaml.ScalarNode && got.Tag == "!!str" && got.Style == 0 && got.Value == s
}

// needsDouble: line breaks and control characters need escapes.
func needsDouble(s string) bool {
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' || !unicode.IsPrint(r) && r != ' ' {
			return true
		}
	}
	return false
}

// doubleQuoted uses Go's escapes, which are YAML's for everything Go
// produces (\a \b \f \n \r \t \v \\ \" \xXX \uXXXX \UXXXXXXXX).
func doubleQuoted(s string) string {
	return strconv.Quote(s)
}

// blockSafe: lines a literal block can hold (printable, no tabs, the first
// line not indented, so that no indentation indicator is needed).
var blockSafe = regexp.MustCompile(`^[^\s][^\t\r]*$`)

// literalBlock writes a multi-line string as `|` followed by its lines; the
// final line break it adds is trimmed by Load.
func literalBlock(s string, indent int) (string, bool) {
	s = strings.TrimRight(s, "\n")
	if !strings.Contains(s, "\n") || !blockSafe.MatchString(strings.SplitN(s, "\n", 2)[0]) || needsDouble(strings.ReplaceAll(s, "\n", "")) {
		return "", false
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	b.WriteString("|")
	for _, line := range strings.Split(s, "\n") {
		b.WriteString("\n")
		if line != "" {
			b.WriteString(pad + line)
		}
	}
	return b.String(), true
}
