import { describe, expect, it } from 'vitest';
import { isAppUrl, isWebUrl, resolveRendererUrl } from '../../../src/main/platform/app-url';

describe('resolveRendererUrl', () => {
  const mainDir = '/opt/kindred/out/main';

  it('loads the built renderer next to out/main', () => {
    expect(resolveRendererUrl({ devServerUrl: undefined, isPackaged: false, mainDir })).toBe(
      'file:///opt/kindred/out/renderer/index.html',
    );
  });

  it('uses the dev server on loopback in an unpackaged app', () => {
    const devServerUrl = 'http://localhost:5173/';
    expect(resolveRendererUrl({ devServerUrl, isPackaged: false, mainDir })).toBe(devServerUrl);
  });

  it('never lets the environment point the window at remote content', () => {
    const built = 'file:///opt/kindred/out/renderer/index.html';
    expect(resolveRendererUrl({ devServerUrl: 'https://evil.example/', isPackaged: false, mainDir })).toBe(
      built,
    );
    expect(resolveRendererUrl({ devServerUrl: 'http://localhost:5173/', isPackaged: true, mainDir })).toBe(
      built,
    );
  });
});

describe('isAppUrl', () => {
  it('accepts the same file with any hash or query, and nothing else on file://', () => {
    const app = 'file:///opt/kindred/out/renderer/index.html';
    expect(isAppUrl(`${app}#/people?id=3`, app)).toBe(true);
    expect(isAppUrl('file:///opt/kindred/out/renderer/other.html', app)).toBe(false);
    expect(isAppUrl('https://example.com/', app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });

  it('accepts the dev server origin only', () => {
    const app = 'http://localhost:5173/';
    expect(isAppUrl('http://localhost:5173/src/App.svelte', app)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', app)).toBe(false);
  });
});

describe('isWebUrl', () => {
  it('is true for http and https only', () => {
    expect(isWebUrl('https://example.com/')).toBe(true);
    expect(isWebUrl('http://example.com/')).toBe(true);
    expect(isWebUrl('file:///etc/passwd')).toBe(false);
    expect(isWebUrl('javascript:alert(1)')).toBe(false);
  });
});
