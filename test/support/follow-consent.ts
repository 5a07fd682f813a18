/**
 * What a browser does with a consent URL when the emulator consents without a page (auto mode, or a queued
 * decision): one request, then read the redirect's Location. Fails with the status and body otherwise.
 */
export async function followConsent(url: string): Promise<URL> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`consent page answered ${response.status}, not a redirect: ${await response.text()}`);
  }
  return new URL(location);
}
