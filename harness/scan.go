package harness

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/plan"
	"github.com/concordsec/concord/stream"
)

// ScanOptions configure Scan.
type ScanOptions struct {
	// Workers evaluate batches of events in parallel; 0 means one per CPU.
	Workers int
	// Exhaustive decodes every event in full and evaluates every rule on it:
	// no prefilter, no projection. It is the reference the fast path is
	// tested against.
	Exhaustive bool
	// BatchEvents and BatchBytes bound a batch (0: defaults).
	BatchEvents, BatchBytes int
	// Read, when set, counts the events read so far, for a progress display.
	Read *atomic.Int64
}

// ScanResult is what one rule found in a scan.
type ScanResult struct {
	Rule *Compiled
	Rows []ScanRow
	Hits []string // the sources of the events that are hits, in input order
	// Errors are the events the rule raised on, in input order.
	Errors []EventError
}

// ScanRow is a result row with the events it came from.
type ScanRow struct {
	Fields  *ast.Object
	Sources []string
}

// EventError is a rule's error on one event.
type EventError struct {
	Source string
	Err    error
}

// ScanStats count what a scan read.
type ScanStats struct {
	Events int64 // events read
	// Decoded counts the events decoded: those some rule's prefilter kept, and
	// those that do not look like a JSON object, to report them. The others
	// are never parsed, so a malformed one among them goes unreported (an
	// exhaustive scan checks every event).
	Decoded int64
	Errors  ast.ErrorList
}

// Scan streams the events of r through the rules, evaluating each event's
// match once per rule on as many workers as asked, and returns each rule's
// rows and hits in input order (the same whatever the number of workers).
// A per-event rule (Panther, and a Splunk search's base search) keeps only
// its hits, so memory does not grow with the input; a Splunk search keeps
// the events its base search passes and runs its pipeline over them at the
// end.
func Scan(rules []*Compiled, r *stream.Reader, opts ScanOptions) ([]*ScanResult, ScanStats, error) {
	s := newScanner(rules, opts)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	maxEvents, maxBytes := opts.BatchEvents, opts.BatchBytes
	if maxEvents <= 0 {
		// Batches are bounded by bytes only, and the workers count their
		// lines: every batch is split by the worker that takes it.
		maxEvents = math.MaxInt
		r.CountLinesInBatches()
	}
	if maxBytes <= 0 {
		// Small enough that a batch is still in cache when its worker
		// splits and searches it after the reader's copy: 1 MB took 0.35 s
		// on the seed rule over 1 GB where 4 MB took 0.40 s.
		maxBytes = 1 << 20
	}

	type job struct {
		seq   int
		batch *stream.Batch
	}
	jobs := make(chan job, workers)
	done := make(chan *batchResult, workers)
	free := make(chan *stream.Batch, 2*workers+1)
	for range cap(free) {
		free <- &stream.Batch{}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := s.newWorker()
			for j := range jobs {
				res := w.run(j.batch)
				res.seq = j.seq
				// Counted here rather than as batches are read: counting
				// splits a batch, which is the workers' job.
				if opts.Read != nil {
					opts.Read.Add(int64(res.events))
				}
				done <- res
			}
		}()
	}
	// Batches are read in order, evaluated in any order and merged back in
	// order, so results do not depend on scheduling.
	var readErr error
	go func() {
		defer close(jobs)
		for seq := 0; ; seq++ {
			b := <-free
			err := r.NextBatch(b, maxEvents, maxBytes)
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			jobs <- job{seq, b}
		}
	}()
	go func() {
		wg.Wait()
		close(done)
	}()
	pending := map[int]*batchResult{}
	next := 0
	for res := range done {
		pending[res.seq] = res
		for {
			p, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			s.merge(p)
			free <- p.batch
			next++
		}
	}
	if readErr != nil {
		return nil, s.stats, readErr
	}
	if err := s.finish(); err != nil {
		return nil, s.stats, err
	}
	return s.results, s.stats, nil
}

// scanner holds what a scan shares across workers (read-only while they
// run) and what the in-order merge builds.
type scanner struct {
	rules   []*Compiled
	opts    ScanOptions
	results []*ScanResult
	// splunk: the events each Splunk search's base search passed, for its
	// pipeline at the end.
	splunk [][]Event
	stats  ScanStats
	// plans say which rules can match an event and what of it they read;
	// decoders holds the compiled projection of each union of plans.
	plans    *plan.Set
	decoders sync.Map // *plan.Projection -> *ast.Projection
}

func newScanner(rules []*Compiled, opts ScanOptions) *scanner {
	s := &scanner{rules: rules, opts: opts, splunk: make([][]Event, len(rules))}
	var plans []*plan.Plan
	for _, c := range rules {
		s.results = append(s.results, &ScanResult{Rule: c})
		plans = append(plans, c.Plan())
		if c.Rule.Platform == ast.Splunk {
			// The plan reads events as the rule's sourcetype sees them; say
			// now when that is unknown, since the prefilter may keep no event
			// whose view would say it.
			_, _ = newViewer(c.Rule).sourceType("")
		}
	}
	s.plans = plan.NewSet(plans)
	return s
}

// Plan is what the rule's match needs of an event (see package plan),
// worked out once.
func (c *Compiled) Plan() *plan.Plan {
	c.planOnce.Do(func() {
		opts := plan.Options{}
		if c.models != nil {
			opts.DataModels = c.models.ByLogType
		}
		c.plan = plan.Of(c.Rule, opts)
	})
	return c.plan
}

// decoder is the projection that decodes what the rules of u read.
func (s *scanner) decoder(u *plan.Projection) *ast.Projection {
	if d, ok := s.decoders.Load(u); ok {
		return d.(*ast.Projection)
	}
	d, _ := s.decoders.LoadOrStore(u, ast.NewProjection(u.Paths))
	return d.(*ast.Projection)
}

// batchResult is what a worker found in one batch, in the batch's order.
type batchResult struct {
	seq     int
	batch   *stream.Batch
	events  int
	decoded int
	errs    ast.ErrorList
	found   []found
}

// found is one rule's outcome on one event worth keeping.
type found struct {
	rule   int
	source string
	row    *ast.Object // Panther: the alert's fields
	err    error
	event  *Event // Splunk: the event its base search passed
}

type worker struct {
	s       *scanner
	viewers []*viewer
	check   *plan.Checker
	keep    []int
	all     []int
	// The last combination of kept rules and its projection: consecutive
	// events mostly keep the same rules, and finding a combination's
	// projection takes a key and a lock.
	lastRules []int
	lastProj  *ast.Projection
}

// projection decodes what the rules read (nil: everything).
func (w *worker) projection(rules []int) *ast.Projection {
	if w.lastRules != nil && slices.Equal(rules, w.lastRules) {
		return w.lastProj
	}
	w.lastRules, w.lastProj = append(w.lastRules[:0], rules...), nil
	if u := w.s.plans.Projection(rules); !u.All {
		w.lastProj = w.s.decoder(u)
	}
	return w.lastProj
}

func (s *scanner) newWorker() *worker {
	w := &worker{s: s, check: s.plans.NewChecker()}
	for i, c := range s.rules {
		v := newViewer(c.Rule)
		if !s.opts.Exhaustive {
			v.narrow = c.Plan()
		}
		w.viewers = append(w.viewers, v)
		w.all = append(w.all, i)
	}
	return w
}

func (w *worker) run(b *stream.Batch) *batchResult {
	res := &batchResult{batch: b, events: b.Len(), errs: append(ast.ErrorList(nil), b.Errs...)}
	for i := range b.Len() {
		raw := b.Raw(i)
		// The rules whose prefilter keeps the event, decoded with only what
		// they read. An event no rule can match is not decoded, unless it
		// does not even look like an object, which decoding then reports.
		rules, proj := w.all, (*ast.Projection)(nil)
		if !w.s.opts.Exhaustive {
			w.keep = w.check.Keep(w.keep[:0], raw)
			rules = w.keep
			if len(rules) == 0 && len(raw) > 1 && raw[0] == '{' && raw[len(raw)-1] == '}' {
				continue
			}
			proj = w.projection(rules)
		}
		v, err := ast.ParseJSONProjected(raw, proj)
		if err == nil && v.Kind() != ast.KindObject {
			err = fmt.Errorf("expected a JSON object, found %s", v.Kind())
		}
		if err != nil {
			e := b.Event(i)
			res.errs = append(res.errs, ast.Errorf(ast.Pos{File: e.File, Line: e.Line, Col: e.Col}, ast.CodeEvent, "malformed JSON event: %v", err))
			continue
		}
		res.decoded++
		ev := &scanEvent{b: b, i: i, value: v, projected: proj != nil}
		for _, ri := range rules {
			if f, ok := w.eval(ri, w.s.rules[ri], ev); ok {
				res.found = append(res.found, f)
			}
		}
	}
	return res
}

// scanEvent is one event of a batch as decoded for the matches; its
// formatted source, its raw text and the fully decoded event are built only
// for the rules that need them (a hit, a Splunk view that reads the text).
type scanEvent struct {
	b         *stream.Batch
	i         int
	value     ast.Value
	projected bool
	src       string
	raw       string
	whole     *Event
}

func (e *scanEvent) source() string {
	if e.src == "" {
		e.src = e.b.Source(e.i)
	}
	return e.src
}

func (e *scanEvent) rawText() string {
	if e.raw == "" {
		e.raw = string(e.b.Raw(e.i))
	}
	return e.raw
}

// event is the event as decoded for the matches; its Raw is left empty
// unless withRaw.
func (e *scanEvent) event(withRaw bool) Event {
	ev := Event{Source: e.source(), Value: e.value, Set: e.b.Event(e.i).File}
	if withRaw {
		ev.Raw = e.rawText()
	}
	return ev
}

// full is the event decoded in full: outputs and pipelines read what they like.
func (e *scanEvent) full() *Event {
	if e.whole == nil {
		ev := e.event(true)
		if e.projected {
			ev.Value, _ = ast.ParseJSON(e.b.Raw(e.i))
		}
		e.whole = &ev
	}
	return e.whole
}

// eval decides one rule on one event.
func (w *worker) eval(ri int, c *Compiled, e *scanEvent) (found, bool) {
	if c.Rule.Platform == ast.Panther {
		env := &eval.Env{Record: e.value, UDM: c.models.For(c.Rule, e.value)}
		hit, err := c.pantherMatch(env)
		if err != nil {
			return found{rule: ri, source: e.source(), err: err}, true
		}
		if !hit {
			return found{}, false
		}
		full := e.full()
		env = &eval.Env{Record: full.Value, UDM: c.models.For(c.Rule, full.Value)}
		o, err := c.rowOf(env)
		return found{rule: ri, source: full.Source, row: o, err: err}, true
	}
	vw := w.viewers[ri]
	// A view reads the value and maybe the text, not where the event is
	// from: that is formatted only for what is kept.
	withRaw := vw.readsRaw()
	ev := Event{Value: e.value}
	if withRaw {
		ev.Raw = e.rawText()
	}
	view, err := vw.view(ev)
	if err != nil {
		return found{rule: ri, source: e.source(), err: err}, true
	}
	v, err := c.match.Eval(&eval.Env{Record: ast.ObjectOf(view)})
	if err != nil {
		return found{rule: ri, source: e.source(), err: err}, true
	}
	if !v.Truth() {
		return found{}, false
	}
	if !c.Plan().HasRows {
		return found{rule: ri, source: e.source(), event: e.full()}, true
	}
	// The event was decoded with what the pipeline reads too (plan.Union):
	// the pipeline runs on this view.
	ev = e.event(withRaw)
	ev.Value, ev.view = ast.Value{}, view
	return found{rule: ri, source: ev.Source, event: &ev}, true
}

// merge takes a batch's findings in order.
func (s *scanner) merge(b *batchResult) {
	s.stats.Events += int64(b.events)
	s.stats.Decoded += int64(b.decoded)
	s.stats.Errors = append(s.stats.Errors, b.errs...)
	for _, f := range b.found {
		res := s.results[f.rule]
		switch {
		case f.event != nil:
			s.splunk[f.rule] = append(s.splunk[f.rule], *f.event)
		case f.err != nil && f.row == nil:
			res.Errors = append(res.Errors, EventError{Source: f.source, Err: f.err})
		default:
			if f.err != nil {
				res.Errors = append(res.Errors, EventError{Source: f.source, Err: f.err})
			}
			res.Hits = append(res.Hits, f.source)
			res.Rows = append(res.Rows, ScanRow{Fields: f.row, Sources: []string{f.source}})
		}
	}
}

// finish runs each Splunk search's pipeline over the events its base search
// passed.
func (s *scanner) finish() error {
	for ri, c := range s.rules {
		if c.Rule.Platform != ast.Splunk {
			continue
		}
		evs := s.splunk[ri]
		out, err := c.Run(evs, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Rule.File, err)
		}
		res := s.results[ri]
		for i, v := range out.Verdicts {
			if v.Err != nil {
				res.Errors = append(res.Errors, EventError{Source: evs[i].Source, Err: v.Err})
			}
			if v.Hit {
				res.Hits = append(res.Hits, evs[i].Source)
			}
		}
		for _, row := range out.Rows {
			r := ScanRow{Fields: row.Fields}
			for _, i := range row.Src {
				r.Sources = append(r.Sources, evs[i].Source)
			}
			res.Rows = append(res.Rows, r)
		}
		s.splunk[ri] = nil
	}
	return nil
}
