// A session that nobody talks to: the display warns with a countdown, then says it is over.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dropDatabase,
  freshDatabase,
  launchBrowser,
  openController,
  openDisplay,
  screenshot,
  send,
  startServer,
} from './harness.mjs';

let server;
let browser;
let db;

before(async () => {
  db = freshDatabase();
  server = await startServer({
    ...(db ? { DATABASE_URL: db } : {}),
    INACTIVITY_WARNING_THRESHOLD: '2000',
    INACTIVITY_TIMEOUT: '12000',
    SESSION_SWEEP_INTERVAL_MS: '200',
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  dropDatabase(db);
});

test('the inactivity warning counts down, and a message lifts it', { timeout: 60_000 }, async () => {
  const { page: display, code } = await openDisplay(browser, server.url);
  const warning = display.getByTestId('inactivity-warning');
  await warning.waitFor({ timeout: 15_000 });
  const first = await warning.textContent();
  assert.match(first, /this session ends in 0:(0\d|1[0-2]) unless someone sends one/);
  // It counts down while on screen.
  await display.waitForFunction(
    (before) => globalThis.document.querySelector('[data-testid=inactivity-warning] strong')?.textContent !== before,
    /in (\d+:\d\d)/.exec(first)[1],
    { timeout: 5_000 },
  );
  await screenshot(display, 'display-warning');
  const phone = await openController(browser, server.url, code, 'Rescuer');
  await phone.getByTestId('inactivity-warning').waitFor();
  await send(phone, 'still here');
  await warning.waitFor({ state: 'detached', timeout: 5_000 });
  assert.deepEqual(display.consoleErrors(), []);
});

test('a session nobody used ends, and the display says why', { timeout: 60_000 }, async () => {
  const { page: display } = await openDisplay(browser, server.url);
  const over = display.getByTestId('session-over');
  await over.waitFor({ timeout: 30_000 });
  assert.match(await over.textContent(), /This session has ended.*Nobody sent a message for too long/);
  assert.deepEqual(display.consoleErrors(), []);
});
