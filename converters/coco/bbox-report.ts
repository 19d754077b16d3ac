import type { ConvertContext } from '../../src/converter.js';
import type { BboxDecision } from './bbox-format.js';
import type { Survey } from './survey.js';

const EXAMPLES = 5;

/**
 * Say how boxes were read: the corner rule when it fired, a file that looks like corners but
 * cannot be measured, and a forced `--bbox-format` against the rule that puts boxes past their
 * image, each once per file. Boxes past the edge under the rule's own choice are not warned
 * about: MIDOG's 50 px boxes around mitoses near the edge stick out in 12 of its 150 images.
 */
export function reportDecision(
  decision: BboxDecision,
  survey: Survey,
  file: string,
  context: ConvertContext,
): void {
  const where = { file, place: '/annotations' };
  const { boxes, cornerOrdered } = survey.boxes;
  if (decision.format === 'xyxy' && decision.how === 'rule') {
    context.messages.info(
      'coco/xyxy-bbox',
      `the ${boxes} boxes were read as [x1, y1, x2, y2] corners (the MIDOG variant): ` +
        `${decision.params.rule}; force either reading with --bbox-format`,
      where,
    );
    context.logger.verbose(`${file}: boxes read as [x1, y1, x2, y2] corners`);
  }
  const unmeasured = decision.imagesKnown > 0 && decision.params.imagesWithSize === 0;
  if (decision.how === 'rule' && boxes > 0 && cornerOrdered === boxes && unmeasured) {
    context.messages.warn(
      'coco/bbox-format-unknown',
      `every box could be [x1, y1, x2, y2] corners, but none of the ${decision.imagesKnown} ` +
        'images they lie on has a width and height to tell; read as COCO [x, y, w, h] ' +
        '(use --bbox-format xyxy if they are corners)',
      where,
    );
  }
  const against = decision.how === 'forced' && decision.format !== decision.ruleFormat;
  if (against && decision.pastEdge.length > 0) {
    warnPastEdge(decision, survey, where, context);
  }
}

function warnPastEdge(
  decision: BboxDecision,
  survey: Survey,
  where: { file: string; place: string },
  context: ConvertContext,
): void {
  const n = decision.pastEdge.length;
  const names = decision.pastEdge
    .slice(0, EXAMPLES)
    .map((id) => `"${survey.images.get(id)?.fileName ?? `image ${id}`}"`);
  const more = n > EXAMPLES ? ` and ${n - EXAMPLES} more` : '';
  const what =
    `the boxes of ${n} image${n === 1 ? '' : 's'} reach past the right or bottom image edge ` +
    `(${names.join(', ')}${more})`;
  const other = decision.format === 'xyxy' ? 'xywh' : 'xyxy';
  const hint =
    `; read as ${other}, which the rule would choose, ${decision.pastEdgeOther.length} ` +
    'would (--bbox-format auto)';
  const text = `read with --bbox-format ${decision.format}, ${what}${hint}`;
  context.messages.warn('coco/bbox-past-edge', text, where);
}
