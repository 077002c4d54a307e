import type { Migration } from './types';

/**
 * The timeline's order (newest first, undated photos last; views.ts, TIMELINE_ORDER) as an index.
 * Without it every page of the Photos view sorted the whole photos table: ~100 ms a page at
 * 100,000 photos, in the process that answers the app (docs/ui-bench.md, seventh session); with
 * it a page is read in index order, 0.5–5 ms. The expression `taken_at IS NULL` is in the index
 * so that the ORDER BY matches it term for term.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'timeline-order-index',
  up: `
    CREATE INDEX photos_timeline ON photos((taken_at IS NULL), taken_at DESC, id DESC);
  `,
};
