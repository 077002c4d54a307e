/**
 * Hash routes (#/people, #/person/3, #/photo/12?i=4&people=1,2&any=1): the page is always the one
 * index.html, in Electron (file://) and in browser mode alike.
 */
export type Route =
  | { view: 'photos' }
  | { view: 'people' }
  | { view: 'person'; personId: number }
  | { view: 'photo'; photoId: number; context: ViewerContext }
  | { view: 'review' }
  | { view: 'folders' };

/** Which list the photo viewer steps through with previous / next. */
export interface ViewerContext {
  index: number | null;
  personIds: number[];
  anyPerson: boolean;
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query);
  const id = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : null);
  switch (parts[0]) {
    case 'people':
      return { view: 'people' };
    case 'person': {
      const personId = id(parts[1]);
      return personId === null ? { view: 'people' } : { view: 'person', personId };
    }
    case 'photo': {
      const photoId = id(parts[1]);
      if (photoId === null) return { view: 'photos' };
      const index = id(params.get('i') ?? undefined);
      const personIds = (params.get('people') ?? '')
        .split(',')
        .map((x) => id(x))
        .filter((x) => x !== null);
      return { view: 'photo', photoId, context: { index, personIds, anyPerson: params.get('any') === '1' } };
    }
    case 'review':
      return { view: 'review' };
    case 'folders':
      return { view: 'folders' };
    default:
      return { view: 'photos' };
  }
}

export function photoHref(photoId: number, context?: Partial<ViewerContext>): string {
  const params = new URLSearchParams();
  if (context?.index !== undefined && context.index !== null) params.set('i', String(context.index));
  if (context?.personIds?.length) params.set('people', context.personIds.join(','));
  if (context?.anyPerson) params.set('any', '1');
  const query = params.toString();
  return `#/photo/${photoId}${query ? `?${query}` : ''}`;
}

export class Router {
  route = $state<Route>(parseRoute(typeof location === 'undefined' ? '' : location.hash));

  start(): () => void {
    const update = () => (this.route = parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }

  go(hash: string): void {
    location.hash = hash;
  }
}
