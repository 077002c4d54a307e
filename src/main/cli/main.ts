/**
 * The `kindred` command. Only commander loads up front, so `kindred --help` answers at once;
 * each command pulls in the engine (SQLite, sharp, ONNX Runtime) when it runs.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors';

const program = new Command();

program
  .name('kindred')
  .description('Kindred: a photo library that knows your people. Finds every face, locally.')
  .showHelpAfterError('(run `kindred --help` for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

const libraryOption = () =>
  new Option('--library <dir>', 'library folder (default: $KINDRED_LIBRARY or the platform data folder)');

program
  .command('scan')
  .description('add folders to the library and index every photo under them')
  .argument('<folder...>', 'photo folders, scanned recursively')
  .addOption(libraryOption())
  .option('--workers <n>', 'vision worker threads (default: one per core)')
  .option(
    '--small-faces',
    'also search large photos tile by tile for faces down to ~40 px (several times slower)',
  )
  .action(
    async (folders: string[], options: { library?: string; workers?: string; smallFaces?: boolean }) => {
      const { runScan } = await import('./commands/scan');
      process.exitCode = await runScan(folders, options);
    },
  );

program
  .command('photos')
  .description('list the photos in the library')
  .addOption(libraryOption())
  .option('--json', 'print a JSON array')
  .addOption(
    new Option('--status <status>', 'only photos with this status').choices(['pending', 'indexed', 'error']),
  )
  .action(async (options: { library?: string; json?: boolean; status?: 'pending' | 'indexed' | 'error' }) => {
    const { runPhotos } = await import('./commands/list');
    process.exitCode = await runPhotos(options);
  });

program
  .command('faces')
  .description('list the faces in the library')
  .addOption(libraryOption())
  .option('--json', 'print a JSON array')
  .option('--embeddings', 'include each face’s 128-number embedding')
  .action(async (options: { library?: string; json?: boolean; embeddings?: boolean }) => {
    const { runFaces } = await import('./commands/list');
    process.exitCode = await runFaces(options);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything commander rejects is a usage mistake.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    const known =
      error instanceof UsageError || (error instanceof Error && error.name === 'LibraryOpenError');
    process.stderr.write(`kindred: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = known ? EXIT_USAGE : EXIT_FAILURE;
  }
}

void main();
