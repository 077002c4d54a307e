import { getContext, setContext } from 'svelte';
import type { Router } from './router.svelte';
import type { LibraryState } from './state/library.svelte';
import type { Notices } from './state/notices.svelte';

export interface AppContext {
  library: LibraryState;
  notices: Notices;
  router: Router;
}

/** Exported for component tests, which mount a view with a context of their own. */
export const APP_CONTEXT_KEY = Symbol('kindred');

export const provideApp = (context: AppContext): AppContext => setContext(APP_CONTEXT_KEY, context);
export const useApp = (): AppContext => getContext<AppContext>(APP_CONTEXT_KEY);
