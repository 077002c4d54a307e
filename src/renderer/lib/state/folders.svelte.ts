import type { FolderError, FolderSummary } from '../../../common/api';
import { errorMessage } from '../format';
import type { LibraryState } from './library.svelte';

/** The library's folders, their counts and failures, and adding / removing them. */
export class FoldersState {
  folders = $state<FolderSummary[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  /** Failed files per folder, loaded when the user opens the list. */
  errors = $state<Record<number, FolderError[]>>({});

  constructor(private readonly library: LibraryState) {}

  async load(): Promise<void> {
    try {
      this.folders = await this.library.api.listFolders();
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  async add(path: string): Promise<string> {
    const result = await this.library.api.addFolder({ path: path.trim() });
    await this.load();
    return result.message;
  }

  async remove(folderId: number): Promise<string> {
    const result = await this.library.api.removeFolder({ folderId });
    this.library.changed();
    await this.load();
    return result.message;
  }

  async rescan(): Promise<string> {
    return (await this.library.api.rescan()).message;
  }

  async loadErrors(folderId: number): Promise<void> {
    this.errors = { ...this.errors, [folderId]: await this.library.api.folderErrors({ folderId }) };
  }
}
