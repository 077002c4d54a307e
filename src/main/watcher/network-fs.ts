import fs from 'node:fs';

/**
 * Linux `statfs` magic numbers of file systems that do not deliver change events for changes
 * made elsewhere (another machine writing to a share): NFS, SMB/CIFS, FUSE (sshfs, rclone, …),
 * 9p, AFS, Ceph, Coda. On these, watching falls back to polling.
 */
const NETWORK_FS_TYPES = new Set([
  0x6969, // NFS
  0x517b, // SMB
  0xff534d42, // CIFS
  0xfe534d42, // SMB2
  0x65735546, // FUSE
  0x01021997, // 9p (v9fs)
  0x5346414f, // AFS
  0x6b414653, // kAFS
  0x00c36400, // Ceph
  0x73757245, // Coda
]);

/** Whether a folder lives on a network or user-space file system, which needs polling. */
export function needsPolling(folderPath: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    return isNetworkFsType(fs.statfsSync(folderPath).type);
  } catch {
    return false;
  }
}

export function isNetworkFsType(type: number): boolean {
  return NETWORK_FS_TYPES.has(type >>> 0);
}
