import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveLibrary } from '../../library-paths';
import { openLibrary } from '../../open-library';
import { identify, type IdentifyResult } from '../../services/identify';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors';
import { printJson } from '../output';
import { ProgressBar } from '../progress';
import { parseWorkers } from './scan';

export interface IdentifyCommandOptions {
  known: string;
  unknown: string;
  out: string;
  threshold?: string;
  library?: string;
  workers?: string;
  json?: boolean;
}

/**
 * `kindred identify`: names faces in the --unknown photos after the --known ones. Without
 * --library it works in a temporary library, removed afterwards; KINDRED_LIBRARY is not used,
 * so identify never adds to a library unless asked to in the call.
 */
export async function runIdentify(options: IdentifyCommandOptions): Promise<number> {
  const threshold = parseThreshold(options.threshold);
  const workers = parseWorkers(options.workers);
  const temporary = options.library ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-identify-'));
  let result: IdentifyResult;
  try {
    const library = openLibrary(resolveLibrary(options.library ?? temporary));
    try {
      const scanBar = process.stderr.isTTY ? new ProgressBar(process.stderr, 'Indexing') : undefined;
      const copyBar = process.stderr.isTTY ? new ProgressBar(process.stderr, 'Annotating') : undefined;
      let copiesStarted = 0;
      result = await identify(library, {
        knownDir: options.known,
        unknownDir: options.unknown,
        outDir: path.resolve(options.out),
        threshold,
        workers,
        onScanProgress: (progress) =>
          scanBar?.update(
            progress.done,
            progress.total,
            progress.elapsedMs,
            progress.done === progress.total,
          ),
        onCopyProgress: (done, total) => {
          if (done === 0) {
            scanBar?.finish();
            copiesStarted = Date.now();
          }
          copyBar?.update(done, total, Date.now() - copiesStarted, done === total);
        },
      });
      copyBar?.finish();
    } finally {
      library.close();
    }
  } finally {
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
  }

  for (const warning of result.warnings) process.stderr.write(`kindred: ${warning}\n`);
  for (const failure of result.failed)
    process.stderr.write(`kindred: could not use ${failure.photo}: ${failure.error}\n`);
  if (options.json) {
    printJson({
      people: result.people,
      results: result.faces,
      warnings: result.warnings,
      failed: result.failed,
      resultsCsv: result.results,
    });
  } else {
    const named = result.faces.filter((face) => face.name !== 'unknown').length;
    process.stdout.write(
      `Identified ${named} of ${result.faces.length} faces in ${new Set(result.faces.map((f) => f.photo)).size} photos ` +
        `against ${result.people.length} known people; annotated copies and ${path.basename(result.results)} ` +
        `are in ${result.outDir}.\n`,
    );
  }
  return result.failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

function parseThreshold(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\s*\d*\.?\d+\s*$/.test(text) || !(value > 0) || value > 2) {
    throw new UsageError(
      `--threshold must be a distance above 0 and at most 2, for example 0.6 (got "${text}").`,
    );
  }
  return value;
}
