/**
 * The `kindred` command. Only commander loads up front, so `kindred --help` answers at once;
 * each command pulls in the engine (SQLite, sharp, ONNX Runtime) when it runs.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT_BUSY, EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors';
import { printable } from './printable';

const program = new Command();

program
  .name('kindred')
  .description('Kindred: a photo library that knows your people. Finds every face, locally.')
  .showHelpAfterError('(run `kindred --help` for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

type PhotosOptions = {
  library?: string;
  json?: boolean;
  status?: 'pending' | 'indexed' | 'error';
  person: string[];
  any?: boolean;
};
type FacesOptions = {
  library?: string;
  json?: boolean;
  embeddings?: boolean;
  person?: string;
  unassigned?: boolean;
};

const collect = (value: string, previous: string[]) => [...previous, value];
const people = () => import('./commands/people');

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
  .option('--no-wait', 'if another process is indexing the library, exit (code 75) instead of waiting')
  .action(
    async (
      folders: string[],
      options: { library?: string; workers?: string; smallFaces?: boolean; wait: boolean },
    ) => {
      const { runScan } = await import('./commands/scan');
      process.exitCode = await runScan(folders, options);
    },
  );

program
  .command('add')
  .description('add folders to the library and index them (the same as scan)')
  .argument('<folder...>', 'photo folders, scanned recursively')
  .addOption(libraryOption())
  .option('--workers <n>', 'vision worker threads (default: one per core)')
  .option('--small-faces', 'also search large photos tile by tile for faces down to ~40 px')
  .option('--no-wait', 'if another process is indexing the library, exit (code 75) instead of waiting')
  .action(
    async (
      folders: string[],
      options: { library?: string; workers?: string; smallFaces?: boolean; wait: boolean },
    ) => {
      const { runScan } = await import('./commands/scan');
      process.exitCode = await runScan(folders, options, 'Added');
    },
  );

program
  .command('folders')
  .description('list the library folders: online or offline, photos, pending, errors, last scan')
  .addOption(libraryOption())
  .option('--json', 'print a JSON array')
  .action(async (options: { library?: string; json?: boolean }) => {
    const { runFolders } = await import('./commands/folders');
    process.exitCode = await runFolders(options);
  });

program
  .command('remove')
  .description("forget a folder's photos, faces and decisions (files on disk are never touched)")
  .argument('<folder>', 'folder path or id (from kindred folders)')
  .option('--yes', 'do not ask for confirmation (needed when not on a terminal)')
  .addOption(libraryOption())
  .action(async (folder: string, options: { library?: string; yes?: boolean }) => {
    const { runRemove } = await import('./commands/folders');
    process.exitCode = await runRemove(folder, options);
  });

program
  .command('watch')
  .description('keep the library in step with its folders; prints one line per change applied')
  .addOption(libraryOption())
  .option('--workers <n>', 'vision worker threads (default: one per core)')
  .option('--small-faces', 'also search large photos tile by tile for faces down to ~40 px')
  .option('--no-wait', 'if another process is indexing the library, exit (code 75) instead of waiting')
  .action(async (options: { library?: string; workers?: string; smallFaces?: boolean; wait: boolean }) => {
    const { runWatch } = await import('./commands/watch');
    process.exitCode = await runWatch(options);
  });

program
  .command('photos')
  .description('list the photos in the library')
  .addOption(libraryOption())
  .option('--json', 'print a JSON array')
  .addOption(
    new Option('--status <status>', 'only photos with this status').choices(['pending', 'indexed', 'error']),
  )
  .option('--person <person>', 'only photos with this person (id or name; repeat for several)', collect, [])
  .option('--any', 'with several --person: photos with any of them (default: all of them)')
  .action(async (options: PhotosOptions) => {
    const { runPhotos } = await import('./commands/list');
    process.exitCode = await runPhotos(options);
  });

program
  .command('faces')
  .description('list the faces in the library')
  .addOption(libraryOption())
  .option('--json', 'print a JSON array')
  .option('--embeddings', 'include each face’s 128-number embedding')
  .option('--person <person>', 'only faces of this person (id or name)')
  .option('--unassigned', 'only faces that belong to nobody yet')
  .action(async (options: FacesOptions) => {
    const { runFaces } = await import('./commands/list');
    process.exitCode = await runFaces(options);
  });

program
  .command('people')
  .description('list people: named first, then unnamed ones by number of faces')
  .addOption(libraryOption())
  .option('--json', 'print a JSON array')
  .option('--all', 'include hidden people')
  .action(async (options) => {
    process.exitCode = await (await people()).runPeople(options);
  });

program
  .command('name')
  .description('name or rename a person')
  .argument('<person>', 'person id or current name')
  .argument('<name>', 'the new name')
  .option('--merge', 'if another person already has this name, merge this one into them')
  .addOption(libraryOption())
  .action(async (person: string, name: string, options) => {
    process.exitCode = await (await people()).runName(person, name, options);
  });

program
  .command('merge')
  .description('merge people into one (all their faces, rejections and details)')
  .argument('<person...>', 'people to merge (ids or names)')
  .requiredOption('--into <person>', 'the person they are')
  .addOption(libraryOption())
  .action(async (sources: string[], options) => {
    process.exitCode = await (await people()).runMerge(sources, options);
  });

program
  .command('move')
  .description('move faces to a person, or to a new person with that name')
  .argument('<face...>', 'face ids')
  .requiredOption('--to <person>', 'person id or name; a name nobody has yet makes a new person')
  .addOption(libraryOption())
  .action(async (faces: string[], options) => {
    process.exitCode = await (await people()).runMove(faces, options);
  });

program
  .command('unassign')
  .description('take faces away from their person and keep them with nobody')
  .argument('<face...>', 'face ids')
  .addOption(libraryOption())
  .action(async (faces: string[], options) => {
    process.exitCode = await (await people()).runUnassign(faces, options);
  });

program
  .command('reject')
  .description('"not this person": remove faces (or suggestions) from a person, for good')
  .argument('<face...>', 'face ids')
  .option('--from <person>', 'the person they are not (default: their current person or suggestion)')
  .addOption(libraryOption())
  .action(async (faces: string[], options) => {
    process.exitCode = await (await people()).runReject(faces, options);
  });

for (const [command, hidden] of [
  ['hide', true],
  ['unhide', false],
] as const) {
  program
    .command(command)
    .description(hidden ? 'hide a person from the people list' : 'show a hidden person again')
    .argument('<person>', 'person id or name')
    .addOption(libraryOption())
    .action(async (person: string, options) => {
      process.exitCode = await (await people()).runHide(person, hidden, options);
    });
}

program
  .command('cover')
  .description('choose the face that shows a person')
  .argument('<person>', 'person id or name')
  .argument('<face>', 'one of their face ids')
  .addOption(libraryOption())
  .action(async (person: string, face: string, options) => {
    process.exitCode = await (await people()).runCover(person, face, options);
  });

program
  .command('birthdate')
  .description('set a birth date: faces in photos taken before it are never matched to the person')
  .argument('<person>', 'person id or name')
  .argument('<date>', 'YYYY-MM-DD')
  .addOption(libraryOption())
  .action(async (person: string, date: string, options) => {
    process.exitCode = await (await people()).runBirthdate(person, date, options);
  });

program
  .command('delete-face')
  .description('delete a detection that is not a face; it does not come back on a rescan')
  .argument('<face>', 'face id')
  .addOption(libraryOption())
  .action(async (face: string, options) => {
    process.exitCode = await (await people()).runDeleteFace(face, options);
  });

program
  .command('add-face')
  .description('add a face the detector missed')
  .argument('<photo>', 'photo path or id')
  .requiredOption('--box <x,y,w,h>', 'the face, in pixels of the upright photo')
  .option('--person <person>', 'who it is (id or name)')
  .addOption(libraryOption())
  .action(async (photo: string, options) => {
    process.exitCode = await (await people()).runAddFace(photo, options);
  });

program
  .command('review')
  .description('faces that may be a named person, best matches first')
  .option('--json', 'print a JSON array')
  .option('--person <person>', 'only suggestions for this person')
  .addOption(libraryOption())
  .action(async (options) => {
    process.exitCode = await (await people()).runReview(options);
  });

program
  .command('confirm')
  .description('accept suggestions (or confirm automatic assignments)')
  .argument('[face...]', 'face ids')
  .option('--all-of <person>', "accept all of a person's suggestions and grouped faces")
  .addOption(libraryOption())
  .action(async (faces: string[], options) => {
    process.exitCode = await (await people()).runConfirm(faces, options);
  });

program
  .command('cluster')
  .description('group faces that belong to nobody yet into people')
  .option('--full', 'regroup every automatically grouped face from scratch (your decisions stay)')
  .addOption(libraryOption())
  .action(async (options) => {
    process.exitCode = await (await people()).runCluster(options);
  });

program
  .command('verify')
  .description('are the largest faces of two images the same person?')
  .argument('<image-a>')
  .argument('<image-b>')
  .option('--json', 'print a JSON object')
  .action(async (imageA: string, imageB: string, options) => {
    process.exitCode = await (await people()).runVerify(imageA, imageB, options);
  });

program
  .command('sidecars')
  .description('write XMP sidecars (face regions) beside the originals of photos with named faces')
  .addOption(libraryOption())
  .option('--person <person>', 'only photos with this person (id or name; repeat for several)', collect, [])
  .option('--json', 'print a JSON array')
  .action(async (options: { library?: string; json?: boolean; person: string[] }) => {
    const { runSidecars } = await import('./commands/sidecars');
    process.exitCode = await runSidecars(options);
  });

program
  .command('export')
  .description('write upright JPEG copies of photos with every face boxed and named')
  .requiredOption('--out <dir>', 'output folder (created when missing; outside the library folders)')
  .option('--person <person>', 'photos with this person (id or name; repeat: all of them)', collect, [])
  .option('--any', 'with several --person: photos with any of them')
  .option('--photo <photo>', 'this photo too (id or path; repeatable)', collect, [])
  .option('--unnamed', 'also box faces without a name, labelled "?"')
  .option('--max-size <px>', 'longest side of the copies in pixels (default: the photo’s own size)')
  .option('--quality <q>', 'JPEG quality, 1–100 (default 90)')
  .option('--xmp', 'embed the named faces as XMP face regions (MWG, Microsoft Photo) for other photo tools')
  .option('--csv', 'also write faces.csv in the output folder')
  .option('--json', 'also write faces.json in the output folder')
  .addOption(libraryOption())
  .action(async (options) => {
    const { runExport } = await import('./commands/export');
    process.exitCode = await runExport(options);
  });

program
  .command('identify')
  .description('name the faces in the --unknown photos after the people in the --known photos')
  .requiredOption(
    '--known <dir>',
    'one sub-folder per person (known/Grandma/*.jpg), or files named after them',
  )
  .requiredOption('--unknown <dir>', 'photos to look for them in (recursively)')
  .requiredOption('--out <dir>', 'receives an annotated copy of each unknown photo and results.csv')
  .option('--threshold <t>', 'largest distance that still counts as the same person (default 0.6)')
  .option('--workers <n>', 'vision worker threads (default: one per core)')
  .option('--json', 'print the results as a JSON object')
  .addOption(
    new Option('--library <dir>', 'add the photos and names to this library (default: a temporary one)'),
  )
  .action(async (options) => {
    const { runIdentify } = await import('./commands/identify');
    process.exitCode = await runIdentify(options);
  });

program
  .command('serve')
  .description('open the library in a browser: serves the app on 127.0.0.1 and prints its address')
  .option('--port <n>', 'port to listen on (default: any free port)')
  .option('--no-watch', 'do not keep the library in step with its folders while serving')
  .addOption(libraryOption())
  .action(async (options: { port?: string; library?: string; watch: boolean }) => {
    const { runServe } = await import('../server/serve-command');
    await runServe(options);
  });

program
  .command('backup')
  .description('write a consistent copy of the library database, even while it is in use')
  .requiredOption('--out <file>', 'the copy to write')
  .option('--force', 'replace --out if it exists')
  .addOption(libraryOption())
  .action(async (options: { library?: string; out: string; force?: boolean }) => {
    const { runBackup } = await import('./commands/backup');
    process.exitCode = await runBackup(options);
  });

const decisions = program
  .command('decisions')
  .description(
    'carry your decisions (names, corrections, hidden people, covers, birth dates) to another library',
  );
decisions
  .command('export')
  .description('write every decision to a JSON file (faces named by photo content and box)')
  .requiredOption('--out <file>', 'the JSON file to write')
  .option('--force', 'replace --out if it exists')
  .addOption(libraryOption())
  .action(async (options: { library?: string; out: string; force?: boolean }) => {
    const { runDecisionsExport } = await import('./commands/decisions');
    process.exitCode = await runDecisionsExport(options);
  });
decisions
  .command('import')
  .description('apply a decisions file to this library (scan the photos first); safe to repeat')
  .argument('<file>', 'a file written by kindred decisions export')
  .option('--json', 'print the report as JSON')
  .addOption(libraryOption())
  .action(async (file: string, options: { library?: string; json?: boolean }) => {
    const { runDecisionsImport } = await import('./commands/decisions');
    process.exitCode = await runDecisionsImport(file, options);
  });

async function main(): Promise<void> {
  // A reader that stops early (`kindred photos --json | head`) has read all it wanted: end quietly,
  // as other command-line tools do, instead of crashing with a stack trace on the next write.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything commander rejects is a usage mistake.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    const known =
      error instanceof UsageError ||
      (error instanceof Error &&
        ['LibraryOpenError', 'UserInputError', 'LibraryTooNewError'].includes(error.name));
    process.stderr.write(`kindred: ${printable(error instanceof Error ? error.message : String(error))}\n`);
    const busy = error instanceof Error && error.name === 'LibraryBusyError';
    process.exitCode = busy ? EXIT_BUSY : known ? EXIT_USAGE : EXIT_FAILURE;
  }
}

void main();
