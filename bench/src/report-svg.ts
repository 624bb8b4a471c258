import type { LoadScenarioResult } from './run-load-scenarios.js'

const colors = ['#555555', '#c92a2a', '#d9480f', '#868e96', '#1971c2', '#2f9e44', '#7048e8']
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * A grouped horizontal bar chart, hand-written SVG: throughput and CPU per request of each contender
 * relative to raw undici (1.0, the dashed line), one group per scenario.
 */
export function renderChart(scenarios: LoadScenarioResult[], subtitle: string): string {
  const barHeight = 14
  const labelWidth = 220
  const panelWidth = 300
  const gap = 40
  const width = labelWidth + 2 * panelWidth + gap + 60
  const groupHeight = (n: number) => n * (barHeight + 3) + 28
  const panels = [
    { title: 'throughput, x raw undici (higher is better)', key: 'requestsPerSecond' as const },
    { title: 'CPU per request, x raw undici (lower is better)', key: 'cpuUsPerRequest' as const },
  ]
  const max = (key: 'requestsPerSecond' | 'cpuUsPerRequest') =>
    Math.max(
      1.2,
      ...scenarios.flatMap((s) => s.contenders.map((c) => c.ratioToUndici[key]).filter(Number.isFinite)),
    )
  const scales = panels.map((p) => panelWidth / max(p.key))
  const parts: string[] = []
  let y = 64
  for (const scenario of scenarios) {
    parts.push(`<text x="10" y="${y + 12}" font-weight="bold">${escapeXml(scenario.title)}</text>`)
    y += 20
    scenario.contenders.forEach((c, i) => {
      const by = y + i * (barHeight + 3)
      parts.push(`<text x="${labelWidth - 6}" y="${by + 11}" text-anchor="end">${escapeXml(c.label)}</text>`)
      panels.forEach((panel, p) => {
        const x0 = labelWidth + p * (panelWidth + gap)
        const value = c.ratioToUndici[panel.key]
        const w = Number.isFinite(value) ? Math.max(1, value * scales[p]!) : 0
        parts.push(
          `<rect x="${x0}" y="${by}" width="${w.toFixed(1)}" height="${barHeight}" fill="${colors[i % colors.length]}"/>`,
        )
        parts.push(
          `<text x="${(x0 + w + 4).toFixed(1)}" y="${by + 11}">${Number.isFinite(value) ? value.toFixed(2) : '-'}</text>`,
        )
      })
    })
    // The practical limit (undici dispatch with a minimal handler) as a line across the group.
    const limit = scenario.contenders.find((c) => c.id === 'undici-dispatch')
    if (limit !== undefined)
      panels.forEach((panel, p) => {
        const value = limit.ratioToUndici[panel.key]
        if (!Number.isFinite(value)) return
        const x = labelWidth + p * (panelWidth + gap) + value * scales[p]!
        const bottom = y + scenario.contenders.length * (barHeight + 3)
        parts.push(
          `<line x1="${x.toFixed(1)}" y1="${y - 2}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#c92a2a" stroke-width="1.5"/>`,
        )
      })
    y += groupHeight(scenario.contenders.length) - 20
  }
  const height = y + 10
  const guides = panels.map((panel, p) => {
    const x0 = labelWidth + p * (panelWidth + gap)
    const x1 = x0 + scales[p]!
    return [
      `<text x="${x0}" y="52" font-weight="bold">${escapeXml(panel.title)}</text>`,
      `<line x1="${x1.toFixed(1)}" y1="58" x2="${x1.toFixed(1)}" y2="${height - 10}" stroke="#000" stroke-dasharray="3,3"/>`,
    ].join('\n')
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">llm-session benchmarks: ratios to raw undici on one shared Agent</text>`,
    `<text x="${width - 10}" y="20" text-anchor="end" fill="#c92a2a">red line: undici dispatch limit</text>`,
    `<text x="10" y="36" fill="#555">${escapeXml(subtitle)}</text>`,
    ...guides,
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}
