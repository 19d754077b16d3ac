import type { DatasetStats } from '../stats/index.js';

function fixed(value: number | null, digits = 3): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)} %`;
}

function raters(min: number, max: number): string {
  return min === max ? `${min} rater${min === 1 ? '' : 's'}` : `${min}–${max} raters`;
}

/** The agreement figures of the dataset statistics as sentences for the datasheet. */
export function agreementLines(stats: DatasetStats): string[] {
  const { fleiss, pairwise, detection, excluded } = stats.agreement;
  const lines: string[] = [];
  if (fleiss.subjects > 0) {
    lines.push(
      `Fleiss' κ ${fixed(fleiss.kappa)} over ${fleiss.subjects} objects with ` +
        `${raters(fleiss.raters.min, fleiss.raters.max)} each ` +
        `(observed agreement ${percent(fleiss.observed)}, chance ${percent(fleiss.expected)}).`,
    );
  }
  for (const p of pairwise) {
    lines.push(
      `${p.a} vs ${p.b}: ${p.objects} objects labelled by both, same class on ` +
        `${percent(p.observed)}, Cohen's κ ${fixed(p.kappa)}.`,
    );
  }
  for (const d of detection) {
    lines.push(
      `Detection ${d.test} against ${d.reference} (radius ${d.radius} px): ${d.matched} matched, ` +
        `precision ${fixed(d.precision)}, recall ${fixed(d.recall)}, F1 ${fixed(d.f1)}.`,
    );
  }
  if (excluded.length && lines.length) {
    lines.push(`Model annotators left out of the agreement figures: ${excluded.join(', ')}.`);
  }
  return lines;
}
