// The app through a server restart and a move to another instance. A TCP proxy keeps the page's
// origin while the server behind it goes away and comes back (or another takes over), as a load
// balancer would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayed,
  dropDatabase,
  eventually,
  freshDatabase,
  launchBrowser,
  live,
  openController,
  openDisplay,
  redisReachable,
  send,
  startProxy,
  startServer,
} from './harness.mjs';

const T = { timeout: 90_000 };
// While the server is down, the browser logs each refused socket; that is the point of the test.
const SOCKET_DOWN = [/WebSocket connection to .* failed/, /Failed to load resource/];
let browser;
const cleanup = [];

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const f of cleanup.reverse()) await f();
});

test('display and controller carry on through a server restart, showing nothing twice', T, async () => {
  const db = freshDatabase();
  cleanup.push(() => dropDatabase(db));
  const env = db ? { DATABASE_URL: db } : {};
  let server = await startServer(env);
  const dir = server.dir;
  const proxy = await startProxy(server.port);
  cleanup.push(
    () => proxy.close(),
    () => server.stop(),
  );

  const { page: display, code } = await openDisplay(browser, proxy.url);
  const phone = await openController(browser, proxy.url, code, 'Survivor');
  await send(phone, 'before the restart 1');
  await send(phone, 'before the restart 2');
  await eventually(async () =>
    assert.deepEqual(await displayed(display), ['before the restart 1', 'before the restart 2']),
  );

  proxy.setTarget(null); // new connections refused while it is down, as a stopped server's are
  await server.stop(); // SIGTERM: clients are told to reconnect
  await eventually(async () =>
    assert.equal(await display.getByTestId('connection-state').getAttribute('data-state'), 'reconnecting'),
  );
  server = await startServer(env, { dir }); // same database, same data directory
  proxy.setTarget(server.port);

  await live(display, 30_000);
  await live(phone, 30_000);
  await send(phone, 'after the restart');
  await eventually(async () =>
    assert.deepEqual(await displayed(display), ['before the restart 1', 'before the restart 2', 'after the restart']),
  );
  await eventually(async () => assert.equal(await display.getByTestId('presence-controller').textContent(), '1'));
  // The phone's own list: every message once, each acknowledged.
  const states = await phone.locator('[data-testid=outbox] li').evaluateAll((els) => els.map((e) => e.dataset.state));
  assert.deepEqual(states, ['sent', 'sent', 'sent']);
  assert.deepEqual(display.consoleErrors(SOCKET_DOWN), []);
  assert.deepEqual(phone.consoleErrors(SOCKET_DOWN), []);
});

test('a page open on a reload resumes without repeating what it showed', T, async () => {
  const db = freshDatabase();
  cleanup.push(() => dropDatabase(db));
  const server = await startServer(db ? { DATABASE_URL: db } : {});
  cleanup.push(() => server.stop());
  const { page: display, code } = await openDisplay(browser, server.url);
  const phone = await openController(browser, server.url, code, 'Reloader');
  for (const t of ['a', 'b', 'c']) await send(phone, t);
  await display.reload();
  await live(display);
  await eventually(async () => assert.deepEqual(await displayed(display), ['a', 'b', 'c']));
  await send(phone, 'd');
  await eventually(async () => assert.deepEqual(await displayed(display), ['a', 'b', 'c', 'd']));
});

test('display and controller move to another instance when theirs shuts down', T, async (t) => {
  if (!(await redisReachable())) {
    if (process.env.CI === 'true') throw new Error('Redis at 127.0.0.1:6379 is required in CI');
    t.skip('no Redis at 127.0.0.1:6379');
    return;
  }
  const db = freshDatabase();
  cleanup.push(() => dropDatabase(db));
  const env = {
    ...(db ? { DATABASE_URL: db } : {}),
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `e2e${Date.now().toString(36)}`,
  };
  const [a, b] = await Promise.all([startServer(env), startServer(env)]);
  cleanup.push(
    () => a.stop(),
    () => b.stop(),
  );
  const proxy = await startProxy(a.port);
  cleanup.push(() => proxy.close());

  const { page: display, code } = await openDisplay(browser, proxy.url);
  const phone = await openController(browser, proxy.url, code, 'Traveller');
  await send(phone, 'on instance A');
  await eventually(async () => assert.deepEqual(await displayed(display), ['on instance A']));

  proxy.setTarget(b.port); // the balancer sends new connections to B
  await a.stop(); // A tells its clients to reconnect and goes
  await live(display, 30_000);
  await live(phone, 30_000);
  await send(phone, 'on instance B');
  await eventually(async () => assert.deepEqual(await displayed(display), ['on instance A', 'on instance B']));
  await eventually(async () => assert.equal(await display.getByTestId('presence-controller').textContent(), '1'));
  assert.deepEqual(display.consoleErrors(SOCKET_DOWN), []);
  assert.deepEqual(phone.consoleErrors(SOCKET_DOWN), []);
});
