package stream

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

type input struct {
	path    string // what to open; "-" is stdin
	display string
	err     error // why the path cannot be read; reported in its turn
}

// eventExts are the names a directory walk reads (each also with .gz). Explicit
// file paths are read whatever their name.
var eventExts = []string{".json", ".jsonl", ".ndjson", ".log", ".txt"}

// IsEventFile reports whether a directory walk reads a file of this name.
func IsEventFile(name string) bool {
	name = strings.ToLower(name)
	name = strings.TrimSuffix(name, ".gz")
	for _, ext := range eventExts {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// expand lists the files paths stand for, with the sum of their sizes (-1 when
// some size is unknown).
func expand(paths []string) ([]input, int64) {
	var ins []input
	var total int64
	add := func(path string, size int64, err error) {
		d := DisplayPath(path)
		if path == "-" {
			d = "<stdin>"
		}
		ins = append(ins, input{path: path, display: d, err: err})
		if total >= 0 && err == nil {
			if size < 0 {
				total = -1
			} else {
				total += size
			}
		}
	}
	for _, p := range paths {
		if p == "-" {
			add(p, -1, nil)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			add(p, 0, err)
			continue
		}
		if !fi.IsDir() {
			add(p, sizeOf(fi), nil)
			continue
		}
		filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				// An unreadable directory: report it, read the rest.
				add(path, 0, err)
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !IsEventFile(d.Name()) {
				return nil
			}
			fi, err := os.Stat(path) // follows a symlink
			if err != nil {
				add(path, 0, err)
				return nil
			}
			if fi.Mode().IsRegular() {
				add(path, fi.Size(), nil)
			}
			return nil
		})
	}
	return ins, total
}

// sizeOf is a file's size, -1 for pipes and devices whose length is not known.
func sizeOf(fi fs.FileInfo) int64 {
	if fi.Mode().IsRegular() {
		return fi.Size()
	}
	return -1
}

// DisplayPath shows an absolute path relative to the working directory, so
// reports name files the way the user wrote them.
func DisplayPath(path string) string {
	if !filepath.IsAbs(path) {
		return path
	}
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil {
		return rel
	}
	return path
}
