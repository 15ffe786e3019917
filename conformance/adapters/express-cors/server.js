'use strict'
// Conformance adapter: Express with the `cors` middleware, configured from the
// suite's neutral policy the way the `cors` README shows: one `app.use(cors(options))`
// in front of every route.

const fs = require('fs')

const { Unsupported, corsOptions } = require('../node-common/cors-options.js')

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
    options = corsOptions(policy, 'cors')
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
