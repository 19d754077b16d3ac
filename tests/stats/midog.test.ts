import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { DatasetStats } from '../../src/stats/index.js';
import { real, runCli } from '../helpers.js';

const MIDOG = real('sliderunner-sqlite', 'midog_MIDOG.sqlite');

/**
 * The same numbers computed straight from the database with Python's sqlite3, without
 * slidepack: label rows per person, and Fleiss' kappa over each person's last vote (highest
 * label uid) per annotation, class 0 (no class) and the RetinaNet model left out.
 */
const PYTHON = `
import sqlite3, sys, json
db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
q = lambda sql: db.execute(sql).fetchall()
per_person = dict(q('''select p.name, count(*) from Annotations_label l
  join Persons p on p.uid = l.person group by p.name'''))
last = q('''select l.annoId, p.name, l.class from Annotations_label l
  join Persons p on p.uid = l.person
  where l.uid in (select max(uid) from Annotations_label group by annoId, person)''')
votes = {}
for anno, person, cls in last:
    if cls == 0 or person == 'RetinaNet':
        continue
    votes.setdefault(anno, []).append(cls)
subjects = [v for v in votes.values() if len(v) >= 2]
totals, total, sum_p = {}, 0, 0.0
for v in subjects:
    n = len(v)
    for c in set(v):
        k = v.count(c)
        totals[c] = totals.get(c, 0) + k
    sum_p += sum(v.count(c) * (v.count(c) - 1) for c in set(v)) / (n * (n - 1))
    total += n
p_bar = sum_p / len(subjects)
p_e = sum((t / total) ** 2 for t in totals.values())
print(json.dumps({
  'objects': q('select count(*) from Annotations')[0][0],
  'classes': q('select count(*) from Classes')[0][0],
  'perPerson': per_person,
  'subjects': len(subjects),
  'kappa': (p_bar - p_e) / (1 - p_e),
}))
`;

function python(): {
  objects: number;
  classes: number;
  perPerson: Record<string, number>;
  subjects: number;
  kappa: number;
} {
  const result = spawnSync('python3', ['-c', PYTHON, MIDOG], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('stats on midog_MIDOG.sqlite', () => {
  it("should report 4435 objects in 2 classes, votes per annotator, Fleiss' kappa", async () => {
    const result = await runCli(['stats', '--json', MIDOG]);
    expect(result.code, result.stderr).toBe(0);
    const stats = JSON.parse(result.stdout) as DatasetStats;
    const expected = python();

    expect(stats.objects).toBe(4435);
    expect(expected.objects).toBe(4435);
    expect(Object.keys(stats.byClass).sort()).toEqual(['mitotic figure', 'not mitotic figure']);
    expect(expected.classes).toBe(2);
    expect(stats.byClass).toEqual({ 'mitotic figure': 1721, 'not mitotic figure': 2714 });

    const labels = Object.fromEntries(stats.annotators.map((a) => [a.name, a.labels]));
    expect(labels).toEqual(expected.perPerson);
    expect(labels).toEqual({
      'expert 1': 4435,
      'expert 2': 4439,
      'expert 3': 925,
      RetinaNet: 1295,
    });

    const { fleiss, excluded } = stats.agreement;
    expect(excluded).toEqual(['RetinaNet']);
    expect(fleiss.subjects).toBe(expected.subjects);
    expect(fleiss.kappa).toBeCloseTo(expected.kappa, 12);
    expect(fleiss.kappa).toBeCloseTo(0.7083, 4);
  });

  it('should print the counts and the kappa for a person to read', async () => {
    const result = await runCli(['stats', MIDOG]);
    expect(result.stdout).toContain('4435 object(s) on 150 of 200 slide(s)');
    expect(result.stdout).toContain('annotator expert 3 (person): 925 label(s) on 925 object(s)');
    expect(result.stdout).toMatch(/Fleiss' kappa 0\.708 over 4435 object\(s\) with 2-3 raters/);
  });
});
