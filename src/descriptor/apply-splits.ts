import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { openOutput } from '../io/output.js';
import type { Messages } from '../messages.js';
import { readDatasetInputs } from './inputs.js';
import { loadDescriptor, parseDescriptor } from './load.js';
import { groupSlides, makeSplits, type SplitPlan } from './make-splits.js';
import { allSlideIds, checkLeakage, groupOf, resolveSplits } from './splits.js';
import { isHumanTodo } from './types.js';

export interface SplitSummary {
  unit: string;
  seed: number;
  splits: { name: string; members: number; slides: number; objects: number }[];
}

/**
 * `slidepack split`: group the slides by patient, case or slide, assign the groups to splits
 * (stratified by class, deterministic for a seed), check for leakage and write `splits` into
 * the descriptor in place, keeping its comments and layout.
 */
export async function splitDescriptor(
  path: string,
  plan: SplitPlan,
  messages: Messages,
  write = true,
): Promise<SplitSummary> {
  const loaded = await loadDescriptor(path);
  const inputs = await readDatasetInputs(loaded, messages);
  const slideIds = allSlideIds(inputs.set, inputs.slides);
  const groups = groupSlides(
    inputs.set,
    slideIds,
    (s) => groupOf(s, plan.unit, loaded, inputs.set),
    plan.unit,
    loaded.path,
  );
  const sets = makeSplits(groups, plan);

  const text = await readFile(path, 'utf8');
  const document = parseDocument(text);
  const strategy = document.getIn(['splits', 'strategy']);
  document.setIn(['splits', 'unit'], plan.unit);
  if (strategy === undefined || isHumanTodo(strategy)) {
    const ratios = plan.ratios.map(([n, r]) => `${n} ${r}`).join(', ');
    document.setIn(
      ['splits', 'strategy'],
      `Grouped by ${plan.unit}, stratified by class (greedy), ratios ${ratios}; ` +
        `made by slidepack split with seed ${plan.seed}.`,
    );
  }
  document.setIn(['splits', 'seed'], plan.seed);
  document.setIn(['splits', 'sets'], Object.fromEntries(sets));
  const updated = document.toString({ lineWidth: 100 });

  // The new splits are checked exactly as the datasheet will check them.
  const check = parseDescriptor(updated, path);
  const splitOf = resolveSplits(check, inputs.set, inputs.slides, messages);
  checkLeakage(splitOf, check, inputs.set, inputs.slides, messages);
  if (write && !messages.hasErrors) {
    const out = await openOutput(path);
    await out.write(updated);
    await out.commit();
  }
  return summarize(plan, sets, groups, splitOf, inputs.set);
}

function summarize(
  plan: SplitPlan,
  sets: Map<string, string[]>,
  groups: ReturnType<typeof groupSlides>,
  splitOf: Map<string, string>,
  set: Awaited<ReturnType<typeof readDatasetInputs>>['set'],
): SplitSummary {
  return {
    unit: plan.unit,
    seed: plan.seed,
    splits: [...sets].map(([name, members]) => ({
      name,
      members: members.length,
      slides: groups.filter((g) => members.includes(g.id)).reduce((n, g) => n + g.slides.length, 0),
      objects: set.objects.filter((o) => splitOf.get(o.slide) === name).length,
    })),
  };
}
