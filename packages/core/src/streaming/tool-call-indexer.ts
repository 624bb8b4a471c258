/**
 * Gives each tool-call fragment of one choice a stable index (wire-formats §4 rule 1):
 * the fragment's own `index` when it has one, else the call already started for its non-empty `id`,
 * else a new call for a new `id`, else its position in the delta's array.
 */
export interface ToolCallIndexer {
  resolve(fragment: { index?: unknown; id?: unknown }, position: number): number
}

/**
 * @example
 * const indexer = createToolCallIndexer()
 * indexer.resolve({ id: 'a' }, 0) // 0
 * indexer.resolve({ id: 'b' }, 0) // 1
 */
export function createToolCallIndexer(): ToolCallIndexer {
  const byId = new Map<string, number>()
  let nextFree = 0
  return {
    resolve(fragment, position) {
      const id = typeof fragment.id === 'string' && fragment.id !== '' ? fragment.id : undefined
      let index: number
      if (typeof fragment.index === 'number' && Number.isInteger(fragment.index) && fragment.index >= 0)
        index = fragment.index
      else if (id !== undefined) index = byId.get(id) ?? nextFree
      else index = position
      if (id !== undefined && !byId.has(id)) byId.set(id, index)
      if (index >= nextFree) nextFree = index + 1
      return index
    },
  }
}
