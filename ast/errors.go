package ast

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Error codes are stable: tests and scripts assert on them.
const (
	CodeParse       = "parse"       // syntax error in a rule, macro or expression
	CodeUnsupported = "unsupported" // valid input that concord cannot run yet
	CodeSchema      = "schema"      // rule file does not follow the platform's schema
	CodeMacro       = "macro"       // unknown macro, bad arguments, macro cycle
	CodeEvent       = "event"       // malformed event line
	CodeEval        = "eval"        // runtime error while evaluating
	CodeIO          = "io"          // file could not be read
	CodeWarning     = "warning"     // the rule runs, but with a caveat the user should know
)

// Error is one positioned problem.
type Error struct {
	Pos  Pos
	Code string
	Msg  string
}

func (e *Error) Error() string {
	// Unsupported messages carry their own "unsupported: <construct> at L:C" wording
	// (the form the issues ask for); do not print the code twice.
	if strings.HasPrefix(e.Msg, e.Code+": ") {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.Pos, e.Code, e.Msg)
}

// Errorf builds a positioned *Error.
func Errorf(pos Pos, code, format string, args ...any) *Error {
	return &Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, args...)}
}

// ErrorList collects errors; its zero value is ready to use.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(pos Pos, code, msg string) {
	*l = append(*l, &Error{Pos: pos, Code: code, Msg: msg})
}

// Append adds all errors of other.
func (l *ErrorList) Append(other ErrorList) { *l = append(*l, other...) }

// Sort orders errors by file, line and column.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns nil for an empty list, the list otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Has reports whether any error carries the code.
func (l ErrorList) Has(code string) bool {
	for _, e := range l {
		if e.Code == code {
			return true
		}
	}
	return false
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Print writes one error per line.
func (l ErrorList) Print(w io.Writer) {
	for _, e := range l {
		fmt.Fprintln(w, e.Error())
	}
}
