'use strict'
// What the Node conformance adapters share: the protocol's edges. Reading the
// neutral policy and answering UNSUPPORTED (exit 3), the command line
// (`serve <policy.json>` or `serve --about`), and the suite's app's status
// for a path. Each adapter keeps only its framework's server.

const fs = require('fs')

const { Unsupported, corsOptions } = require('./cors-options.js')

// The options for the policy in `policyFile`, named for `lib`; when `lib`
// cannot express the policy, prints `UNSUPPORTED <why>` and exits 3.
function optionsOrExit (policyFile, lib) {
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8'))
  try {
    return corsOptions(policy, lib)
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e
    console.log(`UNSUPPORTED ${e.message}`)
    process.exit(3)
  }
}

// The suite's app: 404 and 500 on their paths, 200 everywhere else.
function appStatus (path) {
  return { '/status/404': 404, '/status/500': 500 }[path] || 200
}

// `--about` prints `about()` as one JSON line; one argument is the policy
// file `serve` (which may be async) serves until killed.
function main (about, serve) {
  const args = process.argv.slice(2)
  if (args.length === 1 && args[0] === '--about') {
    console.log(JSON.stringify(about()))
  } else if (args.length === 1) {
    Promise.resolve()
      .then(() => serve(args[0]))
      .catch((e) => { console.error(e); process.exit(1) })
  } else {
    console.error('usage: serve <policy.json> | serve --about')
    process.exit(2)
  }
}

module.exports = { optionsOrExit, appStatus, main }
