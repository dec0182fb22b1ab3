package index

import "errors"

// ErrBusy: another s54 process has the index open.
var ErrBusy = errors.New("the index is in use by another s54 process (a crawl or s54 serve); try again when it is done")

// ErrOldMapping: the index was made by an older s54, whose mapping or
// analyser differs; s54 index rebuild (pipeline.Rebuild) makes it again
// from the register.
var ErrOldMapping = errors.New("the search index was made by an older s54: s54 index rebuild makes it again")

// ErrQuery is a query that cannot be read; its message says why.
var ErrQuery = errors.New("cannot read the query")
