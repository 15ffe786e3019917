'use strict'
// Conformance adapter: Express with the `cors` middleware, configured from the
// suite's neutral policy the way the `cors` README shows: one `app.use(cors(options))`
// in front of every route.

const { optionsOrExit, appStatus, main } = require('../node-common/adapter.js')

function about () {
  const express = require('express/package.json').version
  const cors = require('cors/package.json').version
  return { name: 'express+cors', version: cors, language: 'JavaScript', framework: `express ${express}` }
}

function serve (policyFile) {
  const express = require('express')
  const cors = require('cors')
  const options = optionsOrExit(policyFile, 'cors')
  const app = express()
  app.use(cors(options))
  app.use((req, res) => {
    const status = appStatus(req.path)
    res.status(status).type('text/plain').send(status === 200 ? 'ok' : String(status))
  })
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`LISTENING ${server.address().port}`)
  })
  process.on('SIGTERM', () => process.exit(0))
}

main(about, serve)
