import type { DatasheetFacts } from './facts.js';

/** Every slide in a split had a patient and a SHA-256 to compare. */
export function leakageComplete(facts: DatasheetFacts): boolean {
  const k = facts.leakageKeys;
  return k.slides > 0 && k.patient === k.slides && k.sha256 === k.slides;
}

/** The leakage result, saying which keys could be compared and which could not. */
export function leakageNote(facts: DatasheetFacts): string {
  if (facts.leaks) {
    const what = `${facts.leaks} patient, case or slide fingerprint(s)`;
    return `Leakage check: ${what} appear in more than one split.`;
  }
  const k = facts.leakageKeys;
  if (k.slides === 0)
    return 'Leakage check: no splits are declared, so there was nothing to check.';
  const keys = [
    { name: 'patient', known: k.patient, why: 'no subject lists one' },
    { name: 'case', known: k.case, why: 'no subject lists one' },
    { name: 'slide SHA-256', known: k.sha256, why: 'no slide file was read' },
  ];
  const checked = keys.filter((x) => x.known > 0);
  const unchecked = keys.filter((x) => x.known === 0).map((x) => `${x.name} (${x.why})`);
  const of = (n: number) => (n < k.slides ? ` (known for ${n} of ${k.slides} slides)` : '');
  if (checked.length === 0) {
    const missing = unchecked.join(', ');
    return `Leakage check: could not be checked for the ${k.slides} slides in splits: ${missing}.`;
  }
  const listed = checked.map((x) => `${x.name}${of(x.known)}`);
  const names =
    listed.length > 1 ? `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}` : listed[0];
  const rest = unchecked.length ? ` Not checked: ${unchecked.join(', ')}.` : '';
  return `Leakage check (measured): no ${names} appears in more than one split.${rest}`;
}
