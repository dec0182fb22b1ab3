package store

import "errors"

// ErrExists: a user of that name exists already.
var ErrExists = errors.New("exists already")

// ErrNotFound: no such user, session, token, organisation or document.
var ErrNotFound = errors.New("not found")

// ErrNotStatement: an assessment of a document that is not a statement,
// which the register never records as one.
var ErrNotStatement = errors.New("not a statement")

// ErrTooNew: the register was written by a newer s54.
var ErrTooNew = errors.New("the register was written by a newer version of s54")

// ErrBadFilter: a register filter or order that does not exist (a status,
// rating, scope or sort key misspelt).
var ErrBadFilter = errors.New("no such filter")
