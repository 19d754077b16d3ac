import type { DatasetStats } from './index.js';

function fixed(value: number | null, digits = 3): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

/** Statistics as lines for a terminal; `--json` prints everything, the table included. */
export function formatStats(stats: DatasetStats): string[] {
  const lines = [
    `${stats.objects} object(s) on ${stats.annotatedSlides} of ${stats.slides} slide(s)`,
    `classes: ${counts(stats.byClass)}`,
    `splits: ${counts(stats.bySplit)}`,
  ];
  for (const a of stats.annotators) {
    lines.push(
      `annotator ${a.name} (${a.kind}): ${a.labels} label(s) on ${a.objects} object(s); ` +
        `${counts(a.byClass)}`,
    );
  }
  for (const [domain, values] of Object.entries(stats.domains)) {
    const text = values.map((v) => `${v.value} (${v.slides} slides, ${v.objects} objects)`);
    lines.push(`${domain}: ${text.join('; ')}`);
  }
  lines.push(...agreementLines(stats));
  return lines;
}

function agreementLines(stats: DatasetStats): string[] {
  const { fleiss, pairwise, detection, excluded } = stats.agreement;
  const lines: string[] = [];
  if (excluded.length) lines.push(`agreement leaves out model annotators: ${excluded.join(', ')}`);
  if (fleiss.subjects > 0) {
    lines.push(
      `Fleiss' kappa ${fixed(fleiss.kappa)} over ${fleiss.subjects} object(s) with ` +
        `${fleiss.raters.min}-${fleiss.raters.max} raters (observed ${fixed(fleiss.observed)}, ` +
        `chance ${fixed(fleiss.expected)})`,
    );
  }
  for (const p of pairwise) {
    lines.push(`Cohen's kappa ${p.a} / ${p.b}: ${fixed(p.kappa)} over ${p.objects} object(s)`);
  }
  for (const d of detection) {
    lines.push(
      `detection ${d.test} against ${d.reference} (radius ${d.radius} px): ` +
        `${d.matched} matched, precision ${fixed(d.precision)}, recall ${fixed(d.recall)}, ` +
        `F1 ${fixed(d.f1)}`,
    );
  }
  return lines;
}
