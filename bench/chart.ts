/**
 * Throughput against size as a standalone SVG: log-log axes, one line (and its points) per
 * contender, a legend beside the plot. Written by hand so that the docs need no plotting package.
 */

export interface Series {
  readonly label: string;
  /** [elements per call, elements per second]. */
  readonly points: readonly (readonly [number, number])[];
  /** A memory reference (copy, write): drawn thin, grey and dashed, so it reads as a ceiling. */
  readonly reference?: boolean;
}

const WIDTH = 880;
const HEIGHT = 420;
const PLOT = { left: 72, top: 40, right: 560, bottom: 360 };
// Distinct on screen and in grey print: colour, then dash pattern.
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#000000'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const decadeLabel = (exponent: number) => (exponent >= 0 && exponent <= 3 ? String(10 ** exponent) : `1e${exponent}`);

export function throughputChart(title: string, series: readonly Series[], unit = 'elements/s'): string {
  const drawn = series.filter((s) => s.points.length > 0);
  const xs = drawn.flatMap((s) => s.points.map(([x]) => Math.log10(x)));
  const ys = drawn.flatMap((s) => s.points.map(([, y]) => Math.log10(y)));
  // Sizes span the data with a little margin (1.6e7 need not stretch the axis to 1e8); ticks at whole decades inside.
  const [xMin, xMax] = [Math.min(...xs) - 0.15, Math.max(...xs) + 0.15];
  const [yMin, yMax] = [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))];
  const x = (value: number) => PLOT.left + ((Math.log10(value) - xMin) / Math.max(xMax - xMin, 1)) * (PLOT.right - PLOT.left);
  const y = (value: number) => PLOT.bottom - ((Math.log10(value) - yMin) / Math.max(yMax - yMin, 1)) * (PLOT.bottom - PLOT.top);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PLOT.left}" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let e = Math.ceil(xMin); e <= xMax; e++) {
    const at = x(10 ** e);
    parts.push(`<line x1="${at}" y1="${PLOT.top}" x2="${at}" y2="${PLOT.bottom}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${at}" y="${PLOT.bottom + 18}" text-anchor="middle">${decadeLabel(e)}</text>`);
  }
  for (let e = yMin; e <= yMax; e++) {
    const at = y(10 ** e);
    parts.push(`<line x1="${PLOT.left}" y1="${at}" x2="${PLOT.right}" y2="${at}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${PLOT.left - 6}" y="${at + 4}" text-anchor="end">1e${e}</text>`);
  }
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 22}" text-anchor="middle">elements per call (log scale)</text>`);
  parts.push(
    `<text transform="translate(18 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle">throughput, ${escape(unit)} (log scale; higher is better)</text>`,
  );

  let contender = 0;
  drawn.forEach((s, i) => {
    const colour = s.reference ? '#888888' : COLOURS[contender % COLOURS.length]!;
    const dash = s.reference ? '4 4' : DASHES[contender % DASHES.length]!;
    if (!s.reference) contender++;
    const points = [...s.points].sort(([p], [q]) => p - q);
    const path = points.map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    for (const [px, py] of points) parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${colour}"/>`);
    const legendY = PLOT.top + 8 + i * 20;
    parts.push(`<line x1="${PLOT.right + 16}" y1="${legendY}" x2="${PLOT.right + 44}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    parts.push(`<text x="${PLOT.right + 50}" y="${legendY + 4}">${escape(s.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
