package sourcetype

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/concordsec/concord/ast"
)

// confValue is one setting as the winning layer wrote it.
type confValue struct {
	Value    string
	Pos      ast.Pos // where the key starts
	ValuePos ast.Pos // where the value starts
}

// confStanza is one [stanza] after layering: default/ then local/, later files
// overriding earlier ones key by key, as Splunk merges an app's configuration.
type confStanza struct {
	Name string
	Pos  ast.Pos // where the stanza was first opened
	Keys map[string]confValue
}

// confFile is the merged content of one .conf file name (props, transforms, app).
type confFile struct {
	Stanzas map[string]*confStanza
	Order   []string // stanza names in first-seen order, for stable reports
}

func newConfFile() *confFile { return &confFile{Stanzas: map[string]*confStanza{}} }

// parseConf reads Splunk .conf syntax into cf, on top of what cf already holds:
// "[stanza]" headers, "key = value" lines, whole-line "#" comments (a "#" later
// in a line is part of the value, as in Splunk), and a trailing backslash
// continuing the value on the next line (the line break is kept, so a
// multi-line EVAL reads as written). Settings before the first header belong to
// [default]. A line that is none of these is a positioned parse error; the rest
// of the file is still read.
func parseConf(cf *confFile, file string, src []byte) ast.ErrorList {
	var errs ast.ErrorList
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	stanza := cf.stanza("default", ast.Pos{File: file, Line: 1, Col: 1})
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		start := line
		for strings.HasSuffix(text, `\`) && sc.Scan() {
			line++
			text = text[:len(text)-1] + "\n" + strings.TrimRight(sc.Text(), "\r")
		}
		trimmed := strings.TrimSpace(text)
		col := 1 + len(text) - len(strings.TrimLeft(text, " \t"))
		pos := ast.Pos{File: file, Line: start, Col: col}
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(trimmed, "["):
			end := strings.LastIndex(trimmed, "]")
			if end < 1 {
				errs.Add(pos, ast.CodeParse, "stanza header without closing ]")
				continue
			}
			if rest := strings.TrimSpace(trimmed[end+1:]); rest != "" && !strings.HasPrefix(rest, "#") {
				errs.Add(pos, ast.CodeParse, "text after stanza header: "+rest)
				continue
			}
			stanza = cf.stanza(trimmed[1:end], pos)
		default:
			key, value, ok := strings.Cut(trimmed, "=")
			key = strings.TrimSpace(key)
			if !ok || key == "" {
				errs.Add(pos, ast.CodeParse, "want [stanza], key = value or # comment, got "+quoteShort(trimmed))
				continue
			}
			eq := strings.Index(text, "=")
			vcol := eq + 2 + len(value) - len(strings.TrimLeft(value, " \t"))
			stanza.Keys[key] = confValue{Value: strings.TrimSpace(value), Pos: pos, ValuePos: ast.Pos{File: file, Line: start, Col: vcol}}
		}
	}
	if err := sc.Err(); err != nil {
		errs.Add(ast.Pos{File: file, Line: line + 1}, ast.CodeIO, err.Error())
	}
	return errs
}

func (cf *confFile) stanza(name string, pos ast.Pos) *confStanza {
	if s, ok := cf.Stanzas[name]; ok {
		return s
	}
	s := &confStanza{Name: name, Pos: pos, Keys: map[string]confValue{}}
	cf.Stanzas[name] = s
	cf.Order = append(cf.Order, name)
	return s
}

// get returns a key of a stanza, with ok false when either is absent.
func (cf *confFile) get(stanza, key string) (confValue, bool) {
	s, ok := cf.Stanzas[stanza]
	if !ok {
		return confValue{}, false
	}
	v, ok := s.Keys[key]
	return v, ok
}

func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return `"` + s + `"`
}
