import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { isNetworkFsType, needsPolling } from '../../../src/main/watcher/network-fs';

describe('choosing polling per folder', () => {
  it('polls NFS, SMB/CIFS and FUSE file systems, not local ones', () => {
    expect([0x6969, 0xff534d42, 0xfe534d42, 0x517b, 0x65735546].map(isNetworkFsType)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    // ext4, tmpfs, btrfs, xfs, overlayfs
    expect([0xef53, 0x01021994, 0x9123683e, 0x58465342, 0x794c7630].map(isNetworkFsType)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('uses OS events for the local temporary folder, and does not fail on a missing one', () => {
    expect(needsPolling(os.tmpdir())).toBe(false);
    expect(needsPolling('/no/such/folder')).toBe(false);
  });
});
