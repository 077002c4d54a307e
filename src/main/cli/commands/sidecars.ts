import { EXIT_FAILURE, EXIT_OK } from '../errors';
import { printJson } from '../output';
import { writeSidecars } from '../../services/sidecars';
import { withLibrary } from './open';

/** `kindred sidecars`: XMP sidecars beside the originals of photos with named faces. */
export async function runSidecars(options: {
  library?: string;
  json?: boolean;
  person?: string[];
}): Promise<number> {
  const reports = await withLibrary(options.library, (library) =>
    writeSidecars(library, options.person ?? []),
  );
  if (options.json) {
    printJson(reports);
  } else if (reports.length === 0) {
    process.stdout.write('No photos with named faces: name people first (kindred name PERSON NAME).\n');
  } else {
    for (const report of reports) {
      const faces = `${report.faces} named face${report.faces === 1 ? '' : 's'}`;
      if (report.error) process.stdout.write(`Skipped ${report.photo}: ${report.error}\n`);
      else if (report.backup)
        process.stdout.write(
          `Merged ${faces} into ${report.sidecar} (previous sidecar kept as ${report.backup})\n`,
        );
      else process.stdout.write(`Wrote ${faces} to ${report.sidecar}\n`);
    }
    const failed = reports.filter((report) => report.error).length;
    process.stdout.write(`${reports.length - failed} sidecars written, ${failed} skipped.\n`);
  }
  return reports.some((report) => report.error) ? EXIT_FAILURE : EXIT_OK;
}
