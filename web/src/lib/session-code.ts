/** PROTOCOL.md: six characters from this alphabet (no 0/O, 1/I/L). */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 6;

/** Input is case-insensitive and ignores spaces and dashes, as the server reads it. */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase();
}

/** The code in canonical form, or null when it cannot be one. */
export function parseCode(input: string): string | null {
  const code = normalizeCode(input);
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** The link a QR code carries: absolute, so a phone's camera can open it. */
export function controllerUrl(origin: string, code: string): string {
  return `${origin.replace(/\/$/, '')}/c/${encodeURIComponent(code)}`;
}
