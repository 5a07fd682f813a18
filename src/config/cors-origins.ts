// CORS_ORIGINS's format: a comma-separated list of browser origins, each exactly an origin (no path, no slash).

/** The listed origins, or null when unset (local mode's own origin). */
export function parseCorsOrigins(raw: string | undefined, problems: string[]): string[] | null {
  if (raw === undefined) return null;
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of origins) {
    try {
      if (new URL(origin).origin !== origin) throw new Error('not an origin');
    } catch {
      problems.push(`CORS_ORIGINS entries must be origins like https://app.example.com, got "${origin}"`);
    }
  }
  return origins;
}
