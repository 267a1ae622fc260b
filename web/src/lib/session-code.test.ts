import { describe, expect, it } from 'vitest';
import { controllerUrl, normalizeCode, parseCode } from './session-code';

describe('session codes', () => {
  it('reads codes the way the server does', () => {
    expect(normalizeCode(' k7q-x2m ')).toBe('K7QX2M');
    expect(parseCode('k7q x2m')).toBe('K7QX2M');
  });

  it('refuses what cannot be a code', () => {
    expect(parseCode('K7QX2')).toBeNull();
    expect(parseCode('K7QX2MM')).toBeNull();
    expect(parseCode('K0QX2M')).toBeNull(); // 0 is not in the alphabet
    expect(parseCode('K1QX2M')).toBeNull();
  });

  it('links controllers absolutely', () => {
    expect(controllerUrl('https://m.example/', 'K7QX2M')).toBe('https://m.example/c/K7QX2M');
  });
});
