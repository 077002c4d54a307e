import { getContext, setContext } from 'svelte';
import type { Router } from './router.svelte';
import type { LibraryState } from './state/library.svelte';
import type { Notices } from './state/notices.svelte';

export interface AppContext {
  library: LibraryState;
  notices: Notices;
  router: Router;
}

const KEY = Symbol('kindred');

export const provideApp = (context: AppContext): AppContext => setContext(KEY, context);
export const useApp = (): AppContext => getContext<AppContext>(KEY);
