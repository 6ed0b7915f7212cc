// Package spl is concord's Splunk front end: it loads ESCU macros and detection
// files, expands macros, parses SPL searches and lowers them to the shared AST.
//
// The steps are textual, as in Splunk: Expand replaces macro calls and keeps a
// source map, the expanded text is split into pipeline stages, each supported
// stage is parsed with its participle grammar (internal/grammar) and lowered
// (lower*.go). Every node and error points into the detection file.
package spl
