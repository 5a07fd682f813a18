// Parsers of one variable's value: each takes the variable's name (for the message), its trimmed value
// (undefined when unset or blank) and the list of problems, and never reads the environment (config.ts does).

/** An integer in [min, max]; `fallback` when unset, and when invalid (after recording the problem). */
export function parseInteger(
  name: string,
  raw: string | undefined,
  range: { readonly fallback: number; readonly min: number; readonly max: number },
  problems: string[],
): number {
  const { fallback, min, max } = range;
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return parsed;
}

/** An absolute http(s) URL, as given; undefined when unset or invalid (after recording the problem). */
export function parseHttpUrl(name: string, raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
    return raw;
  } catch {
    problems.push(`${name} must be an absolute http(s) URL, got "${raw}"`);
    return undefined;
  }
}

/** Records a problem unless the value is unset, `true` or `false`; the caller decides what unset means. */
export function checkBoolean(name: string, raw: string | undefined, problems: string[]): void {
  if (raw !== undefined && raw !== 'true' && raw !== 'false') {
    problems.push(`${name} must be true or false, got "${raw}"`);
  }
}
