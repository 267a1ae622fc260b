// The owner's lock and kick from the web app, against the packaged jar: the display that started
// the session holds the owner token; controllers are other people (browser contexts of their own).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  eventually,
  live,
  newPage,
  openController,
  openDisplay,
  screenshot,
  send,
  serverAndBrowser,
  sleep,
} from './harness.mjs';

const T = { timeout: 45_000 };
const PHONE = { viewport: { width: 390, height: 844 } };
const LOCKED_TEXT = 'This session is locked: the host is not admitting new controllers';
// Longer than any back-off wait after a close (the first is 0.5-1 s): a client that were to try
// again would have done so by then.
const SETTLE_MS = 1_500;
const suite = serverAndBrowser();

/** A phone that records the WebSockets it opens from now on. */
async function phone() {
  const page = await newPage(suite.browser, PHONE);
  page.sockets = [];
  page.on('websocket', (ws) => page.sockets.push(ws));
  return page;
}

const controllerCount = (page) => page.getByTestId('presence-controller').textContent();

describe('locking and kicking', () => {
  test(
    'a locked session refuses a new controller with a message, shows the lock, and admits it once unlocked',
    T,
    async () => {
      const { browser, base } = suite;
      const { page: display, code } = await openDisplay(browser, base);
      const alice = await openController(browser, base, code, 'Alice');
      await display.getByTestId('host-toggle').click();
      await display.getByTestId('lock-toggle').click();
      for (const p of [display, alice]) {
        await p.getByTestId('lock-badge').waitFor();
        assert.equal(await p.getByTestId('lock-badge').textContent(), 'Locked: no new controllers');
      }

      const bob = await phone();
      await bob.goto(`${base}/c/${code}`);
      await bob.getByTestId('name-input').fill('Bob');
      await bob.getByTestId('join-button').click();
      await bob.getByTestId('session-over').filter({ hasText: LOCKED_TEXT }).waitFor();
      await screenshot(bob, 'controller-locked-out');
      // It closed its socket at once (waiting for a join would keep it open 10 s) and opens no other.
      await eventually(async () => assert.equal(bob.sockets[0].isClosed(), true), 3_000);
      await sleep(SETTLE_MS);
      assert.equal(bob.sockets.length, 1);
      assert.equal(await controllerCount(display), '1');
      await display.locator('[data-testid=presence-panel] .people li').filter({ hasText: 'Alice' }).waitFor();
      await screenshot(display, 'display-host-controls');

      // Controllers already in keep their place: they send, and a reload is the same member.
      await send(alice, 'still here while locked');
      await alice.reload();
      await live(alice);

      await display.getByTestId('lock-toggle').click();
      for (const p of [display, alice]) await p.getByTestId('lock-badge').waitFor({ state: 'detached' });
      await bob.getByTestId('retry-join').click();
      await live(bob);
      await eventually(async () => assert.equal(await controllerCount(display), '2'));
      for (const p of [display, alice, bob]) assert.deepEqual(p.consoleErrors(), []);
    },
  );

  test('a removed controller is told so, and does not come back by itself or by reloading', T, async () => {
    const { browser, base } = suite;
    const { page: display, code } = await openDisplay(browser, base);
    const carol = await openController(browser, base, code, 'Carol');
    carol.sockets = [];
    carol.on('websocket', (ws) => carol.sockets.push(ws));
    await display.getByTestId('host-toggle').click();
    const row = display.locator('[data-testid=presence-panel] .people li').filter({ hasText: 'Carol' });
    await row.getByTestId('kick-button').click();

    await carol.getByTestId('session-over').filter({ hasText: 'You were removed from this session' }).waitFor();
    await eventually(async () => assert.equal(await controllerCount(display), '0'));
    await row.waitFor({ state: 'detached' });
    assert.match(await display.getByTestId('owner-notice').textContent(), /^Carol was removed\./);
    await sleep(SETTLE_MS);
    assert.deepEqual(carol.sockets, []);

    await carol.reload();
    await carol.getByTestId('session-over').filter({ hasText: 'You were removed from this session' }).waitFor();
    assert.equal(await controllerCount(display), '0');
  });

  test('an owner request the server refuses is shown, and changes nothing', T, async () => {
    const { browser, base } = suite;
    const { page: display, code } = await openDisplay(browser, base);
    // A controller whose browser holds a token for this session that is not its owner token.
    const page = await newPage(browser, PHONE);
    await page.goto(`${base}/`);
    await page.evaluate((c) => localStorage.setItem(`marquee.owner.${c}`, 'not-the-owner-token'), code);
    await page.goto(`${base}/c/${code}`);
    await page.getByTestId('name-input').fill('Pretender');
    await page.getByTestId('join-button').click();
    await live(page);
    await page.getByTestId('lock-toggle').click();
    await page.getByTestId('owner-error').waitFor();
    assert.equal(
      await page.getByTestId('owner-error').textContent(),
      "The server did not accept this device's owner key.",
    );
    const session = await (await fetch(`${base}/api/session/${code}`)).json();
    assert.equal(session.locked, false);
    assert.equal(await display.getByTestId('lock-badge').count(), 0);
  });
});
