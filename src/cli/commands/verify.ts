import type { Argv, CommandModule } from 'yargs';
import { DataError } from '../../errors.js';
import type { Message } from '../../messages.js';
import { type GlobalArgs, loggerFor } from '../context.js';
import { type StoreArgs, s3Options, storeOptions } from './publish.js';

interface VerifyArgs extends StoreArgs {
  target: string;
  releaseVersion?: string;
  quick?: boolean;
  complete?: boolean;
}

async function handler(args: VerifyArgs): Promise<void> {
  const logger = loggerFor(args);
  const report = await (await import('../../publish/verify.js')).verifyRelease(args.target, {
    s3: s3Options(args),
    ...(args.releaseVersion ? { version: args.releaseVersion } : {}),
    quick: args.quick ?? false,
    logger,
  });
  const local = !/^(s3|file):\/\//.test(args.target);
  // A downloaded folder may be partial on purpose (fetch --split); a store must be whole.
  const missingIsError = !local || (args.complete ?? false);
  if (args.json)
    logger.event('result', {
      ok: report.bad.length === 0 && (!missingIsError || !report.missing.length),
      ...report,
    });
  const summary =
    `${report.target}: release ${report.version} (id ${report.releaseId}): ${report.checked} files ` +
    `match the manifest` +
    (report.missing.length ? `, ${report.missing.length} missing` : '');
  logger.info(summary);
  // A partial download lists what it lacks; when missing files are errors they are listed once,
  // below, with the other failures.
  if (!missingIsError) for (const path of report.missing) logger.info(`not downloaded: ${path}`);
  const messages: Message[] = report.bad.map((b) => ({
    severity: 'error',
    ruleId: 'verify/mismatch',
    message: b.reason,
    file: b.path,
  }));
  if (missingIsError) {
    for (const path of report.missing) {
      messages.push({
        severity: 'error',
        ruleId: 'verify/missing',
        message: 'not found',
        file: path,
      });
    }
  }
  if (messages.length)
    throw new DataError(`${messages.length} file(s) failed verification`, messages);
}

export const verifyCommand: CommandModule<GlobalArgs, VerifyArgs> = {
  command: 'verify <target>',
  describe: 'check a release folder or a published release file by file against its manifest',
  builder: (yargs) =>
    storeOptions(yargs)
      .positional('target', {
        type: 'string',
        demandOption: true,
        describe: 'release folder, s3://bucket/prefix or file:///path',
      })
      .option('release-version', {
        type: 'string',
        describe: 'version in a store (default: latest)',
      })
      .option('anonymous', { type: 'boolean', describe: 'send no credentials (public buckets)' })
      .option('quick', {
        type: 'boolean',
        describe: 'stores: compare size and stored SHA-256 only, do not download',
      })
      .option('complete', { type: 'boolean', describe: 'folders: a missing file is an error' })
      .example('$0 verify downloads/1.0.0', 'a downloaded release (partial downloads allowed)')
      .example(
        '$0 verify s3://open-data/camelyon --anonymous',
        'the latest public release',
      ) as Argv<VerifyArgs>,
  handler,
};
