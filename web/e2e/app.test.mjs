// The web app end to end in headless Chromium: displays and controllers as separate browser
// contexts (separate people) against the packaged jar.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayed,
  dropDatabase,
  eventually,
  freshDatabase,
  launchBrowser,
  live,
  newPage,
  openController,
  openDisplay,
  screenshot,
  send,
  startServer,
} from './harness.mjs';

const T = { timeout: 45_000 };
const RATE_LIMIT = 5;
let server;
let browser;
let db;
let base;

before(async () => {
  db = freshDatabase();
  server = await startServer({ ...(db ? { DATABASE_URL: db } : {}), RATE_LIMIT_MAX_REQUESTS: String(RATE_LIMIT) });
  base = server.url;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  dropDatabase(db);
});

describe('the web app', () => {
  test('home starts a display, which shows its code and a QR code for /c/{code}', T, async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(base + '/');
    await screenshot(page, 'home');
    await page.getByTestId('start-display').click();
    await page.waitForURL(/\/display\/[2-9A-HJKMNP-Z]{6}$/);
    await live(page);
    const code = (await page.getByTestId('session-code').textContent()).trim();
    assert.equal(page.url(), `${base}/display/${code}`);
    assert.equal(await page.getByTestId('qr-code').getAttribute('data-value'), `${base}/c/${code}`);
    assert.equal(await page.getByTestId('presence-display').textContent(), '1');
    const session = await (await fetch(`${base}/api/session/${code}`)).json();
    assert.equal(session.code, code);
    assert.deepEqual(errors, []);
  });

  test('joining by the code on the home page leads to /c/{code}', T, async () => {
    const { page: display, code } = await openDisplay(browser, base);
    const phone = await (await browser.newContext()).newPage();
    await phone.goto(base + '/');
    await phone.getByTestId('join-code').fill(code.toLowerCase().slice(0, 3) + '-' + code.slice(3));
    await phone.keyboard.press('Enter');
    await phone.waitForURL(`${base}/c/${code}`);
    await phone.getByTestId('name-input').fill('Keyboard user');
    await phone.keyboard.press('Enter');
    await live(phone);
    await eventually(async () => assert.equal(await display.getByTestId('presence-controller').textContent(), '1'));
  });

  test('controllers joining by /c/{code} are counted on the display, and leaving is too', T, async () => {
    const { page: display, code } = await openDisplay(browser, base);
    const alice = await openController(browser, base, code, 'Alice');
    const bob = await openController(browser, base, code, 'Bob');
    await eventually(async () => {
      assert.equal(await display.getByTestId('presence-controller').textContent(), '2');
      assert.equal(await display.getByTestId('presence-display').textContent(), '1');
    });
    await eventually(async () => assert.equal(await alice.getByTestId('presence-controller').textContent(), '2'));
    // The people list names everyone by role.
    await eventually(async () => {
      const names = await alice.locator('.people li').allTextContents();
      assert.deepEqual(names.map((n) => n.replace(/\s+/g, ' ').trim()).sort(), ['Alice (you)', 'Bob', 'Display']);
    });
    await bob.context().close();
    await eventually(async () => assert.equal(await display.getByTestId('presence-controller').textContent(), '1'));
    assert.deepEqual(display.consoleErrors(), []);
    assert.deepEqual(alice.consoleErrors(), []);
  });

  test('messages from two controllers reach two displays in the order they were sent', T, async () => {
    const { page: display, code } = await openDisplay(browser, base);
    const second = await openDisplay(browser, base).then(async ({ page }) => {
      await page.goto(`${base}/display/${code}`);
      await live(page);
      return page;
    });
    const alice = await openController(browser, base, code, 'Alice');
    const bob = await openController(browser, base, code, 'Bob');
    const sent = ['one from Alice', 'two from Bob', 'three from Alice 🎉', 'four from Bob'];
    await send(alice, sent[0]);
    await send(bob, sent[1]);
    await send(alice, sent[2]);
    await send(bob, sent[3]);
    for (const page of [display, second]) {
      await eventually(async () => assert.deepEqual(await displayed(page), sent));
    }
    // Each controller sees its own messages acknowledged with their seq.
    const states = await alice.locator('[data-testid=outbox] li .state').allTextContents();
    assert.deepEqual(states, ['✓ Sent · #3', '✓ Sent · #1']);
    await screenshot(display, 'display');
    await bob.getByTestId('history-search').fill('alice');
    await bob.getByTestId('history-search').press('Enter');
    await eventually(async () =>
      assert.deepEqual(await bob.locator('[data-testid=history-list] mark').allTextContents(), ['Alice', 'Alice']),
    );
    await screenshot(bob, 'controller', { fullPage: true });
    for (const page of [display, second, alice, bob]) assert.deepEqual(page.consoleErrors(), []);
  });

  test('markup in messages, names and the title is shown as the text it is, on every view', T, async () => {
    // Each of these would make an element, or run, if any view used it as HTML.
    const markup = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><b>bold</b>';
    const title = '<b>Title</b><img src=x onerror="window.__pwned=1">';
    const name = '<b>Mallory</b><img src=x onerror="window.__pwned=1">';
    const display = await newPage(browser);
    await display.goto(`${base}/display?title=${encodeURIComponent(title)}`);
    await display.waitForURL(/\/display\/[2-9A-HJKMNP-Z]{6}$/);
    await live(display);
    const code = (await display.getByTestId('session-code').textContent()).trim();
    const mallory = await openController(browser, base, code, name);
    const pages = [display, mallory];
    let dialogs = 0;
    for (const p of pages) p.on('dialog', (d) => (dialogs++, void d.dismiss()));
    const first = `first ${markup}`;
    const second = `${markup} second`;
    await send(mallory, first);
    await send(mallory, second);

    // The display: the newest message, the earlier one, the sender, the title, the host's list.
    await eventually(async () => assert.deepEqual(await displayed(display), [first, second]));
    assert.match(await display.locator('.latest figcaption').textContent(), /^<b>Mallory<\/b><img src=x/);
    assert.equal(await display.getByTestId('session-title').textContent(), title);
    await display.getByTestId('host-toggle').click();
    await eventually(async () => assert.match(await display.getByTestId('presence-panel').textContent(), /<b>Mallory/));

    // The controller: its own list, the history, who is online, the title.
    assert.deepEqual(await mallory.locator('[data-testid=outbox] .text').allTextContents(), [second, first]);
    await eventually(async () =>
      assert.deepEqual(await mallory.locator('[data-testid=history-list] .text').allTextContents(), [second, first]),
    );
    await eventually(async () => assert.match(await mallory.getByTestId('presence-panel').textContent(), /<b>Mallory/));
    assert.equal(await mallory.getByTestId('session-title').textContent(), title);

    // Search: the matched word is marked, the rest of the text stays text around it.
    await mallory.getByTestId('history-search').fill('bold');
    await mallory.getByTestId('history-search').press('Enter');
    const marks = mallory.locator('[data-testid=history-list] mark');
    await eventually(async () => assert.deepEqual(await marks.allTextContents(), ['bold', 'bold']));
    assert.deepEqual(
      (await mallory.locator('[data-testid=history-list] .text').allTextContents()).sort(),
      [first, second].sort(),
    );

    for (const p of pages) {
      assert.equal(await p.locator('#root b, #root img, #root script').count(), 0);
      assert.equal(await p.evaluate(() => globalThis.__pwned), undefined);
      assert.deepEqual(p.consoleErrors(), []);
    }
    assert.equal(dialogs, 0);
  });

  test('a controller over the rate limit is told how long to wait, and cannot send meanwhile', T, async () => {
    const { page: display, code } = await openDisplay(browser, base);
    const eager = await openController(browser, base, code, 'Eager');
    for (let i = 1; i <= RATE_LIMIT; i++) await send(eager, `message ${i}`);
    await eager.getByTestId('send-text').fill('one too many');
    await eager.getByTestId('send-button').click();
    const refused = eager.locator('[data-testid=outbox] li[data-state=refused]');
    await refused.waitFor();
    assert.match(await refused.textContent(), /one too many.*Not sent: Too many messages/);
    const hint = eager.getByTestId('send-hint');
    await eventually(async () => assert.match(await hint.textContent(), /You can send again in \d+ s\./));
    const seconds = Number(/in (\d+) s/.exec(await hint.textContent())[1]);
    assert.ok(seconds >= 1 && seconds <= 60, `wait of ${seconds} s`);
    assert.equal(await eager.getByTestId('send-button').isDisabled(), true);
    // The refused text is back in the box, ready for when the wait is over.
    assert.equal(await eager.getByTestId('send-text').inputValue(), 'one too many');
    await screenshot(eager, 'controller-rate-limited', { clip: { x: 0, y: 0, width: 390, height: 640 } });
    // The refused message never reached the display.
    await eventually(async () =>
      assert.equal(await display.getByTestId('display-latest').textContent(), `message ${RATE_LIMIT}`),
    );
    assert.deepEqual(eager.consoleErrors(), []);
  });

  test('the character counter counts what the server counts and stops an over-long message', T, async () => {
    const { code } = await openDisplay(browser, base);
    const page = await openController(browser, base, code, 'Counter');
    await page.getByTestId('send-text').fill('héllo 👋');
    assert.equal(await page.getByTestId('char-counter').textContent(), '7 / 2000');
    await page.getByTestId('send-text').fill('x'.repeat(2001));
    assert.equal(await page.getByTestId('send-button').isDisabled(), true);
    assert.match(await page.getByTestId('send-hint').textContent(), /1 characters too long/);
  });

  test('an unknown code and an ended session get a clear screen', T, async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(base + '/display/ZZZZZZ');
    await page.getByTestId('session-over').filter({ hasText: 'No such session' }).waitFor();
    // End a session with the owner token the display kept.
    const { page: display, code } = await openDisplay(browser, base);
    const token = await display.evaluate((c) => localStorage.getItem(`marquee.owner.${c}`), code);
    const phone = await openController(browser, base, code, 'Last one');
    const r = await fetch(`${base}/api/session/${code}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(r.status, 200);
    for (const p of [display, phone]) {
      await p.getByTestId('session-over').filter({ hasText: 'This session has ended' }).waitFor();
    }
    await screenshot(display, 'display-ended');
  });
});
