/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
  }[]
  /** Microseconds on the monotonic clock `process.hrtime` reads. */
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface SummarizeOptions {
  /** How many functions to list. Default 15. */
  top?: number
  /** Only samples taken in this window (`process.hrtime` microseconds). Default the whole profile. */
  window?: { fromUs: number; toUs: number }
}

export interface SelfTimeEntry {
  functionName: string
  /** `file:line` with the file relative to the repository (or to its package in node_modules). */
  location: string
  area: string
  selfMs: number
  /** Of all sampled time, idle included. */
  percentOfTotal: number
  /** Of the time the thread was not idle. */
  percentOfBusy: number
}

export interface ProfileSummary {
  totalMs: number
  idleMs: number
  functions: SelfTimeEntry[]
  areas: { area: string; selfMs: number; percentOfBusy: number }[]
}

/** Shortens a script URL so the summary names no machine path. */
export function shortLocation(url: string, repoRoot: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url
  const modules = path.lastIndexOf('/node_modules/')
  if (modules !== -1) return path.slice(modules + '/node_modules/'.length)
  const root = repoRoot.endsWith('/') ? repoRoot : `${repoRoot}/`
  return path.startsWith(root) ? path.slice(root.length) : path
}

function areaOf(functionName: string, location: string): string {
  if (functionName === '(garbage collector)') return 'garbage collector'
  if (functionName === '(idle)' || functionName === '(program)') return functionName.slice(1, -1)
  if (location === '') return 'V8 builtins and native'
  if (location.startsWith('node:')) return 'Node internals'
  if (location.startsWith('undici/') || location.startsWith('wasm://')) return 'undici'
  if (location.startsWith('packages/core/')) return 'llm-session core'
  if (location.startsWith('bench/')) return 'bench harness'
  return 'other'
}

/**
 * Self time per function (name + file:line), summed over every node of the call tree that is that
 * function. A sample lasts until the next one, so sample i gets timeDeltas[i + 1]; wasm code is
 * undici's HTTP parser (llhttp).
 */
export function summarizeProfile(
  profile: CpuProfile,
  repoRoot: string,
  options: SummarizeOptions = {},
): ProfileSummary {
  const { top = 15, window } = options
  const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))
  const selfUs = new Map<string, { functionName: string; location: string; us: number }>()
  let totalUs = 0
  let at = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0
    if (window !== undefined && (at < window.fromUs || at > window.toUs)) continue
    const us = profile.timeDeltas[i + 1] ?? 0
    const frame = frameOf.get(profile.samples[i]!)
    if (frame === undefined || us <= 0) continue
    totalUs += us
    const file = shortLocation(frame.url, repoRoot)
    const location = file === '' ? '' : `${file}:${frame.lineNumber + 1}`
    const functionName = frame.functionName || '(anonymous)'
    const key = `${functionName} ${location}`
    const entry = selfUs.get(key) ?? { functionName, location, us: 0 }
    entry.us += us
    selfUs.set(key, entry)
  }
  const idleUs = [...selfUs.values()].find((e) => e.functionName === '(idle)')?.us ?? 0
  const busyUs = Math.max(1, totalUs - idleUs)
  const areas = new Map<string, number>()
  for (const entry of selfUs.values()) {
    const area = areaOf(entry.functionName, entry.location)
    if (area !== 'idle') areas.set(area, (areas.get(area) ?? 0) + entry.us)
  }
  const functions = [...selfUs.values()]
    .filter((e) => e.functionName !== '(idle)')
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      functionName: e.functionName,
      location: e.location,
      area: areaOf(e.functionName, e.location),
      selfMs: e.us / 1000,
      percentOfTotal: (100 * e.us) / Math.max(1, totalUs),
      percentOfBusy: (100 * e.us) / busyUs,
    }))
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    functions,
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, selfMs: us / 1000, percentOfBusy: (100 * us) / busyUs })),
  }
}
