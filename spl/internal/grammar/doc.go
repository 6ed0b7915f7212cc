// Package grammar holds the participle grammars of SPL. The structs here are a
// parse tree only: package spl lowers them to the shared AST, and nothing
// outside spl sees them.
//
// A search is split into pipeline stages first (Pipeline), then every stage of a
// supported command is parsed with the grammar of that command. Base-search terms
// and eval expressions need different lexers: in a search `a-b.c:*` is one value,
// in eval it is arithmetic and concatenation.
package grammar
