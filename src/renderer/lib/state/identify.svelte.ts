import type { FolderPurpose, IdentifyRequest, IdentifyResult } from '../../../common/api';
import { errorMessage } from '../format';
import type { LibraryState } from './library.svelte';

/** The three folders of the Identify dialog, by the field that holds each. */
export type IdentifyFolder = 'knownDir' | 'unknownDir' | 'outDir';

const PURPOSES: Record<IdentifyFolder, FolderPurpose> = {
  knownDir: 'known',
  unknownDir: 'unknown',
  outDir: 'identified',
};

const LABELS: Record<IdentifyFolder, string> = {
  knownDir: 'the folder of known people',
  unknownDir: 'the folder of photos to identify',
  outDir: 'the output folder',
};

/** The name identify gives a face that is nobody known. */
export const UNKNOWN = 'unknown';

/**
 * The Identify dialog's form and its one run (kindred identify in the app): the folders (chosen
 * with the native dialog in Electron, typed in a browser), the threshold, and the result.
 * Main checks every value again.
 */
export class IdentifyState {
  knownDir = $state('');
  unknownDir = $state('');
  outDir = $state('');
  /** Typed text: empty means identify's default. */
  threshold = $state('');
  running = $state(false);
  result = $state<IdentifyResult | null>(null);
  error = $state<string | null>(null);

  constructor(private readonly library: LibraryState) {}

  get canChoose(): boolean {
    return typeof this.library.api.chooseFolder === 'function';
  }

  get filled(): boolean {
    return [this.knownDir, this.unknownDir, this.outDir].every((folder) => folder.trim() !== '');
  }

  /** Faces named after a known person, and faces nobody known matched. */
  get counts(): { named: number; unknown: number } {
    const faces = this.result?.faces ?? [];
    const unknown = faces.filter((face) => face.name === UNKNOWN).length;
    return { named: faces.length - unknown, unknown };
  }

  async choose(field: IdentifyFolder): Promise<void> {
    const chosen = await this.library.api.chooseFolder?.(PURPOSES[field]);
    if (chosen) this[field] = chosen;
  }

  /** The request, or a message saying which field is wrong. */
  request(): IdentifyRequest | string {
    const folders = {} as Record<IdentifyFolder, string>;
    for (const field of ['knownDir', 'unknownDir', 'outDir'] as const) {
      const folder = this[field].trim();
      if (!folder) return `Choose ${LABELS[field]}.`;
      if (!(folder.startsWith('/') || /^[A-Za-z]:[\\/]/.test(folder) || folder.startsWith('\\\\'))) {
        return `"${folder}" is not a full path: give the whole path of ${LABELS[field]}, for example /home/you/Photos.`;
      }
      folders[field] = folder;
    }
    const text = this.threshold.trim();
    if (text === '') return folders;
    const threshold = Number(text);
    if (!/^\d*\.?\d+$/.test(text) || !(threshold > 0) || threshold > 2) {
      return `The threshold is a distance above 0 and at most 2, for example 0.6 (got "${text}"), or empty for the default.`;
    }
    return { ...folders, threshold };
  }

  async run(): Promise<void> {
    const request = this.request();
    if (typeof request === 'string') {
      this.error = request;
      return;
    }
    this.running = true;
    this.error = null;
    this.result = null;
    this.library.identifyProgress = null;
    try {
      this.result = await this.library.api.identifyPhotos(request);
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.running = false;
    }
  }
}
