'use strict'
// Conformance adapter: Fastify with `@fastify/cors`, configured from the suite's
// neutral policy the way the plugin's README shows: `fastify.register(cors, options)`
// before the routes.

const { optionsOrExit, appStatus, main } = require('../node-common/adapter.js')

function about () {
  const fastify = require('fastify/package.json').version
  const cors = require('@fastify/cors/package.json').version
  return { name: 'fastify+@fastify/cors', version: cors, language: 'JavaScript', framework: `fastify ${fastify}` }
}

async function serve (policyFile) {
  const Fastify = require('fastify')
  const cors = require('@fastify/cors')
  const options = optionsOrExit(policyFile, '@fastify/cors')
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
      const status = appStatus(path)
      reply.code(status).type('text/plain')
      return status === 200 ? 'ok' : String(status)
    }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  console.log(`LISTENING ${app.server.address().port}`)
  process.on('SIGTERM', () => process.exit(0))
}

main(about, serve)
