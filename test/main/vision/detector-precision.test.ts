/**
 * The default pipeline runs the plain pass, which every photo gets, on the int8 detector, and the
 * padded passes, which find the faces that fill tight crops, on the float32 one (docs/detection.md).
 * A tight crop's face then keeps exactly its float32 box and descriptor, which int8 in every pass
 * moved enough to leave stuart5 out of its person's group.
 */
import type * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DetectorPrecision, Sessions } from '../../../src/main/vision/models';
import { analysePhoto, DEFAULT_PIPELINE } from '../../../src/main/vision/pipeline';
import { loadTestSessions, readFixture } from './helpers';

let sessions: Sessions;
beforeAll(async () => {
  sessions = await loadTestSessions();
});

/** The same sessions, counting each detector's runs by precision. */
function countingRuns(): { sessions: Sessions; runs: Record<DetectorPrecision, number> } {
  const runs: Record<DetectorPrecision, number> = { int8: 0, fp32: 0 };
  const counted = (precision: DetectorPrecision, session: ort.InferenceSession) =>
    new Proxy(session, {
      get(target, property, receiver) {
        if (property === 'run')
          return (...args: Parameters<typeof target.run>) => {
            runs[precision]++;
            return target.run(...args);
          };
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
  return {
    sessions: {
      ...sessions,
      detector: async (precision) => counted(precision, await sessions.detector(precision)),
    },
    runs,
  };
}

describe('the default detector precisions', () => {
  it('run the plain pass on int8 and the padded passes on fp32', async () => {
    const { sessions: counting, runs } = countingRuns();
    // A tight crop: the plain pass finds nothing, the canvases find the face.
    const { faces } = await analysePhoto(
      readFixture('people/stuart/stuart5.png'),
      counting,
      DEFAULT_PIPELINE,
    );
    expect(faces).toHaveLength(1);
    expect(runs.int8).toBe(1);
    expect(runs.fp32).toBeGreaterThanOrEqual(1);
  });

  it("give a tight crop's face exactly its float32 box and descriptor", async () => {
    const bytes = readFixture('people/stuart/stuart5.png');
    const mixed = await analysePhoto(bytes, sessions, DEFAULT_PIPELINE);
    const float = await analysePhoto(bytes, sessions, { ...DEFAULT_PIPELINE, detectorPrecision: 'fp32' });
    expect(mixed.faces[0].box).toEqual(float.faces[0].box);
    expect(Array.from(mixed.faces[0].embedding)).toEqual(Array.from(float.faces[0].embedding));
  });

  it('run a photo whose plain pass is sure on int8 alone', async () => {
    const { sessions: counting, runs } = countingRuns();
    const { faces } = await analysePhoto(readFixture('groups/bbt1.jpg'), counting, DEFAULT_PIPELINE);
    expect(faces.length).toBeGreaterThan(0);
    expect(runs).toEqual({ int8: 1, fp32: 0 });
  });
});
