import type { Session } from 'electron';

/**
 * The renderer's Content-Security-Policy. src/renderer/index.html carries the same policy in a meta tag
 * for file:// loads, where no response headers pass through the session.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Svelte and Vite inject component styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: kindred-media:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Adds the policy to every response the session receives (the dev server's included). */
export function installContentSecurityPolicy(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = withoutHeader(details.responseHeaders ?? {}, 'content-security-policy');
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

// Header names arrive in any case; a second, looser policy from the server must not survive beside ours.
function withoutHeader(headers: Record<string, string[]>, name: string): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name));
}
