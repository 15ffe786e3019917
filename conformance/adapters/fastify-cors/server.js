'use strict'
// Conformance adapter: Fastify with `@fastify/cors`, configured from the suite's
// neutral policy the way the plugin's README shows: `fastify.register(cors, options)`
// before the routes.

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

// The plugin writes Access-Control-Allow-Methods verbatim and has no wildcard of
// its own: a literal "*" is a wildcard to browsers only without credentials.
function methodsOption (policy) {
  const methods = policy.methods || []
  if (methods.includes('*') && policy.credentials) {
    throw new Unsupported('@fastify/cors cannot allow any method on credentialed requests (it sends the list verbatim and has no reflection of the requested method)')
  }
  return methods.includes('*') ? '*' : methods
}

function corsOptions (policy) {
  if (policy.private_network) throw new Unsupported('@fastify/cors has no private-network preflight option')
  if (policy.write_guard) throw new Unsupported('@fastify/cors has no write guard (it only adds headers; it refuses no request)')
  const options = {
    origin: originOption(policy),
    methods: methodsOption(policy),
    credentials: Boolean(policy.credentials)
  }
  const headers = policy.headers || []
  // Leaving `allowedHeaders` unset makes the plugin reflect Access-Control-Request-Headers.
  if (!headers.includes('*')) options.allowedHeaders = headers
  if ((policy.expose_headers || []).length > 0) options.exposedHeaders = policy.expose_headers
  if (policy.max_age !== undefined && policy.max_age !== null) options.maxAge = policy.max_age
  return options
}

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
    options = corsOptions(policy)
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
