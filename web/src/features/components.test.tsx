import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { encode } from 'uqr';
import { Highlighted, formatDuration, PresenceCounts, SessionOver } from './session/components';
import { QrCode, qrPath } from './display/QrCode';
import { matchRoute } from '../app/router';

describe('components', () => {
  it('Highlighted marks matches and renders markup in the text as text', () => {
    const { container } = render(
      <p>
        <Highlighted
          text="say <b>hello</b>"
          segments={[
            { text: 'say <b>', match: false },
            { text: 'hello', match: true },
            { text: '</b>', match: false },
          ]}
        />
      </p>,
    );
    expect(container.textContent).toBe('say <b>hello</b>');
    expect(container.querySelectorAll('mark')).toHaveLength(1);
    expect(container.querySelector('b')).toBeNull();
  });

  it('PresenceCounts exposes the counts under their test ids', () => {
    render(<PresenceCounts counts={{ controller: 3, display: 1 }} />);
    expect(screen.getByTestId('presence-controller').textContent).toBe('3');
    expect(screen.getByTestId('presence-display').textContent).toBe('1');
  });

  it('SessionOver says why', () => {
    render(<SessionOver code="K7QX2M" state="ended" reason="inactive" />);
    expect(screen.getByRole('alert').textContent).toContain('Nobody sent a message for too long');
  });

  it('formats countdowns as m:ss', () => {
    expect(formatDuration(300_000)).toBe('5:00');
    expect(formatDuration(61_001)).toBe('1:02');
    expect(formatDuration(0)).toBe('0:00');
  });

  it('the QR path covers exactly the dark modules', () => {
    const qr = encode('http://192.168.1.20:3001/c/K7QX2M', { ecc: 'M', border: 2 });
    const dark = qr.data.flat().filter(Boolean).length;
    const covered = [...qrPath(qr.data).matchAll(/h(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(covered).toBe(dark);
    render(<QrCode value="http://h/c/K7QX2M" label="Join" />);
    expect(screen.getByRole('img', { name: 'Join' }).getAttribute('viewBox')).toMatch(/^0 0 \d+ \d+$/);
  });

  it('routes match the links people share, codes normalised', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/display')).toEqual({ name: 'new-display' });
    expect(matchRoute('/display/k7qx2m')).toEqual({ name: 'display', code: 'K7QX2M' });
    expect(matchRoute('/c/K7QX2M/')).toEqual({ name: 'controller', code: 'K7QX2M' });
    expect(matchRoute('/c/nope')).toEqual({ name: 'not-found' });
    expect(matchRoute('/elsewhere')).toEqual({ name: 'not-found' });
  });
});
