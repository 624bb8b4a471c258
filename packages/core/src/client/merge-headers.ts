/**
 * Header names are case-insensitive: `Authorization` and `authorization` are one header. The
 * library sets its own (the credential header above all) in lower case after these, so the one it
 * sets wins and is sent once.
 * @example
 * lowerCaseHeaders({ 'X-Tenant': 'a' }) // { 'x-tenant': 'a' }
 */
export function lowerCaseHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {}
  if (headers !== undefined)
    for (const name of Object.keys(headers)) result[name.toLowerCase()] = headers[name]!
  return result
}

/**
 * Merges header maps, later ones winning, names compared case-insensitively. Sources already in
 * lower case (the client's, resolved once) are copied as they are.
 * @example
 * mergeHeaders([{ authorization: 'a' }], [{ Authorization: 'b' }]) // { authorization: 'b' }
 */
export function mergeHeaders(
  lowerCased: ReadonlyArray<Record<string, string> | undefined>,
  given: ReadonlyArray<Record<string, string> | undefined>,
): Record<string, string> {
  const result: Record<string, string> = {}
  for (const headers of lowerCased) if (headers !== undefined) Object.assign(result, headers)
  for (const headers of given)
    if (headers !== undefined)
      for (const name of Object.keys(headers)) result[name.toLowerCase()] = headers[name]!
  return result
}
