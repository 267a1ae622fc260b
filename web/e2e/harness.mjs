// What the browser suite runs against: the packaged jar as its own process (on a fresh database of
// the machine's PostgreSQL, or the embedded one when that is not reachable), a TCP proxy in front
// so one origin can outlive a server or move to another, and Debian's Chromium, never a download.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const JAR = resolve(process.env.MARQUEE_JAR ?? '../target/marquee.jar');
const JAVA = process.env.MARQUEE_JAVA ?? 'java';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const OUT = resolve(process.env.E2E_OUT ?? 'e2e-out');

/** Limits high enough that the suite, all from 127.0.0.1, only meets the ones it tests. */
export const SUITE_ENV = {
  RATE_LIMIT_IP_MAX_REQUESTS: '10000',
  RATE_LIMIT_CONNECTIONS_PER_IP: '10000',
  RATE_LIMIT_HTTP_PER_IP: '100000',
  RATE_LIMIT_FAILED_JOINS_PER_IP: '1000',
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'json',
};

export function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** A fresh database on 127.0.0.1:5432, or null to let the server start its embedded one. */
export function freshDatabase() {
  const name = `marquee_e2e_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  try {
    execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', `CREATE DATABASE ${name}`], {
      stdio: 'pipe',
      timeout: 10_000,
    });
    return `postgresql://postgres@127.0.0.1:5432/${name}`;
  } catch (e) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL at 127.0.0.1:5432 is required: ${e.message}`);
    return null;
  }
}

export function dropDatabase(url) {
  if (!url) return;
  const name = url.slice(url.lastIndexOf('/') + 1);
  try {
    execFileSync(
      'psql',
      ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`],
      {
        stdio: 'pipe',
        timeout: 10_000,
      },
    );
  } catch {
    // A leftover database is harmless: every name is unique.
  }
}

export function redisReachable() {
  return new Promise((ok) => {
    const s = net.connect(6379, '127.0.0.1');
    const done = (v) => {
      s.destroy();
      ok(v);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => {
      s.write('PING\r\n');
      s.once('data', (d) => done(d.toString().startsWith('+PONG')));
    });
  });
}

// Server directories (logs, data) go when the suite ends, unless E2E_KEEP=1 to read the logs.
const homes = new Set();
process.on('exit', () => {
  if (process.env.E2E_KEEP === '1') return;
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

/** `java -jar target/marquee.jar`, resolved once /health/ready answers 200. */
export async function startServer(env = {}, { dir } = {}) {
  if (!existsSync(JAR)) throw new Error(`${JAR} is missing: run mvn package first`);
  const home = dir ?? mkdtempSync(join(tmpdir(), 'marquee-e2e-'));
  homes.add(home);
  const port = await freePort();
  const out = openSync(join(home, `server-${port}.log`), 'a');
  const child = spawn(JAVA, ['-jar', JAR], {
    cwd: home,
    env: {
      ...process.env,
      ...SUITE_ENV,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: join(home, 'data'),
      LOG_DIR: join(home, 'logs'),
      ...env,
    },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}); see ${home}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server on ${port} not ready in 60 s; see ${home}`);
    }
    await sleep(150);
  }
  return {
    port,
    dir: home,
    url: `http://127.0.0.1:${port}`,
    /** SIGTERM, the graceful stop; SIGKILL if it takes longer than 30 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/**
 * A TCP proxy on a fixed port whose target can change: the browser keeps one origin while the
 * server behind it restarts or is replaced by another instance. With no target, connections are
 * refused (closed at once), as a stopped server's would be.
 */
export async function startProxy(targetPort) {
  let target = targetPort;
  const open = new Set();
  const server = net.createServer((client) => {
    if (target == null) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setTarget(p) {
      target = p;
    },
    close() {
      for (const s of open) s.destroy();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

/**
 * A server on a fresh database (`env` added to its environment) and a browser, started before the
 * calling test file's tests and stopped after them. Tests read `.server`, `.base` and `.browser`.
 */
export function serverAndBrowser(env = {}) {
  const suite = { server: null, base: null, browser: null };
  let db;
  before(async () => {
    db = freshDatabase();
    suite.server = await startServer({ ...(db ? { DATABASE_URL: db } : {}), ...env });
    suite.base = suite.server.url;
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
    dropDatabase(db);
  });
  return suite;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page in a context of its own (its own storage, so its own controller identity) that records
 * console errors and uncaught exceptions; `allow` lists the messages a test expects (a socket
 * that cannot connect while the server is down logs one).
 */
export async function newPage(browser, { viewport = { width: 1280, height: 720 }, colorScheme = 'dark' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1 });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.consoleErrors = (allow = []) => errors.filter((e) => !allow.some((re) => re.test(e)));
  return page;
}

export function sleep(ms) {
  return new Promise((ok) => setTimeout(ok, ms));
}

/** Retries `check` (which throws until satisfied) for up to `ms`; the last failure is thrown. */
export async function eventually(check, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(100);
    }
  }
}

/** Opens /display (a new session) and returns the page and its code once joined. */
export async function openDisplay(browser, base, options) {
  const page = await newPage(browser, options);
  await page.goto(base + '/display');
  await page.waitForURL(/\/display\/[2-9A-HJKMNP-Z]{6}$/);
  await live(page);
  const code = (await page.getByTestId('session-code').textContent()).trim();
  return { page, code };
}

/** Opens /c/{code} as `name` and returns the page once joined. */
export async function openController(browser, base, code, name, options = { viewport: { width: 390, height: 844 } }) {
  const page = await newPage(browser, options);
  await page.goto(`${base}/c/${code}`);
  await page.getByTestId('name-input').fill(name);
  await page.getByTestId('join-button').click();
  await live(page);
  return page;
}

export function live(page, ms = 15_000) {
  return page.locator('[data-testid=connection-state][data-state=open]').waitFor({ timeout: ms });
}

/** Types and sends; resolves once the server acknowledged it (the outbox row says sent). */
export async function send(page, text) {
  await page.getByTestId('send-text').fill(text);
  await page.getByTestId('send-button').click();
  await page
    .locator('[data-testid=outbox] li[data-state=sent]')
    .filter({ hasText: text.slice(0, 40) })
    .first()
    .waitFor();
}

/** What the display shows, oldest first: the earlier messages, then the newest. */
export async function displayed(page) {
  const latest = await page.getByTestId('display-latest').textContent();
  const previous = await page.locator('[data-testid=display-previous] .text').allTextContents();
  return [...previous.reverse(), latest];
}

export async function screenshot(page, name, options = {}) {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  await page.screenshot({ path: join(dir, `${name}.png`), ...options });
}
