package sourcetype

import (
	"fmt"
	"sort"
	"sync"
)

// Registry is the knowledge a search sees: concord's built-in sourcetypes, then
// whatever installed add-ons were loaded on top (LoadAddon). It is safe for
// concurrent use; load add-ons before running searches, since a sourcetype's
// knowledge is looked up when its events are viewed.
type Registry struct {
	mu      sync.RWMutex
	builtin map[string]*SourceType
	types   map[string]*SourceType
	addons  []*Addon
	props   map[string]*mergedStanza // add-on props.conf stanzas per sourcetype, layered across add-ons
	tagging *tagging                 // the add-ons' eventtypes and tags, for every sourcetype
}

// NewRegistry returns a registry holding concord's built-in knowledge only.
func NewRegistry() (*Registry, error) {
	builtin, err := loadBuiltin()
	if err != nil {
		return nil, err
	}
	r := &Registry{builtin: builtin, types: map[string]*SourceType{}, props: map[string]*mergedStanza{}, tagging: &tagging{}}
	for n, st := range builtin {
		st.tagging = r.tagging
		r.types[n] = st
	}
	return r, nil
}

var (
	stdOnce sync.Once
	stdReg  *Registry
	stdErr  error
)

// Default is the registry the package-level functions use: the built-in
// knowledge plus the add-ons loaded with the package-level LoadAddon.
func Default() (*Registry, error) {
	stdOnce.Do(func() { stdReg, stdErr = NewRegistry() })
	return stdReg, stdErr
}

// ResetDefault drops the add-ons loaded into the Default registry, so that one
// process can run several independent invocations (the CLI's tests do).
func ResetDefault() {
	stdOnce = sync.Once{}
	stdReg, stdErr = nil, nil
}

// Lookup returns the knowledge for a sourcetype. An unknown sourcetype gets the
// raw JSON fields only, with Known false so callers can warn.
func (r *Registry) Lookup(name string) *SourceType {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if st, ok := r.types[name]; ok {
		return st
	}
	return &SourceType{Name: name, Source: name, kvJSON: true, tagging: r.tagging}
}

// IsKnown reports whether the registry has search-time knowledge for a sourcetype.
func (r *Registry) IsKnown(name string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.types[name]
	return ok
}

// Names lists the known sourcetypes, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.types))
	for n := range r.types {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Addons lists the add-ons loaded so far, in load order.
func (r *Registry) Addons() []*Addon {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Addon(nil), r.addons...)
}

// Lookup returns the knowledge for a sourcetype in the Default registry.
func Lookup(name string) (*SourceType, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.Lookup(name), nil
}

// IsKnown reports whether the Default registry knows a sourcetype.
func IsKnown(name string) bool {
	r, err := Default()
	return err == nil && r.IsKnown(name)
}

// Names lists the sourcetypes the Default registry knows, sorted.
func Names() []string {
	r, err := Default()
	if err != nil {
		return nil
	}
	return r.Names()
}

// Addons lists the add-ons loaded into the Default registry.
func Addons() []*Addon {
	r, err := Default()
	if err != nil {
		return nil
	}
	return r.Addons()
}

// UnknownWarning is the message for a sourcetype without knowledge.
func UnknownWarning(name string) string {
	return fmt.Sprintf("warning: unknown sourcetype %s: fields are the raw JSON keys only", name)
}

// Warnings hands out UnknownWarning once per sourcetype; safe for concurrent use.
// Its zero value asks the Default registry; set Registry to ask another.
type Warnings struct {
	Registry *Registry
	mu       sync.Mutex
	seen     map[string]bool
}

// Check returns the warning for name the first time an unknown sourcetype is
// seen, and ok false for a known one or one already warned about.
func (w *Warnings) Check(name string) (msg string, ok bool) {
	known := false
	if w.Registry != nil {
		known = w.Registry.IsKnown(name)
	} else {
		known = IsKnown(name)
	}
	if known {
		return "", false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen[name] {
		return "", false
	}
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	w.seen[name] = true
	return UnknownWarning(name), true
}
