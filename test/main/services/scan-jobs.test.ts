import { describe, expect, it } from 'vitest';
import type { ScanState } from '../../../src/common/api';
import { progressFigures, ScanJobs } from '../../../src/main/services/scan-jobs';

describe('progressFigures', () => {
  it('gives photos per second and the time left', () => {
    expect(progressFigures({ done: 20, total: 100, failed: 1, elapsedMs: 10_000 })).toEqual({
      done: 20,
      total: 100,
      failed: 1,
      photosPerSecond: 2,
      etaSeconds: 40,
    });
  });

  it('makes no estimate from the first photos', () => {
    expect(progressFigures({ done: 1, total: 100, failed: 0, elapsedMs: 900 }).etaSeconds).toBeNull();
  });
});

describe('ScanJobs', () => {
  it('runs one scan at a time and queues folders asked for meanwhile', async () => {
    const scans: string[][] = [];
    const states: ScanState[] = [];
    let finishFirst!: () => void;
    const jobs = new ScanJobs({
      scan: (folders, onProgress) => {
        scans.push(folders);
        onProgress({ done: 1, total: 1, failed: 0, elapsedMs: 100 });
        return scans.length === 1
          ? new Promise<void>((resolve) => (finishFirst = resolve))
          : Promise.resolve();
      },
      onState: (state) => states.push(state),
      onWritten: () => {},
    });
    jobs.start(['/a']);
    jobs.start(['/b']);
    jobs.start(['/b']);
    expect(jobs.isScanning('/a')).toBe(true);
    expect(jobs.isScanning('/b')).toBe(true);
    expect(scans).toEqual([['/a']]);
    finishFirst();
    await jobs.idle();
    expect(scans).toEqual([['/a'], ['/b']]);
    expect(jobs.state).toMatchObject({ running: false, phase: 'done', folders: ['/b'] });
    expect(states.map((state) => state.phase)).toContain('walking');
  });

  it('reports a failed scan with its reason', async () => {
    const jobs = new ScanJobs({
      scan: async () => Promise.reject(new Error('the vision worker crashed')),
      onState: () => {},
      onWritten: () => {},
    });
    jobs.start(['/a']);
    await jobs.idle();
    expect(jobs.state).toMatchObject({ running: false, phase: 'failed', error: 'the vision worker crashed' });
  });
});
