'use strict'
// The neutral policy as options of Express's `cors` and Fastify's
// `@fastify/cors`, which take the same option names (`origin`, `methods`,
// `allowedHeaders`, `exposedHeaders`, `credentials`, `maxAge`): one mapping
// for both adapters. `lib` names the library in UNSUPPORTED messages.

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

// Both libraries write Access-Control-Allow-Methods verbatim and have no wildcard
// of their own: a literal "*" is a wildcard to browsers only without credentials.
function methodsOption (policy, lib) {
  const methods = policy.methods || []
  if (methods.includes('*') && policy.credentials) {
    throw new Unsupported(`${lib} cannot allow any method on credentialed requests (it sends the list verbatim and has no reflection of the requested method)`)
  }
  return methods.includes('*') ? '*' : methods
}

function corsOptions (policy, lib) {
  if (policy.private_network) throw new Unsupported(`${lib} has no private-network preflight option`)
  if (policy.write_guard) throw new Unsupported(`${lib} has no write guard (it only adds headers; it refuses no request)`)
  const options = {
    origin: originOption(policy),
    methods: methodsOption(policy, lib),
    credentials: Boolean(policy.credentials)
  }
  const headers = policy.headers || []
  // Leaving `allowedHeaders` unset makes either library reflect
  // Access-Control-Request-Headers.
  if (!headers.includes('*')) options.allowedHeaders = headers
  if ((policy.expose_headers || []).length > 0) options.exposedHeaders = policy.expose_headers
  if (policy.max_age !== undefined && policy.max_age !== null) options.maxAge = policy.max_age
  return options
}

module.exports = { Unsupported, corsOptions }
