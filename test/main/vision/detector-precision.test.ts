/**
 * The default pipeline runs the first passes, the plain pass that every photo gets and the 2×
 * canvas that unsure photos get, on the int8 detector, and the frame-filling passes (2.5× and 3×,
 * for faces that fill a tight crop) on the float32 one (docs/detection.md). A tight crop's face
 * then keeps exactly its float32 box and descriptor, which int8 in every pass moved enough to
 * leave stuart5 out of its person's group.
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
  it('run the plain pass and the 2× canvas on int8, the frame-filling passes on fp32', async () => {
    const { sessions: counting, runs } = countingRuns();
    // A tight crop: the plain pass and the 2× canvas find nothing, the frame-filling canvases find the face.
    const { faces } = await analysePhoto(
      readFixture('people/stuart/stuart5.png'),
      counting,
      DEFAULT_PIPELINE,
    );
    expect(faces).toHaveLength(1);
    expect(runs).toEqual({ int8: 2, fp32: 2 });
  });

  it('run an unsure photo whose 2× canvas finds its face on int8 alone', async () => {
    const { sessions: counting, runs } = countingRuns();
    // A tight crop whose face the plain pass misses and the 2× canvas finds (eval:detection: the
    // plain pass finds 12 of the 40 crops' faces).
    const { faces } = await analysePhoto(readFixture('people/amy/amy1.png'), counting, DEFAULT_PIPELINE);
    expect(faces).toHaveLength(1);
    expect(runs.fp32).toBe(0);
    expect(runs.int8).toBe(2);
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
