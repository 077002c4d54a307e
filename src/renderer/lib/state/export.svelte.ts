import type { ExportRequest, ExportResult } from '../../../common/api';
import { errorMessage } from '../format';
import type { LibraryState } from './library.svelte';

/** Which photos an Export dialog was opened for. */
export type ExportSelection = Pick<ExportRequest, 'personIds' | 'anyPerson' | 'photoIds'>;

/**
 * The Export dialog's form and its one run: the output folder (chosen with the native dialog in
 * Electron, typed in a browser), the options, and the result. Main checks every value again.
 */
export class ExportState {
  outDir = $state('');
  unnamed = $state(false);
  csv = $state(false);
  json = $state(false);
  /** Embed the named faces as XMP face regions, for other photo tools. */
  xmp = $state(true);
  /** Typed text: empty means the photos' own size. */
  maxSize = $state('');
  quality = $state('90');
  running = $state(false);
  result = $state<ExportResult | null>(null);
  error = $state<string | null>(null);

  constructor(
    private readonly library: LibraryState,
    readonly selection: ExportSelection,
  ) {}

  get canChoose(): boolean {
    return typeof this.library.api.chooseFolder === 'function';
  }

  async choose(): Promise<void> {
    const chosen = await this.library.api.chooseFolder?.('export');
    if (chosen) this.outDir = chosen;
  }

  /** The request, or a message saying which field is wrong. */
  request(): ExportRequest | string {
    const outDir = this.outDir.trim();
    if (!outDir) return 'Choose the folder the copies go to.';
    if (!(outDir.startsWith('/') || /^[A-Za-z]:[\\/]/.test(outDir) || outDir.startsWith('\\\\'))) {
      return `"${outDir}" is not a full path: give the whole path, for example /home/you/Export.`;
    }
    const quality = Number(this.quality);
    if (!/^\d+$/.test(this.quality.trim()) || quality < 1 || quality > 100) {
      return 'JPEG quality is a whole number from 1 to 100.';
    }
    const maxText = this.maxSize.trim();
    const maxSize = maxText === '' ? undefined : Number(maxText);
    if (maxSize !== undefined && (!/^\d+$/.test(maxText) || maxSize < 64 || maxSize > 65_500)) {
      return 'The longest side is a whole number of pixels from 64 to 65500, or empty for full size.';
    }
    return {
      outDir,
      ...this.selection,
      unnamed: this.unnamed,
      xmp: this.xmp,
      csv: this.csv,
      json: this.json,
      quality,
      ...(maxSize === undefined ? {} : { maxSize }),
    };
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
    this.library.exportProgress = null;
    try {
      this.result = await this.library.api.exportPhotos(request);
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.running = false;
    }
  }
}
