import { render, screen } from '@testing-library/svelte';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PhotoDetail } from '../../../src/common/api';
import { APP_CONTEXT_KEY, type AppContext } from '../../../src/renderer/lib/context';
import { Router } from '../../../src/renderer/lib/router.svelte';
import { Notices } from '../../../src/renderer/lib/state/notices.svelte';
import PhotoViewer from '../../../src/renderer/views/PhotoViewer.svelte';
import { fakeLibrary } from '../fake-library';

const detail = (offline: boolean): PhotoDetail => ({
  id: 9,
  path: '/media/usb/1987/reunion.jpg',
  folder: '/media/usb',
  fileName: 'reunion.jpg',
  width: 1200,
  height: 800,
  takenAt: '1987-07-04T15:20:00',
  camera: 'Canon AE-1',
  status: 'indexed',
  error: null,
  offline,
  faces: [
    {
      id: 31,
      box: { x: 100, y: 100, width: 120, height: 140 },
      personId: 4,
      personName: 'Grandma Rose',
      confirmed: true,
      suggestion: null,
    },
  ],
});

beforeAll(() => {
  // jsdom lays nothing out; the viewer only needs the observer to exist.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

function mountViewer(photo: PhotoDetail) {
  const { library } = fakeLibrary({ getPhoto: async () => photo, photoPage: async () => [] });
  const context: AppContext = { library, notices: new Notices(0), router: new Router() };
  render(PhotoViewer, {
    props: { photoId: 9, context: { index: null, personIds: [], anyPerson: false } },
    context: new Map([[APP_CONTEXT_KEY, context]]),
  });
}

describe('PhotoViewer', () => {
  it("says when the photo's folder is offline and that its faces can still be corrected", async () => {
    mountViewer(detail(true));
    expect(await screen.findByText(/This folder is offline .*preview Kindred kept/s)).toBeTruthy();
    expect(screen.getByText('reunion.jpg')).toBeTruthy();
    expect(screen.getAllByText('Grandma Rose').length).toBeGreaterThan(0);
  });

  it('says nothing of the kind for a photo whose folder is online', async () => {
    mountViewer(detail(false));
    await screen.findByText('reunion.jpg');
    expect(screen.queryByText(/offline/)).toBeNull();
  });
});
