// Package sandbox is a faithful local stand-in for the Onlinewerkrooster
// Customers API.
//
// The real API cannot be reached from build machines, and consultants need a
// safe place to rehearse a migration, so everything in owr-import is built and
// tested against this package. It answers POST /api/customers the way the real
// service does (the same headers, validation, 401, 409 with an error code, the
// same success body), keeps customers in SQLite (modernc.org/sqlite, pure Go, so
// the tool still cross-compiles without cgo) with uniqueness enforced by the
// database, keeps its keys in the same file so they survive a restart, and can misbehave on purpose: latency, 500s, Heroku-style 503 HTML
// pages, 429 throttling, dropped connections and hung requests, all drawn from
// a seeded generator so a failing test can be replayed. It can also be given
// a capacity (a queue served at a rate that can change while it runs), so an
// adaptive client can be rehearsed against latency that grows with the load.
//
// Behaviour (Handler) and lifecycle (Server) are separate so tests can mount the
// handler anywhere while `owr-import sandbox` and `run --sandbox` use Start.
//
// The package must never import the importer: it plays the other side of the
// wire, and sharing code would hide contract mismatches.
package sandbox
