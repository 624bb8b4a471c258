/**
 * Gives each tool-call fragment of one choice a stable index (wire-formats §4 rule 1):
 * the fragment's own `index` when it has one, else the call already started for its non-empty `id`,
 * else a new call for a new `id`, else its position in the delta's array. A fragment whose `index`
 * is already taken by a call with another id starts a new call (servers that send every parallel
 * call as index 0 with distinct ids); later fragments without an id follow the latest call there.
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
  // The server's index -> ours, and the id of the call at each of ours.
  const remapped = new Map<number, number>()
  const idAt = new Map<number, string>()
  let nextFree = 0
  return {
    resolve(fragment, position) {
      const id = typeof fragment.id === 'string' && fragment.id !== '' ? fragment.id : undefined
      let index: number
      if (typeof fragment.index === 'number' && Number.isInteger(fragment.index) && fragment.index >= 0) {
        const known = id === undefined ? undefined : byId.get(id)
        if (known !== undefined) index = known
        else {
          index = remapped.get(fragment.index) ?? fragment.index
          const taken = idAt.get(index)
          if (id !== undefined && taken !== undefined && taken !== id) {
            index = nextFree
            remapped.set(fragment.index, index)
          }
        }
      } else if (id !== undefined) index = byId.get(id) ?? nextFree
      else index = position
      if (id !== undefined && !byId.has(id)) {
        byId.set(id, index)
        idAt.set(index, id)
      }
      if (index >= nextFree) nextFree = index + 1
      return index
    },
  }
}
