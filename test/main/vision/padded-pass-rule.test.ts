/**
 * The 2× canvas pass runs only when the plain pass leaves a doubt (detector.ts, 'when-unsure'):
 * a photo whose faces the plain pass is sure of costs one SSD run and gives the faces that both
 * passes give; a tight crop (no face in the plain pass) and a photo with an unsure candidate still
 * get the second pass, which finds the crop's face and drops the dogs' faces.
 */
import type * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { findFaces, type PaddedPassRule } from '../../../src/main/vision/detector';
import { readPhotoHeader } from '../../../src/main/vision/decode';
import type { Sessions } from '../../../src/main/vision/models';
import { intersectionOverUnion } from '../../../src/main/vision/nms';
import { decodeForDetection, DEFAULT_PIPELINE, passDetectors } from '../../../src/main/vision/pipeline';
import { leftToRight, loadTestSessions, readFixture } from './helpers';

let sessions: Sessions;
beforeAll(async () => {
  sessions = await loadTestSessions();
});

/** Detects with the given rule and counts the detector's runs. */
async function detect(fixturePath: string, rule: PaddedPassRule) {
  const bytes = readFixture(fixturePath);
  const header = await readPhotoHeader(bytes);
  const { fitted } = await decodeForDetection(bytes, header);
  let runs = 0;
  let frameFillingAsked = 0;
  const counted = (session: ort.InferenceSession) =>
    new Proxy(session, {
      get(target, property, receiver) {
        if (property === 'run')
          return (...args: Parameters<typeof target.run>) => {
            runs++;
            return target.run(...args);
          };
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
  const { firstPasses, frameFilling } = await passDetectors(sessions, DEFAULT_PIPELINE.detectorPrecision);
  const faces = await findFaces(
    {
      firstPasses: counted(firstPasses),
      frameFilling: async () => {
        frameFillingAsked++;
        return counted(await frameFilling());
      },
    },
    fitted.image,
    fitted.scale,
    header.width,
    header.height,
    { paddedPass: rule },
  );
  return { faces, runs, frameFillingAsked };
}

describe("the 2× canvas pass 'when-unsure'", () => {
  it('skips it when the plain pass is sure of every face, and finds the same faces as always running it', async () => {
    const whenUnsure = await detect('groups/bbt1.jpg', 'when-unsure');
    const always = await detect('groups/bbt1.jpg', 'always');
    expect(whenUnsure.runs).toBe(1);
    expect(always.runs).toBe(2);
    // Faces found: the frame-filling detector (float32, ~35 MB a worker) is never asked for.
    expect(whenUnsure.frameFillingAsked).toBe(0);
    expect(always.frameFillingAsked).toBe(0);
    expect(whenUnsure.faces).toHaveLength(4);
    // The same faces; the boxes differ a little where the always-run pass's box scored higher.
    expect(always.faces).toHaveLength(4);
    const plain = leftToRight(whenUnsure.faces.map((box) => ({ box })));
    const both = leftToRight(always.faces.map((box) => ({ box })));
    plain.forEach((face, i) => expect(intersectionOverUnion(face.box, both[i].box)).toBeGreaterThan(0.6));
  });

  it('runs it on a tight crop, where the plain pass sees no face, and finds the face', async () => {
    const { faces, runs } = await detect('people/amy/amy1.png', 'when-unsure');
    expect(runs).toBe(2);
    expect(faces).toHaveLength(1);
  });

  it('runs it when a candidate is unsure, so that an uncorroborated one is dropped (the dogs)', async () => {
    const never = await detect('misc/dogs.jpg', 'never');
    const whenUnsure = await detect('misc/dogs.jpg', 'when-unsure');
    // One pass alone takes a dog's face for a person's; the second pass does not confirm it.
    expect(never.faces.length).toBeGreaterThan(0);
    expect(whenUnsure.runs).toBeGreaterThanOrEqual(2);
    expect(whenUnsure.faces).toHaveLength(0);
    // No face in the first two passes: the frame-filling passes look for one that fills the frame.
    expect(whenUnsure.frameFillingAsked).toBe(2);
    expect(whenUnsure.runs).toBe(4);
  });
});
