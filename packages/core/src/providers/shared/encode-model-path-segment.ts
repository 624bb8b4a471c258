import { InvalidArgumentError } from '../../errors/errors.js'

/**
 * A model id (or deployment name) as one URL path segment: percent-encoded, and refused when it
 * could never be one (`/`, `.`, `..`), so `../`, `?` or `#` in a model name cannot send the key to
 * another endpoint of the provider.
 * @example encodeModelPathSegment('gemini-2.5-flash') // 'gemini-2.5-flash'
 */
export function encodeModelPathSegment(model: string, provider: string): string {
  if (model === '' || model === '.' || model === '..' || model.includes('/'))
    throw new InvalidArgumentError(`${JSON.stringify(model.slice(0, 100))} is not a ${provider} model id`, {
      field: 'model',
    })
  return encodeURIComponent(model)
}
