import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';
import { migration0003 } from './0003-face-index-log';
import { migration0004 } from './0004-people-counts';
import { migration0005 } from './0005-photo-face-counts';
import { migration0006 } from './0006-timeline-order-index';
import type { Migration } from './types';

/** Every migration, in order. Append; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
];
