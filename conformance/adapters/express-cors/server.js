'use strict'
// Conformance adapter: Express with the `cors` middleware, configured from the
// suite's neutral policy the way the `cors` README shows: one `app.use(cors(options))`
// in front of every route.

const fs = require('fs')

class Unsupported extends Error {}

// "*" in a neutral origin pattern stands for one or more DNS labels.
function patternToRegExp (pattern) {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  return new RegExp('^' + escaped.join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*') + '$')
}

// `origin`: '*' for any origin; one exact origin as a string (the README's
// single-origin setup); otherwise an array of strings and RegExps.
function originOption (policy) {
  const origins = policy.origins || []
  const patterns = (policy.origin_patterns || []).map(patternToRegExp)
  if (origins.includes('*')) return '*'
  if (origins.length === 1 && patterns.length === 0) return origins[0]
  return [...origins, ...patterns]
}

// `cors` writes Access-Control-Allow-Methods verbatim and has no wildcard of its
// own: a literal "*" is a wildcard to browsers only on requests without credentials.
function methodsOption (policy) {
  const methods = policy.methods || []
  if (methods.includes('*') && policy.credentials) {
    throw new Unsupported('cors cannot allow any method on credentialed requests (it sends the list verbatim and has no reflection of the requested method)')
  }
  return methods.includes('*') ? '*' : methods
}

function corsOptions (policy) {
  if (policy.private_network) throw new Unsupported('cors has no private-network preflight option')
  if (policy.write_guard) throw new Unsupported('cors has no write guard (it only adds headers; it refuses no request)')
  const options = {
    origin: originOption(policy),
    methods: methodsOption(policy),
    credentials: Boolean(policy.credentials)
  }
  const headers = policy.headers || []
  // Leaving `allowedHeaders` unset makes cors reflect Access-Control-Request-Headers.
  if (!headers.includes('*')) options.allowedHeaders = headers
  if ((policy.expose_headers || []).length > 0) options.exposedHeaders = policy.expose_headers
  if (policy.max_age !== undefined && policy.max_age !== null) options.maxAge = policy.max_age
  return options
}

function about () {
  const express = require('express/package.json').version
  const cors = require('cors/package.json').version
  console.log(JSON.stringify({ name: 'express+cors', version: cors, language: 'JavaScript', framework: `express ${express}` }))
}

function serve (policyFile) {
  const express = require('express')
  const cors = require('cors')
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8'))
  let options
  try {
    options = corsOptions(policy)
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e
    console.log(`UNSUPPORTED ${e.message}`)
    process.exit(3)
  }
  const app = express()
  app.use(cors(options))
  app.use((req, res) => {
    const status = { '/status/404': 404, '/status/500': 500 }[req.path] || 200
    res.status(status).type('text/plain').send(status === 200 ? 'ok' : String(status))
  })
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`LISTENING ${server.address().port}`)
  })
  process.on('SIGTERM', () => process.exit(0))
}

if (process.argv[2] === '--about') about()
else if (process.argv[2]) serve(process.argv[2])
else {
  console.error('usage: serve <policy.json> | serve --about')
  process.exit(2)
}
