package eval

import (
	"bytes"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// sortValue is the value a sort key compares: the first value of a
// multivalue field; ok is false when the field is null or missing.
func sortValue(r Row, field string) (ast.Value, bool) {
	v, _ := r.Fields.Get(field)
	vs := values(v)
	if len(vs) == 0 {
		return ast.Missing, false
	}
	return vs[0], true
}

// leadingNumber is the number a string starts with, as auto sort reads it.
var leadingNumber = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?`)

// autoKey is how sort's auto type sees a value: "Numeric data is sorted as
// you would expect for numbers", and "Alphanumeric strings are sorted based
// on the data type of the first character. If the string starts with a
// number, the string is sorted numerically based on that number alone.
// Otherwise, strings are sorted lexicographically" (Search Reference, sort).
func autoKey(v ast.Value) (float64, bool) {
	if n, ok := splNum(v); ok {
		return n, true
	}
	if m := leadingNumber.FindString(v.Text()); m != "" {
		n, err := strconv.ParseFloat(m, 64)
		return n, err == nil
	}
	return 0, false
}

// compareAs orders two present values under a sort type (Search Reference,
// sort: auto, str, num, ip). auto puts what it reads as numbers before
// strings, which compare lexicographically (byte order: digits before
// uppercase before lowercase, as the Search Manual's "Lexicographical order"
// describes). Under num and ip, values that are not numbers or addresses
// come after those that are.
func compareAs(as string, a, b ast.Value) int {
	switch as {
	case "str":
		return strings.Compare(a.Text(), b.Text())
	case "ip":
		ia, ib := net.ParseIP(a.Text()), net.ParseIP(b.Text())
		switch {
		case ia != nil && ib != nil:
			return bytes.Compare(ia.To16(), ib.To16())
		case ia != nil:
			return -1
		case ib != nil:
			return 1
		}
		return strings.Compare(a.Text(), b.Text())
	}
	num := splNum
	if as != "num" {
		num = autoKey
	}
	na, oka := num(a)
	nb, okb := num(b)
	switch {
	case oka && okb:
		return cmpFloat(na, nb)
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a.Text(), b.Text())
}

// sortRows sorts stably by keys. "Results missing a given field are treated as
// having the smallest or largest possible value of that field if the order is
// descending or ascending, respectively" (Search Reference, sort): they come
// last either way.
func sortRows(rows []Row, keys []ast.SortKey) {
	sort.SliceStable(rows, func(i, j int) bool {
		for _, k := range keys {
			a, oka := sortValue(rows[i], k.Field)
			b, okb := sortValue(rows[j], k.Field)
			var c int
			switch {
			case !oka && !okb:
				continue
			case !oka:
				return false
			case !okb:
				return true
			}
			c = compareAs(k.As, a, b)
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
}

func dropRows(rows []Row, rs *runState, pos ast.Pos, reason string) {
	for _, r := range rows {
		for _, e := range r.Src {
			rs.drop(Drop{Event: e, Pos: pos, Reason: reason})
		}
	}
}

// sortStage sorts and keeps the first Limit rows (0: all). A trailing desc
// reverses the sorted result.
func sortStage(c *ast.SortCmd) func([]Row, *runState) ([]Row, error) {
	return func(rows []Row, rs *runState) ([]Row, error) {
		sortRows(rows, c.Keys)
		if c.Reverse {
			for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
				rows[i], rows[j] = rows[j], rows[i]
			}
		}
		if c.Limit > 0 && len(rows) > c.Limit {
			dropRows(rows[c.Limit:], rs, c.Pos(), fmt.Sprintf("sort keeps only the first %d rows", c.Limit))
			rows = rows[:c.Limit]
		}
		return rows, nil
	}
}

// dedupStage keeps the first Count rows of each combination of the fields'
// values, in search order or, with sortby, in that order (Search Reference,
// dedup). A row missing any of the fields is dropped unless keepempty=true;
// keepevents=true keeps duplicates but removes the fields from them;
// consecutive=true only removes duplicates that follow each other.
func dedupStage(c *ast.DedupCmd) func([]Row, *runState) ([]Row, error) {
	return func(rows []Row, rs *runState) ([]Row, error) {
		if len(c.SortBy) > 0 {
			sortRows(rows, c.SortBy)
		}
		counts := map[string]int{}
		prev, run := "", 0
		out := rows[:0:0]
		for _, r := range rows {
			parts := make([]string, 0, len(c.Fields))
			missing := ""
			for _, f := range c.Fields {
				v, _ := r.Fields.Get(f)
				if v.IsNullish() {
					missing = f
					break
				}
				parts = append(parts, v.Text())
			}
			if missing != "" {
				if c.KeepEmpty {
					out = append(out, r)
					continue
				}
				dropRows([]Row{r}, rs, c.Pos(), fmt.Sprintf("dedup %s: the field is null, so dedup drops the row (keepempty=false)", missing))
				continue
			}
			key := strings.Join(parts, "\x00")
			var n int
			if c.Consecutive {
				if key != prev {
					run = 0
				}
				prev = key
				run++
				n = run
			} else {
				counts[key]++
				n = counts[key]
			}
			if n <= c.Count {
				out = append(out, r)
				continue
			}
			if c.KeepEvents {
				for _, f := range c.Fields {
					r.Fields.Delete(f)
				}
				out = append(out, r)
				continue
			}
			dropRows([]Row{r}, rs, c.Pos(), fmt.Sprintf("dedup %s: an earlier row has the same value", strings.Join(c.Fields, ", ")))
		}
		return out, nil
	}
}

// headStage keeps the first Count rows; tail keeps the last Count, last row
// first ("Returns the last N number of specified results. The events are
// returned in reverse order", Search Reference, tail).
func headStage(c *ast.HeadCmd) func([]Row, *runState) ([]Row, error) {
	name := "head"
	if c.Tail {
		name = "tail"
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		if !c.Tail {
			if len(rows) > c.Count {
				dropRows(rows[c.Count:], rs, c.Pos(), fmt.Sprintf("%s keeps only the first %d rows", name, c.Count))
				rows = rows[:c.Count]
			}
			return rows, nil
		}
		keep := min(c.Count, len(rows))
		dropRows(rows[:len(rows)-keep], rs, c.Pos(), fmt.Sprintf("%s keeps only the last %d rows", name, c.Count))
		out := make([]Row, 0, keep)
		for i := len(rows) - 1; i >= len(rows)-keep; i-- {
			out = append(out, rows[i])
		}
		return out, nil
	}
}
