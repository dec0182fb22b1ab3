package index

import "errors"

// ErrBusy: another s54 process has the index open.
var ErrBusy = errors.New("the index is in use by another s54 process (a crawl or s54 serve); try again when it is done")

// ErrQuery is a query that cannot be read; its message says why.
var ErrQuery = errors.New("cannot read the query")
