'use strict'
// Conformance adapter: Fastify with `@fastify/cors`, configured from the suite's
// neutral policy the way the plugin's README shows: `fastify.register(cors, options)`
// before the routes.

const fs = require('fs')

const { Unsupported, corsOptions } = require('../node-common/cors-options.js')

function about () {
  const fastify = require('fastify/package.json').version
  const cors = require('@fastify/cors/package.json').version
  console.log(JSON.stringify({ name: 'fastify+@fastify/cors', version: cors, language: 'JavaScript', framework: `fastify ${fastify}` }))
}

async function serve (policyFile) {
  const Fastify = require('fastify')
  const cors = require('@fastify/cors')
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8'))
  let options
  try {
    options = corsOptions(policy, '@fastify/cors')
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e
    console.log(`UNSUPPORTED ${e.message}`)
    process.exit(3)
  }
  const app = Fastify()
  // The app behind CORS accepts any body (the suite's app answers every request 200).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => done(null, body))
  await app.register(cors, options)
  // OPTIONS is the plugin's own route; the app answers every other method.
  app.route({
    method: app.supportedMethods.filter((m) => m !== 'OPTIONS'),
    url: '/*',
    handler: async (req, reply) => {
      const path = req.url.split('?')[0]
      const status = { '/status/404': 404, '/status/500': 500 }[path] || 200
      reply.code(status).type('text/plain')
      return status === 200 ? 'ok' : String(status)
    }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  console.log(`LISTENING ${app.server.address().port}`)
  process.on('SIGTERM', () => process.exit(0))
}

if (process.argv[2] === '--about') about()
else if (process.argv[2]) serve(process.argv[2]).catch((e) => { console.error(e); process.exit(1) })
else {
  console.error('usage: serve <policy.json> | serve --about')
  process.exit(2)
}
